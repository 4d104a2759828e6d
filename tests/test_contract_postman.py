"""The Postman export: the builder's request and History rows as a v2.1 collection, with
an environment file whose token is empty; Newman (Postman's own runner, installed from
tests/js/package-lock.json) runs the exported collection against the sandbox on a live
server, and the order it places reaches ``processed``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from django.test import Client

from playground.models import Call
from tests.html_support import elements
from tests.live_support import CREATE_FIELDS, send, use_token

NEWMAN = Path(__file__).parent / "js" / "node_modules" / ".bin" / "newman"
DEFAULT_QUERY = ("type=new_datacenter_shared&country=Belgium&is_subscription=true&days=30"
                 "&proxies[mixed]=1000&bandwidth=0")


@pytest.fixture
def newman() -> Path:
    if not NEWMAN.exists():  # `make test` installs it (Makefile: $(NODE_STAMP))
        pytest.fail(f"Newman is not installed: run `make test`, or `npm ci` in {NEWMAN.parents[2]}")
    if shutil.which("node") is None:
        pytest.fail("Node.js is not on PATH; Newman needs it.")
    return NEWMAN


def run_newman(newman: Path, tmp_path: Path, collection: dict, environment: dict,
               token: str = "sandbox-full") -> tuple[subprocess.CompletedProcess, dict]:
    (tmp_path / "collection.json").write_text(json.dumps(collection))
    (tmp_path / "environment.json").write_text(json.dumps(environment))
    report = tmp_path / "report.json"
    run = subprocess.run(
        [str(newman), "run", "collection.json", "-e", "environment.json",
         "--env-var", f"api_token={token}", "--env-var", "poll_ms=100",
         "--reporters", "cli,json", "--reporter-json-export", str(report), "--color", "off"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    return run, json.loads(report.read_text())


def executions(report: dict) -> list[tuple[str, int, dict]]:
    """(request name, HTTP status, parsed body) for every request Newman sent, in order."""
    seen = []
    for execution in report["run"]["executions"]:
        response = execution["response"]
        body = json.loads(bytes(response["stream"]["data"]).decode())
        seen.append((execution["item"]["name"], response["code"], body))
    return seen


def failed_assertions(report: dict) -> list[str]:
    return [f"{e['item']['name']}: {a['assertion']}: {a['error']['message']}"
            for e in report["run"]["executions"] for a in e.get("assertions", [])
            if a.get("error")]


# --- the files ---------------------------------------------------------------------------

def test_builder_export_is_a_v2_1_collection_with_the_token_as_a_variable(db):
    response = Client().get(f"/export/postman/collection.json?{DEFAULT_QUERY}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="create.postman_collection.json"')
    collection = response.json()
    assert collection["info"]["schema"] == (
        "https://schema.getpostman.com/json/collection/v2.1.0/collection.json")
    create, status = collection["item"]
    assert create["request"]["method"] == "POST"
    assert create["request"]["url"]["raw"] == "{{base_url}}/v4/account/orders/create"
    assert create["request"]["header"] == [{"key": "api-token", "value": "{{api_token}}"},
                                           {"key": "Content-Type", "value": "application/json"}]
    assert json.loads(create["request"]["body"]["raw"]) == {
        "type": "new_datacenter_shared", "country": "Belgium", "is_subscription": True,
        "days": 30, "proxies[mixed]": 1000, "bandwidth": 0}
    tests = "\n".join(create["event"][0]["script"]["exec"])
    assert "pm.expect(body.success, body.error).to.eql(true);" in tests
    assert "pm.collectionVariables.set('order_id', body.data);" in tests
    assert status["request"]["url"]["raw"] == "{{base_url}}/v4/account/orders/{{order_id}}/status"
    assert "postman.setNextRequest(pm.info.requestName)" in "\n".join(
        status["event"][1]["script"]["exec"])


def test_bearer_builder_state_exports_the_authorization_header(db):
    collection = Client().get("/export/postman/collection.json?endpoint=balance&auth=bearer").json()
    (item,) = collection["item"]
    assert item["request"]["header"] == [{"key": "Authorization",
                                          "value": "Bearer {{api_token}}"}]
    assert item["request"]["url"]["raw"] == "{{base_url}}/v4/account/orders/balance"


def test_an_invalid_builder_state_is_a_clear_400_not_a_file(db):
    response = Client().get("/export/postman/collection.json?endpoint=status&order_id=nope")
    assert response.status_code == 400
    assert response.json()["error"].startswith(
        "The request is not valid yet, so there is nothing to export: order_id:")


def test_environment_has_the_base_url_and_an_empty_token(db):
    response = Client().get("/export/postman/environment.json")
    values = {v["key"]: v["value"] for v in response.json()["values"]}
    assert values == {"base_url": "http://testserver/sandbox", "api_token": "",
                      "poll_ms": "1500"}


def test_environment_in_live_mode_names_the_live_api(db, settings):
    settings.PROXYSCRAPE_API_BASE = "https://api.proxyscrape.com"
    values = {v["key"]: v["value"]
              for v in Client().get("/export/postman/environment.json").json()["values"]}
    assert values["base_url"] == "https://api.proxyscrape.com"


def test_the_stored_token_never_reaches_an_exported_file(demo):
    client = Client()
    use_token(client, "sandbox-full")
    assert send(client).status_code == 200
    call = Call.objects.get(endpoint="create")
    texts = [client.get(f"/export/postman/collection.json?{DEFAULT_QUERY}").content,
             client.get(f"/export/postman/history.json?call={call.pk}").content,
             client.get("/export/postman/environment.json").content]
    assert all(b"sandbox-full" not in text for text in texts)


def test_history_rows_of_another_owner_are_a_404(demo):
    owner, stranger = Client(), Client()
    use_token(owner, "sandbox-full")
    send(owner)
    call = Call.objects.get(endpoint="create")
    response = stranger.get(f"/export/postman/history.json?call={call.pk}")
    assert response.status_code == 404
    assert response.json() == {"error": f"No such History row of yours: #{call.pk}"}


@pytest.mark.parametrize(("query", "error"), [
    ("", "Pick at least one History row to export."),
    ("call=1&call=x2", "History rows are named by their number; not: 'x2'"),
    ("&".join(f"call={i}" for i in range(51)), "At most 50 History rows go in one collection."),
])
def test_a_bad_history_selection_is_a_clear_400(db, query, error):
    response = Client().get(f"/export/postman/history.json?{query}")
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_export_page_lists_history_rows_with_checkboxes(demo):
    client = Client()
    use_token(client, "sandbox-full")
    send(client)
    call = Call.objects.get(endpoint="create")
    response = client.get("/export")
    assert response.status_code == 200
    assert [c.pk for c in response.context["calls"]] == [call.pk]
    assert any(e["attrs"].get("name") == "call" and e["attrs"].get("value") == str(call.pk)
               for e in elements(response.content))


# --- Newman against the sandbox ------------------------------------------------------------

@pytest.fixture
def sandbox_files(live_server, demo, settings):
    settings.SANDBOX_PROCESSING_DELAY = 0.6  # a few polls, not a long wait
    with httpx.Client(base_url=live_server.url) as http:
        environment = http.get("/export/postman/environment.json").json()
        yield http, environment


def test_newman_runs_the_exported_builder_request_until_the_order_is_processed(
        newman, sandbox_files, tmp_path, live_server):
    http, environment = sandbox_files
    assert {v["key"]: v["value"] for v in environment["values"]}["base_url"] == (
        f"{live_server.url}/sandbox")
    collection = http.get(f"/export/postman/collection.json?{DEFAULT_QUERY}").json()
    run, report = run_newman(newman, tmp_path, collection, environment)
    assert run.returncode == 0, run.stdout[-4000:]
    assert failed_assertions(report) == []
    seen = executions(report)
    assert seen[0][:2] == ("1. Place order", 200)
    order_id = seen[0][2]["data"]
    statuses = [body["data"]["status"] for name, code, body in seen[1:]]
    assert len(statuses) >= 2  # it polled: paid first, then processed
    assert statuses[0] == "paid" and statuses[-1] == "processed"
    assert all(body["data"]["order_id"] == order_id for _, _, body in seen[1:])
    assert report["run"]["stats"]["assertions"]["failed"] == 0


def test_newman_reports_a_refused_order_as_a_failed_test(newman, sandbox_files, tmp_path):
    http, environment = sandbox_files
    collection = http.get(f"/export/postman/collection.json?{DEFAULT_QUERY}").json()
    run, report = run_newman(newman, tmp_path, collection, environment,
                             token="sandbox-readonly")
    assert run.returncode != 0
    assert failed_assertions(report)[0] == (
        "1. Place order: the order was placed (success is true): API ordering is not enabled "
        "for this account. Contact support to request access.: expected false to deeply "
        "equal true")


def test_newman_runs_exported_history_rows(newman, sandbox_files, tmp_path):
    http, environment = sandbox_files
    client = Client()
    use_token(client, "sandbox-full")
    send(client)
    send(client, {"endpoint": "balance"})
    ids = list(Call.objects.order_by("id").values_list("pk", flat=True))
    response = client.get("/export/postman/history.json?" + "&".join(f"call={i}" for i in ids))
    collection = response.json()
    assert [item["name"] for item in collection["item"]][:3] == [
        f"1. Place order (History #{ids[0]})", "1. Order status (of the order just placed)",
        f"2. Balance (History #{ids[1]})"]
    run, report = run_newman(newman, tmp_path, collection, environment)
    assert run.returncode == 0, run.stdout[-4000:]
    seen = executions(report)
    assert seen[-1][1] == 200 and set(seen[-1][2]["data"]) == {"balance", "currency"}
    assert [body["data"]["status"] for name, _, body in seen[1:-1]][-1] == "processed"
    assert CREATE_FIELDS["type"] == "new_datacenter_shared"
