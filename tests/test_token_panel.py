"""The token panel: one line once a token is stored, and one control for each choice, so
what the page says is what is sent and shown."""

from __future__ import annotations

import pytest

from tests.html_support import by_id, elements
from tests.live_support import HX, use_token

FORM = ("type=new_datacenter_shared&country=Belgium&is_subscription=true&days=30"
        "&proxies_location=mixed&proxies_size=1000&shape=create:new_datacenter_shared:form")


@pytest.fixture
def sandbox(db, demo):
    return demo


def named(html: str, name: str) -> list[dict]:
    return [e for e in elements(html) if e["attrs"].get("name") == name
            and e["tag"] in ("select", "input")]


def selected(html: str, select_id: str) -> list[str]:
    """The values of the selected options inside the select with this id."""
    found, inside = [], False
    for e in elements(html):
        if e["tag"] == "select":
            inside = e["attrs"].get("id") == select_id
        elif inside and e["tag"] == "option" and "selected" in e["attrs"]:
            found.append(e["attrs"]["value"])
    return found


def test_one_auth_control_on_the_page_and_it_belongs_to_the_builder(client, sandbox):
    for html in (client.get("/").content.decode(),
                 (use_token(client, "sandbox-full"), client.get("/?auth=bearer"))[1]
                 .content.decode()):
        auth = named(html, "auth")
        assert [(e["tag"], e["attrs"].get("form")) for e in auth] == [("select", "builder")]
    assert selected(html, "opt-auth") == ["bearer"]
    assert named(html, "include_token") == []  # merged into "Token in code"


def test_a_stored_token_shrinks_the_panel_to_hint_auth_change_and_forget(client, sandbox):
    use_token(client, "sandbox-full")
    html = client.get("/").content.decode()
    panel = by_id(html, "token-panel")[0]
    assert "token-stored" in panel["attrs"]["class"].split()
    texts = [e["text"] for e in elements(html) if e["tag"] in ("summary", "button")]
    assert "Change" in texts and "Forget token" in texts
    assert [e["text"] for e in elements(html) if "token-hint" in
            e["attrs"].get("class", "")] == ["••••full"]


def test_a_jwt_switches_the_one_control_to_bearer(client, sandbox):
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzYW5kYm94LWZ1bGwifQ.c2lnbmF0dXJlLW9mLWl0"
    response = client.post("/token", {"token": jwt, "auth": "api-token"}, **HX)
    html = response.content.decode()
    assert selected(html, "opt-auth") == ["bearer"]
    assert "This is a JWT, so it goes in the Authorization: Bearer header." in html


def test_forget_keeps_the_auth_choice_it_was_sent_with(client, sandbox):
    use_token(client, "sandbox-full")
    html = client.post("/token/forget", {"auth": "bearer"}, **HX).content.decode()
    assert selected(html, "opt-auth") == ["bearer"]


def test_token_in_code_my_token_puts_it_in_the_snippets_never_in_links(client, sandbox):
    use_token(client, "sandbox-full")
    response = client.get(f"/preview?{FORM}&token=mine", **HX)
    html = response.content.decode()
    assert "'api-token: sandbox-full'" in html
    assert "mine" not in response["HX-Replace-Url"]
    assert "sandbox-full" not in response["HX-Replace-Url"]
    page = client.get(f"/?{FORM}&token=mine").content.decode()
    assert selected(page, "opt-token") == ["mine"]
    again = client.get(f"/?{FORM}").content.decode()
    assert selected(again, "opt-token") == ["placeholder"]
    assert "'api-token: sandbox-full'" not in again


def test_the_preview_lists_the_headers_the_chosen_auth_form_sends(client, sandbox):
    use_token(client, "sandbox-full")
    for auth, expected in (("api-token", ["api-token", "<your-api-key>"]),
                           ("bearer", ["Authorization", "Bearer <your-jwt>"])):
        html = client.get(f"/preview?{FORM}&auth={auth}&token=mine", **HX).content.decode()
        headers = by_id(html, "request-headers")[0]["text"]
        assert headers == " ".join([*expected, "Content-Type", "application/json"])
        assert "sandbox-full" not in headers  # the placeholder, even with "My stored token"


def test_a_bad_new_token_opens_change_so_its_error_is_seen(client, sandbox):
    use_token(client, "sandbox-full")
    html = client.post("/token", {"token": "x" * 5000, "auth": "api-token"}, **HX)
    page = html.content.decode()
    changes = [e for e in elements(page) if e["tag"] == "details"
               and "token-change" in e["attrs"].get("class", "")]
    assert len(changes) == 1 and "open" in changes[0]["attrs"]
    assert by_id(page, "api-token-error")
