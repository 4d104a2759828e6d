"""The API token: entered once, kept encrypted in the server-side session, shown masked,
gone when forgotten or when the session's time is up."""

from __future__ import annotations

import json
import time

import pytest
from cryptography.fernet import Fernet

from playground import vault
from playground.sandbox import services
from tests.html_support import elements, texts_of
from tests.live_support import BALANCE_FIELDS, HX, TOKEN, page, secret_account, send, use_token


@pytest.fixture
def secret(db, demo):
    return secret_account()


def test_token_panel_has_a_password_field_labelled_api_token_and_a_use_token_button(client, db):
    found = [(e["tag"], e["attrs"], e["text"]) for e in elements(client.get("/").content)]
    assert ("label", {"for": "api-token"}, "API token") in found
    assert any(tag == "input" and attrs.get("type") == "password"
               and attrs.get("id") == "api-token" and attrs.get("name") == "token"
               for tag, attrs, _ in found)
    assert ("button", {"type": "submit", "id": "use-token"}, "Use token") in found
    assert ("option", {"value": "bearer"}, "Authorization: Bearer") in found


def test_sandbox_mode_offers_the_demo_tokens_as_one_click_buttons(client, db):
    found = [(e["tag"], e["attrs"], e["text"]) for e in elements(client.get("/").content)]
    for name in ("sandbox-full", "sandbox-discount", "sandbox-readonly", "sandbox-writeonly",
                 "sandbox-disabled", "sandbox-empty"):
        assert ("button", {"type": "submit", "name": "token", "value": name,
                           "class": "secondary small"}, name) in found


def test_a_demo_button_post_stores_that_demo_token(client, db, demo):
    response = client.post("/token", {"token": "sandbox-discount", "auth": "api-token"}, **HX)
    assert "Using <code class=\"token-hint\">••••ount</code>" in response.content.decode()
    assert vault.load(client.session).credential.token == "sandbox-discount"


def test_live_mode_offers_no_demo_tokens(client, db, settings):
    settings.PROXYSCRAPE_API_BASE = "http://upstream.test"
    assert 'value="sandbox-full"' not in client.get("/").content.decode()


def test_use_token_keeps_only_a_fernet_ciphertext_and_the_last_four_characters(client, secret):
    response = use_token(client)
    # After the swap, the builder's preview reads the panel's "Sent as" control again.
    assert json.loads(response["HX-Trigger-After-Swap"]) == {"token-changed": {"auth": "api-token"}}
    entry = client.session[vault.SESSION_KEY]
    assert set(entry) == {"ciphertext", "hint", "auth", "saved_at"}
    assert entry["hint"] == "••••zz81"
    assert TOKEN not in json.dumps(entry)
    plain = json.loads(vault._fernet().decrypt(entry["ciphertext"].encode()))
    assert plain == {"token": TOKEN, "auth": "api-token"}
    with pytest.raises(Exception):  # noqa: B017 - another key cannot read it
        Fernet(Fernet.generate_key()).decrypt(entry["ciphertext"].encode())


def test_the_page_shows_the_token_masked_and_never_whole(client, secret):
    use_token(client)
    html = client.get("/").content.decode()
    assert "••••zz81" in texts_of(html, "code", "token-hint")
    assert TOKEN not in html
    assert TOKEN[:-4] not in html


def test_the_session_ends_with_the_token_ttl(client, secret, settings):
    settings.TOKEN_TTL = 1234
    use_token(client)
    assert client.session.get_expiry_age() == 1234


def test_an_expired_token_is_neither_shown_nor_used(client, secret, settings, monkeypatch):
    use_token(client)
    later = time.time() + settings.TOKEN_TTL + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert "token-hint" not in client.get("/").content.decode()
    response = send(client, BALANCE_FIELDS)
    assert "No API token yet." in page(response)
    assert vault.SESSION_KEY not in client.session


def test_forget_token_removes_it_at_once(client, secret):
    use_token(client)
    response = client.post("/token/forget", **HX)
    assert json.loads(response["HX-Trigger-After-Swap"]) == {"token-changed": {}}
    assert "token-hint" not in response.content.decode()
    assert vault.SESSION_KEY not in client.session
    assert "No API token yet." in page(send(client, BALANCE_FIELDS))
    assert "No token yet" in page(client.get("/wallet", **HX))


def test_forget_without_javascript_redirects_to_the_playground(client, secret):
    use_token(client)
    response = client.post("/token/forget")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert vault.SESSION_KEY not in client.session


@pytest.mark.parametrize(("token", "problem"), [
    ("", "Enter a token first."),
    ("two words", "A token has no spaces or line breaks inside it."),
    ("tökén-with-umlauts", "A token is plain ASCII text; this one has other characters."),
    ("x" * 4097, "That is longer than any token (4096 characters at most)."),
])
def test_an_unusable_token_is_refused_with_a_reason_and_not_stored(client, db, token, problem):
    response = client.post("/token", {"token": token}, **HX)
    assert problem in page(response)
    assert vault.SESSION_KEY not in client.session
    assert "HX-Trigger" not in response


def test_use_token_without_javascript_never_redirects_off_site(client, secret):
    response = client.post("/token", {"token": TOKEN, "next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    response = client.post("/token", {"token": TOKEN, "next": "/history"})
    assert response["Location"] == "/history"


def test_an_unusable_token_without_javascript_comes_back_to_the_page_with_the_reason(client, db):
    response = client.post("/token", {"token": "two words"}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "A token has no spaces or line breaks inside it." in page(response)


def test_the_bearer_form_takes_a_jwt_in_the_same_field(client, secret):
    jwt = services.issue_jwt(secret, lifetime=600)
    use_token(client, jwt, auth="bearer")
    assert vault.load(client.session).credential.headers() == {
        "Authorization": f"Bearer {jwt}"}
    assert "Wallet: <strong id=\"wallet-balance\">250.00 USD</strong>" in page(
        client.get("/wallet", **HX))
    response = send(client, {**BALANCE_FIELDS, "auth": "bearer"})
    assert "HTTP 200" in page(response)


def test_an_expired_jwt_gets_the_401_explanation(client, secret):
    use_token(client, services.issue_jwt(secret, lifetime=-60), auth="bearer")
    text = page(send(client, {**BALANCE_FIELDS, "auth": "bearer"}))
    assert "The API did not accept the token (401)." in text
    assert ("Check the token or JWT: it may be mistyped, revoked, or an expired JWT. Enter it "
            "again under “API token”.") in text


def test_use_token_starts_a_new_session_id_and_keeps_the_sessions_history(client, secret):
    use_token(client)
    assert "HTTP 200" in page(send(client, BALANCE_FIELDS))  # the session gets its owner id
    before_key = client.session.session_key
    before_owner = client.session["playground.owner"]
    use_token(client)
    assert client.session.session_key != before_key
    assert client.session["playground.owner"] == before_owner


def test_a_jwt_entered_for_the_api_token_header_is_kept_for_the_bearer_header(client, db):
    jwt_like = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz"
    response = client.post("/token", {"token": jwt_like, "auth": "api-token"}, **HX)
    assert json.loads(response["HX-Trigger-After-Swap"]) == {"token-changed": {"auth": "bearer"}}
    assert "This is a JWT, so it goes in the Authorization: Bearer header." in (
        response.content.decode())
    assert vault.load(client.session).credential.auth == "bearer"
