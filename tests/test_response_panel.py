"""The response panel: status, time, size, the answer's headers with its request id, the
body highlighted with Copy; headers are kept capped and redacted."""

from __future__ import annotations

import re

import httpx
import pytest

from playground import sending
from playground.models import Call
from tests.html_support import by_id, elements, text_of, texts_of
from tests.live_support import (
    BALANCE,
    BALANCE_FIELDS,
    TOKEN,
    Upstream,
    install_upstream,
    send,
    use_token,
    wallet_routes,
)


@pytest.fixture
def sandbox(db, demo):
    return demo


def test_the_panel_shows_size_request_id_headers_and_a_copy_button(client, sandbox):
    use_token(client, "sandbox-full")
    html = send(client, BALANCE_FIELDS).content.decode()
    call = Call.objects.get(endpoint="balance")
    assert texts_of(html, "span", "size") == [f"{len(call.response_body.encode())} bytes"]
    request_id = texts_of(html, "span", "request-id")
    assert len(request_id) == 1 and re.fullmatch(r"request id [0-9a-f]{32}", request_id[0])
    headers = {e["text"] for e in elements(html) if e["tag"] == "th"
               and e["attrs"].get("scope") == "row"}
    assert {"x-request-id", "content-type"} <= headers  # as httpx names them
    assert text_of(html, "response-headers").startswith(f"Response headers ({len(headers)})")
    copy = [e for e in elements(html) if e["attrs"].get("data-copy-target") == "response-body"]
    assert [e["text"] for e in copy] == ["Copy"]
    assert by_id(html, "response-body")[0]["text"].startswith('{ "success": true')
    assert dict(call.response_headers)["x-request-id"] == request_id[0].split()[-1]


def test_headers_are_kept_capped_without_cookies_and_with_echoed_tokens_redacted(
        client, db, settings):
    many = [(f"X-Extra-{n}", "v" * 900) for n in range(80)]

    def balance(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"success": True, "data": {"balance": 1,
                                                                   "currency": "USD"}},
                              headers=[("X-Request-ID", "req-1"), ("Set-Cookie", "s=1"),
                                       ("X-Echo", f"api-token: {TOKEN}"), *many])

    install_upstream(settings, Upstream({**wallet_routes(), BALANCE: balance}))
    use_token(client, TOKEN)
    html = send(client, BALANCE_FIELDS).content.decode()
    call = Call.objects.get(endpoint="balance")
    names = [name for name, _value in call.response_headers]
    assert len(names) <= 50 and "x-request-id" in names
    assert all(name.lower() != "set-cookie" for name in names)
    assert all(len(value) <= 500 for _name, value in call.response_headers)
    assert TOKEN not in str(call.response_headers) and TOKEN not in html
    assert texts_of(html, "span", "request-id") == ["request id req-1"]


@pytest.mark.parametrize(("declared", "size"), [("12", 12), ("0", 0), ("999999999", 999999999),
                                                ("1234567890", 6), ("١٢", 6), ("-3", 6),
                                                ("", 6)])
def test_the_size_shown_is_the_declared_content_length_when_it_is_a_plain_number(
        declared, size):
    headers = {"Content-Length": declared} if declared else {}
    assert sending.response_size(headers, "héllo") == size
