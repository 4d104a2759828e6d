"""Faults on demand: every kind armed in a sandbox and met by real clients over loopback
(httpx and curl subprocesses against a live server), "place the order, then lose the answer"
through the playground too, the endpoint filter, and a fault armed once firing once under
ten simultaneous calls. Each fault that fired is in the journal."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from playground.sandbox import chaos
from playground.sandbox.models import Account, ArmedFault, JournalEntry, Order, Sandbox
from tests.live_support import HX, rendered_key, use_token, words
from tests.test_sandbox_support import BALANCE, CREATE, SHARED_1000, balance_of

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

UNKNOWN = "Outcome unknown: the order may have been placed."
BUILDER_CREATE = {"endpoint": "create", "type": "new_datacenter_shared", "country": "Belgium",
                  "is_subscription": "true", "days": "30", "proxies_location": "mixed",
                  "proxies_size": "1000", "bandwidth": "0"}


def arm(kind: str, *, endpoint: str = "any", calls: int = 1, seconds: float = 0) -> ArmedFault:
    return chaos.arm(Sandbox.public().pk, kind=kind, endpoint=endpoint, calls=calls,
                     seconds=seconds)


def httpx_create(live_server) -> httpx.Response:
    return httpx.post(f"{live_server.url}{CREATE}", content=json.dumps(SHARED_1000),
                      headers={"api-token": "sandbox-full", "Content-Type": "application/json"},
                      timeout=20)


def curl(live_server, path: str, *, body: dict | None = None) -> subprocess.CompletedProcess:
    """curl, printing the body then the status and Retry-After on a last line."""
    command = ["curl", "-sS", "--max-time", "20", "-H", "api-token: sandbox-full",
               "-w", "\n%{http_code} %header{retry-after}", f"{live_server.url}{path}"]
    if body is not None:
        command += ["-H", "Content-Type: application/json", "--data-raw", json.dumps(body)]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def fired() -> list[tuple[str, str, int]]:
    return list(JournalEntry.objects.exclude(fault="").order_by("id")
                .values_list("endpoint", "fault", "status"))


# --- answers instead of the API's -------------------------------------------------------

@pytest.mark.parametrize("status", [500, 502, 503])
def test_an_http_error_with_an_html_body_reaches_httpx_and_curl(live_server, demo, status):
    arm(f"http-{status}", endpoint="balance", calls=2)
    response = httpx.get(f"{live_server.url}{BALANCE}", headers={"api-token": "sandbox-full"})
    assert response.status_code == status
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert f"<h1>{status} " in response.text

    done = curl(live_server, BALANCE)
    page, _, last = done.stdout.rpartition("\n")
    assert (done.returncode, last.split()[0]) == (0, str(status))
    assert f"<h1>{status} " in page
    assert fired() == [("balance", f"http-{status}", status)] * 2
    after = httpx.get(f"{live_server.url}{BALANCE}", headers={"api-token": "sandbox-full"})
    assert after.json()["data"]["balance"] == 250.0  # used up: the API answers again


def test_a_429_carries_retry_after(live_server, demo):
    arm("http-429", calls=2, seconds=7)
    response = httpx.get(f"{live_server.url}{BALANCE}", headers={"api-token": "sandbox-full"})
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")
    assert response.json() == {"success": False, "error": "Too many requests: slow down and "
                                                          "try again after 7 seconds."}
    assert curl(live_server, BALANCE).stdout.rpartition("\n")[2] == "429 7"
    assert fired() == [("balance", "http-429", 429)] * 2


@pytest.mark.parametrize("kind", ["truncated-json", "invalid-json"])
def test_truncated_or_invalid_json_reaches_httpx_and_curl(live_server, demo, kind):
    arm(kind, calls=2)
    response = httpx.get(f"{live_server.url}{BALANCE}", headers={"api-token": "sandbox-full"})
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    body = curl(live_server, BALANCE).stdout.rpartition("\n")[0]
    assert body.encode() == response.content
    assert fired() == [("balance", kind, 200)] * 2


def test_added_latency_delays_the_normal_answer(live_server, demo):
    arm("latency", seconds=0.6)
    started = time.monotonic()
    response = httpx.get(f"{live_server.url}{BALANCE}", headers={"api-token": "sandbox-full"})
    assert time.monotonic() - started >= 0.6
    assert response.json()["data"]["balance"] == 250.0
    entry = JournalEntry.objects.get()
    assert (entry.fault, entry.status, entry.duration_ms >= 600) == ("latency", 200, True)


def test_added_latency_reaches_curl_too(live_server, demo):
    arm("latency", seconds=0.6)
    started = time.monotonic()
    done = curl(live_server, BALANCE)
    assert time.monotonic() - started >= 0.6
    body, _, last = done.stdout.rpartition("\n")
    assert (last.split()[0], json.loads(body)["data"]["balance"]) == ("200", 250.0)
    assert fired() == [("balance", "latency", 200)]


def test_latency_is_bounded_by_the_setting(db, settings):
    settings.SANDBOX_FAULT_MAX_LATENCY = 2.0
    assert arm("latency", seconds=3600).seconds == 2.0


# --- no answer at all ---------------------------------------------------------------------

def test_a_dropped_connection_gives_httpx_and_curl_no_answer_and_places_nothing(
        live_server, demo):
    arm("drop", endpoint="create", calls=2)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx_create(live_server)
    done = curl(live_server, CREATE, body=SHARED_1000)
    assert done.returncode == 52  # curl: "Empty reply from server"
    assert "Empty reply from server" in done.stderr
    assert not Order.objects.exists()
    assert balance_of("sandbox-full") == Decimal("250.00")
    assert fired() == [("create", "drop", 0)] * 2


def test_lose_the_answer_places_the_order_once_and_gives_no_answer(live_server, demo):
    arm("lose-answer", endpoint="create")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx_create(live_server)
    order = Order.objects.get()
    assert order.account.name == "sandbox-full"
    assert balance_of("sandbox-full") == Decimal("250.00") - order.price
    assert fired() == [("create", "lose-answer", 0)]


def test_lose_the_answer_loses_an_error_answer_too(live_server, demo):
    Account.objects.filter(name="sandbox-full").update(balance=0)
    arm("lose-answer", endpoint="create")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx_create(live_server)
    assert not Order.objects.exists()
    assert fired() == [("create", "lose-answer", 0)]


def test_lose_the_answer_with_curl(live_server, demo):
    arm("lose-answer", endpoint="create")
    done = curl(live_server, CREATE, body=SHARED_1000)
    assert done.returncode == 52
    assert Order.objects.count() == 1
    assert balance_of("sandbox-full") == Decimal("220.96")


def test_lose_the_answer_as_a_502_places_the_order_and_answers_html(live_server, demo):
    arm("lose-answer-502", endpoint="create")
    response = httpx_create(live_server)
    assert response.status_code == 502
    assert "<h1>502 Bad Gateway</h1>" in response.text
    assert Order.objects.count() == 1
    assert balance_of("sandbox-full") == Decimal("220.96")
    assert fired() == [("create", "lose-answer-502", 502)]
    arm("lose-answer-502", endpoint="create")
    done = curl(live_server, CREATE, body=SHARED_1000)
    page, _, last = done.stdout.rpartition("\n")
    assert (done.returncode, last.split()[0]) == (0, "502")
    assert "<h1>502 Bad Gateway</h1>" in page
    assert Order.objects.count() == 2
    assert balance_of("sandbox-full") == Decimal("191.92")


# --- through the playground --------------------------------------------------------------

def test_the_playground_reports_outcome_unknown_for_a_lost_answer_and_never_sends_again(
        client, demo):
    arm("lose-answer", endpoint="create")
    use_token(client, "sandbox-full")
    response = client.post("/send", {**BUILDER_CREATE, "submission_key": rendered_key(client)},
                           **HX)
    assert response.status_code == 200
    text = words(response)
    assert UNKNOWN in text
    assert "The connection dropped after the order was sent." in text
    assert Order.objects.count() == 1
    assert balance_of("sandbox-full") == Decimal("220.96")
    creates = JournalEntry.objects.filter(endpoint="create")
    assert list(creates.values_list("fault", "status", "client")) == [
        ("lose-answer", 0, "playground (in process)")]


def test_the_playground_shows_a_dropped_balance_read_as_a_dropped_connection(client, demo):
    arm("drop", endpoint="balance", calls=3)  # a GET may be retried: each try is journalled
    use_token(client, "sandbox-full")
    response = client.post("/send", {"endpoint": "balance",
                                     "submission_key": rendered_key(client)}, **HX)
    assert response.status_code == 200
    assert "The connection dropped before the API answered." in words(response)


# --- which calls, and how many -----------------------------------------------------------

def test_a_fault_fires_only_on_its_endpoint_and_its_sandbox(live_server, demo):
    other = Sandbox.objects.create(owner="user:9", name="theirs")
    Account.objects.filter(name="sandbox-discount").update(sandbox=other)
    arm("http-503", endpoint="create")
    ok = httpx.get(f"{live_server.url}{BALANCE}", headers={"api-token": "sandbox-full"})
    theirs = httpx.post(f"{live_server.url}{CREATE}", content=json.dumps(SHARED_1000),
                        headers={"api-token": "sandbox-discount"})
    assert (ok.status_code, theirs.status_code) == (200, 200)
    assert httpx_create(live_server).status_code == 503
    assert fired() == [("create", "http-503", 503)]


def test_an_unauthenticated_call_never_uses_up_a_fault(live_server, demo):
    arm("http-500")
    assert httpx.get(f"{live_server.url}{BALANCE}").status_code == 401
    assert ArmedFault.objects.get().remaining == 1


def test_a_fault_armed_for_one_call_fires_once_under_ten_simultaneous_calls(live_server, demo):
    arm("http-503")
    barrier = threading.Barrier(10, timeout=30)

    def call(_):
        barrier.wait()
        return httpx.get(f"{live_server.url}{BALANCE}", headers={"api-token": "sandbox-full"},
                         timeout=60).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(pool.map(call, range(10)))
    assert statuses == [200] * 9 + [503]
    fault = ArmedFault.objects.get()
    assert (fault.remaining, fault.fired) == (0, 1)
    assert len(fired()) == 1


@pytest.mark.parametrize("bad", [{"kind": "nonsense"}, {"endpoint": "nowhere"}, {"calls": 0},
                                 {"calls": 101}])
def test_arming_refuses_what_it_cannot_do(db, bad):
    with pytest.raises(ValueError):
        arm(**{"kind": "drop", **bad})
