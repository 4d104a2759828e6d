"""Logs as a team server writes them: one JSON object per line from the configured console
handler, every line with its request id and user, one line per request and one per upstream
call, and never a token (the vault's tokens and anything in an api-token or Bearer header
come out as "[redacted]")."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model

from playground.redaction import REDACTED, RedactTokensFilter
from playground.sandbox.models import Account, Order, hash_token
from playground.web.logs import JsonFormatter, RequestContextFilter

HX = {"HTTP_HX_REQUEST": "true"}
# Long and distinctive, so any leak is found by a plain substring search.
TOKEN = "pgLOGS-4b1d9e7a-0c3f-4e55-a2b8-91f6d3c7e0aa-TG9nTGVha0NoZWNr-q7x2"
ORDER = {"endpoint": "create", "type": "new_datacenter_shared", "country": "Belgium",
         "is_subscription": "true", "days": "30", "proxies_location": "mixed",
         "proxies_size": "1000", "bandwidth": "0"}
REQUEST_FIELDS = {"time", "level", "logger", "message", "request_id", "user", "method", "path",
                  "status", "duration_ms"}
UPSTREAM_FIELDS = {"time", "level", "logger", "message", "request_id", "user", "upstream",
                   "endpoint", "method", "upstream_status", "duration_ms"}
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")


class JsonLog:
    def __init__(self, buffer: io.StringIO):
        self.buffer = buffer

    @property
    def text(self) -> str:
        return self.buffer.getvalue()

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines()]

    def requests(self, method: str, path: str) -> list[dict]:
        return [line for line in self.lines()
                if line["logger"] == "playground.request" and line.get("method") == method
                and line.get("path") == path]

    def upstream(self, endpoint: str) -> list[dict]:
        return [line for line in self.lines()
                if line["logger"] == "playground.api" and line.get("endpoint") == endpoint]


@pytest.fixture
def json_log() -> Iterator[JsonLog]:
    """The console handler settings.LOGGING configures (JSON outside DEBUG), writing into
    a buffer for the test."""
    handlers = [h for h in logging.getLogger().handlers
                if isinstance(h.formatter, JsonFormatter)]
    assert len(handlers) == 1, "settings.LOGGING has no JSON console handler on the root"
    handler = handlers[0]
    assert {type(f) for f in handler.filters} == {RequestContextFilter, RedactTokensFilter}
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield JsonLog(buffer)
    finally:
        handler.setStream(previous)


@pytest.fixture
def secret(db, demo) -> Account:
    return Account.objects.create(
        name="logs", token_hash=hash_token(TOKEN), token_hint=TOKEN[-4:],
        email="logs@example.com", can_read=True, can_write=True, balance="250.00")


def place_order_and_track(client) -> str:
    """The whole token flow: store the token, place an order, poll it until processed."""
    assert client.post("/token", {"token": TOKEN}, **HX).status_code == 200
    key = client.get("/").context["submission_key"]
    sent = client.post("/send", {**ORDER, "submission_key": key}, **HX)
    assert "Order placed." in sent.content.decode()
    order = Order.objects.get(account__name="logs")
    Order.objects.filter(pk=order.pk).update(due=time.time() - 1)
    tracked = client.get(f"/orders/{order.pk}/tracker", **HX)
    assert tracked.status_code == 286
    return str(order.pk)


def test_every_line_is_json_and_no_line_holds_the_token(client, secret, json_log):
    place_order_and_track(client)
    lines = json_log.lines()
    assert len(lines) >= 6
    assert TOKEN not in json_log.text
    for line in lines:
        assert ISO_TIME.match(line["time"]), line
        assert line["level"] in ("INFO", "WARNING", "ERROR"), line
        assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"]), line
        assert line["user"] == "anonymous", line


def test_each_request_has_one_line_with_method_path_status_and_duration(client, secret,
                                                                        json_log):
    order_id = place_order_and_track(client)
    for method, path, status in [("POST", "/token", 200), ("GET", "/", 200),
                                 ("POST", "/send", 200),
                                 ("GET", f"/orders/{order_id}/tracker", 286)]:
        [line] = json_log.requests(method, path)
        assert set(line) == REQUEST_FIELDS, line
        assert line["status"] == status
        assert line["message"] == f"{method} {path} {status}"
        assert line["level"] == "INFO"
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


def test_each_upstream_call_has_a_line_with_endpoint_status_and_duration_in_its_request(
        client, secret, json_log):
    order_id = place_order_and_track(client)
    [send] = json_log.requests("POST", "/send")
    [create] = json_log.upstream("/v4/account/orders/create")
    assert set(create) == UPSTREAM_FIELDS, create
    assert create["method"] == "POST"
    assert create["upstream_status"] == 200
    assert create["upstream"] == "http://sandbox.internal/sandbox"
    assert isinstance(create["duration_ms"], float) and create["duration_ms"] >= 0
    assert create["request_id"] == send["request_id"]
    assert create["user"] == send["user"] == "anonymous"

    [tracker] = json_log.requests("GET", f"/orders/{order_id}/tracker")
    [status] = json_log.upstream(f"/v4/account/orders/{order_id}/status")
    assert status["upstream_status"] == 200
    assert status["request_id"] == tracker["request_id"]


def test_a_token_logged_by_mistake_comes_out_redacted(client, secret, json_log):
    place_order_and_track(client)
    logging.getLogger("playground.mistake").warning(
        "upstream said: api-token: %s; raw %s", TOKEN, TOKEN)
    [line] = [line for line in json_log.lines() if line["logger"] == "playground.mistake"]
    assert line["message"] == f"upstream said: api-token: {REDACTED}; raw {REDACTED}"
    assert TOKEN not in json_log.text


def test_a_token_in_an_exception_comes_out_redacted(client, secret, json_log):
    place_order_and_track(client)
    try:
        raise RuntimeError(f"the API refused {TOKEN}")
    except RuntimeError:
        logging.getLogger("playground.mistake").exception("call failed")
    [line] = [line for line in json_log.lines() if line["logger"] == "playground.mistake"]
    assert line["level"] == "ERROR"
    assert f"RuntimeError: the API refused {REDACTED}" in line["exception"]
    assert TOKEN not in json_log.text


@pytest.mark.parametrize("header", ["api-token: {}", "Authorization: Bearer {}"])
def test_an_unknown_token_in_a_header_comes_out_redacted(json_log, header):
    unseen = "never-stored-" + "x" * 40
    logging.getLogger("playground.mistake").warning("sent %s", header.format(unseen))
    [line] = json_log.lines()
    assert line["message"] == "sent " + header.format(REDACTED)
    assert unseen not in json_log.text


def test_an_incoming_request_id_is_kept_on_the_line_and_the_response(client, db, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a.42")
    assert response["X-Request-ID"] == "edge-7f3a.42"
    [line] = json_log.requests("GET", "/healthz")
    assert line["request_id"] == "edge-7f3a.42"


def test_a_malformed_request_id_is_replaced(client, db, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    [line] = json_log.requests("GET", "/healthz")
    assert line["request_id"] == response["X-Request-ID"]


def test_lines_name_the_signed_in_user_upstream_lines_included(client, secret, json_log,
                                                               settings):
    settings.PLAYGROUND_AUTH = "login"
    user = get_user_model().objects.create_user("ada", password="correct-horse-battery")
    client.force_login(user)
    place_order_and_track(client)
    [send] = json_log.requests("POST", "/send")
    [create] = json_log.upstream("/v4/account/orders/create")
    assert send["user"] == "ada"
    assert create["user"] == "ada"
    assert TOKEN not in json_log.text


def test_a_token_passed_in_structured_extra_fields_comes_out_redacted(client, secret,
                                                                      json_log):
    place_order_and_track(client)
    unseen = "never-stored-" + "y" * 40
    logging.getLogger("playground.mistake").info("headers", extra={
        "headers": {"api-token": unseen, "Accept": "application/json"},
        "sent": [f"Authorization: Bearer {unseen}", TOKEN], "note": f"raw {TOKEN}"})
    [line] = [line for line in json_log.lines() if line["logger"] == "playground.mistake"]
    assert line["headers"] == {"api-token": REDACTED, "Accept": "application/json"}
    assert line["sent"] == [f"Authorization: Bearer {REDACTED}", REDACTED]
    assert line["note"] == f"raw {REDACTED}"
    assert TOKEN not in json_log.text and unseen not in json_log.text


def test_djangos_own_error_response_line_carries_the_request_id_and_user(client, db,
                                                                        json_log):
    response = client.get("/no-such-page", HTTP_X_REQUEST_ID="edge-404")
    assert response.status_code == 404
    [line] = [line for line in json_log.lines() if line["logger"] == "django.request"]
    assert line["message"] == "Not Found: /no-such-page"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "edge-404"
    assert line["user"] == "anonymous"
