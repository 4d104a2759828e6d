"""The token never leaves the encrypted session: not into the database, logs, URLs, pages,
snippets, history or error reports, after a full flow through every live-call view."""

from __future__ import annotations

import io
import json
import logging
import sys
import uuid

import httpx
import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.views.debug import get_exception_reporter_class

from playground import api, redaction, vault
from playground.models import Call
from playground.sandbox import services
from playground.web.logs import JsonFormatter
from tests.live_support import (
    BALANCE,
    BALANCE_FIELDS,
    CREATE,
    HX,
    TOKEN,
    Upstream,
    fall_due,
    install_upstream,
    last_order_id,
    rendered_key,
    secret_account,
    send,
    use_token,
    wallet_routes,
    words,
)

LOGGERS = ("", "httpx", "httpcore", "django", "django.request", "django.server",
           "playground", "playground.api", "playground.request")


def fresh_token() -> str:
    """A token no earlier test has shown to the redaction filter."""
    return f"pgFRESH-{uuid.uuid4().hex}-{uuid.uuid4().hex}"


def leaks(text: str, token: str = TOKEN) -> bool:
    """The token, or all of it but the last four characters the mask shows."""
    return token in text or token[:-4] in text


def response_text(response) -> str:
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return f"{response.status_code}\n{headers}\n{response.content.decode(errors='replace')}"


def full_flow(client: Client, token: str = TOKEN, *, live: bool = False) -> list:
    """Every live-call view, the way a browser uses them; returns every response."""
    extra = {"confirm": "yes"} if live else {}
    out = [client.get("/")]
    out.append(client.post("/token", {"token": token, "auth": "api-token"}))  # no JavaScript
    out.append(client.post("/token", {"token": token, "auth": "api-token"}, **HX))
    out.append(client.get("/wallet", **HX))
    out.append(client.get("/"))
    out.append(send(client, key=rendered_key(client), **extra))
    order_id = last_order_id(client)
    out.append(client.get(f"/orders/{order_id}/tracker", **HX))
    if not live:
        fall_due(order_id)
    else:
        services.Order.objects.filter(pk=order_id).update(due=0)
    out.append(client.get(f"/orders/{order_id}/tracker", **HX))
    out.append(client.post(f"/orders/{order_id}/proxy-list", **HX))
    out.append(send(client, BALANCE_FIELDS))
    out.append(send(client, {"endpoint": "status", "order_id": order_id}))
    out.append(send(client, {"endpoint": "status", "order_id": order_id, "auth": "bearer"}))
    out.append(client.post("/send", {**BALANCE_FIELDS, "submission_key": uuid.uuid4().hex}))
    out.append(send(client, {"endpoint": "status", "order_id": str(uuid.uuid4())}))  # 404
    out.append(client.get("/history"))
    out.append(client.get("/history", {"endpoint": "create"}))
    out.append(client.get(f"/?track={order_id}"))
    out.append(client.get("/", {"endpoint": "status", "order_id": order_id}))
    out.append(client.get("/preview", {"endpoint": "balance"}, **HX))
    for lang in ("curl", "python", "node"):
        for options in ({}, {"token": "env"}, {"flow": "full"}, {"auth": "bearer"}):
            out.append(client.get(f"/snippets/{lang}", options))
    out.append(client.get("/sandbox/"))
    return out


def table_dump() -> str:
    """Every row of every table, straight from the database (SQLite or PostgreSQL)."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                lines.append(f"{table}: " + " | ".join(
                    v.decode(errors="replace") if isinstance(v, bytes) else str(v)
                    for v in row))
    return "\n".join(lines)


@pytest.fixture
def debug_logs(caplog):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def assert_logs_clean(caplog, token: str = TOKEN, *, minimum: int = 20) -> None:
    """Nothing a log handler formats (message, traceback, stack, extra fields) holds the
    token, for the records of the test and of its fixtures."""
    records = caplog.get_records("setup") + caplog.get_records("call")
    assert len(records) >= minimum, "too little was logged for the check to prove anything"
    assert not leaks(caplog.text, token)
    formatter = logging.Formatter("%(message)s")
    for record in records:
        assert not leaks(formatter.format(record), token)
        assert not leaks(JsonFormatter().format(record), token)
        assert not leaks(repr({k: v for k, v in record.__dict__.items()
                               if k not in ("exc_info", "args")}), token)


# --- the full flow, in-process sandbox ---------------------------------------------------------

@pytest.fixture
def flowed(client, db, demo, debug_logs):
    secret_account()
    responses = full_flow(client)
    assert "Order placed." in words(responses[5])
    assert "Processed: the subaccount is ready." in words(responses[7])
    assert "proxies (ip:port, HTTP)." in words(responses[8])
    return responses


def test_the_flow_really_used_the_token(flowed):
    assert services.Order.objects.filter(account__name="secret").count() == 1
    assert Call.objects.filter(http_status=200).count() >= 6


def test_no_response_carries_the_token_in_html_headers_or_redirects(flowed):
    for response in flowed:
        assert not leaks(response_text(response)), response.request["PATH_INFO"]


def test_no_url_the_pages_link_to_carries_the_token(flowed):
    for response in flowed:
        assert not leaks(response.request["PATH_INFO"] + response.request.get("QUERY_STRING", ""))


def test_default_snippets_show_a_placeholder_not_the_token(client, flowed):
    curl = client.get("/snippets/curl").content.decode()
    assert "api-token: <your-api-key>" in curl
    python = client.get("/snippets/python", {"token": "env"}).content.decode()
    assert "PROXYSCRAPE_API_TOKEN" in python


def test_the_database_dump_never_holds_the_token(flowed):
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue()
    assert '"model": "sessions.session"' in dump and '"model": "playground.call"' in dump
    assert not leaks(dump)


def test_raw_database_tables_never_hold_the_token(flowed):
    rows = table_dump()
    assert "django_session: " in rows and "playground_call: " in rows
    assert not leaks(rows)


def test_the_session_holds_only_the_fernet_ciphertext(client, flowed):
    session = Session.objects.get()
    decoded = json.dumps(session.get_decoded())
    assert not leaks(decoded)
    assert vault.load(client.session).credential.token == TOKEN


def test_history_rows_never_hold_the_token(client, flowed):
    for call in Call.objects.all():
        assert not leaks(json.dumps({f.name: str(getattr(call, f.name))
                                     for f in Call._meta.fields}))


def test_logs_at_debug_level_never_show_the_token(flowed, debug_logs):
    assert_logs_clean(debug_logs)


def test_forget_leaves_nothing_behind(client, flowed):
    client.post("/token/forget", **HX)
    assert vault.SESSION_KEY not in Session.objects.get().get_decoded()
    assert not leaks(table_dump())


# --- the full flow against the sandbox over real HTTP (live mode) -------------------------------

def test_over_real_http_the_token_stays_out_of_logs_pages_and_the_database(
        live_server, transactional_db, settings, debug_logs):
    settings.PROXYSCRAPE_API_BASE = f"{live_server.url}/sandbox"
    token = fresh_token()
    secret_account(token)
    client = Client()
    responses = full_flow(client, token, live=True)
    assert "Order placed." in words(responses[5])
    assert any("upstream POST /v4/account/orders/create 200" in r.getMessage()
               for r in debug_logs.records)
    for response in responses:
        assert not leaks(response_text(response), token)
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    assert not leaks(out.getvalue(), token)
    assert not leaks(table_dump(), token)
    assert_logs_clean(debug_logs, token)


# --- the logging filter itself --------------------------------------------------------------------

def test_the_filter_redacts_a_known_token_from_any_logger_httpx_included(client, db, debug_logs):
    token = fresh_token()
    use_token(client, token)
    logging.getLogger("httpx").debug("sending %s", {"headers": {"x": token}})
    logging.getLogger("django.request").warning("odd request with %s", token)
    logging.getLogger("playground").info("extra", extra={"detail": f"t={token}"})
    try:
        raise ValueError(f"bad token {token}")
    except ValueError:
        logging.getLogger("httpcore").exception("failed")
    assert_logs_clean(debug_logs, token, minimum=4)
    assert "[redacted]" in debug_logs.text


def test_the_filter_redacts_header_shaped_secrets_it_was_never_told(debug_logs):
    unknown = fresh_token()
    logging.getLogger("httpx").debug("request headers: api-token: %s", unknown)
    logging.getLogger("httpx").debug("{'api-token': '%s'}", unknown)
    logging.getLogger("httpcore").debug("Authorization: Bearer %s", unknown + ".x.y")
    assert not leaks(debug_logs.text, unknown)
    assert debug_logs.text.count("[redacted]") == 3


# --- error reports ------------------------------------------------------------------------------

@pytest.fixture
def reports(settings):
    """Error e-mails to admins, and the debug page (HTML) for each unhandled exception."""
    settings.ADMINS = [("Ops", "ops@example.com")]
    caught = []

    def keep(sender, request=None, **kwargs):
        caught.append((request, sys.exc_info()))

    got_request_exception.connect(keep)
    yield caught
    got_request_exception.disconnect(keep)


def report_pages(caught) -> list[str]:
    pages = []
    for request, exc_info in caught:
        reporter = get_exception_reporter_class(request)(request, *exc_info)
        pages += [reporter.get_traceback_html(), reporter.get_traceback_text()]
    return pages


def test_a_crash_while_storing_the_token_reports_without_it(db, reports, monkeypatch):
    token = fresh_token()

    def broken_store(session, value, auth="api-token"):
        raise RuntimeError("the session store is down")

    monkeypatch.setattr(vault, "store", broken_store)
    client = Client(raise_request_exception=False)
    response = client.post("/token", {"token": token, "auth": "api-token"}, **HX)
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    assert "RuntimeError" in mail.outbox[0].body
    assert "token = '********************'" in mail.outbox[0].body
    assert not leaks(mail.outbox[0].body, token)
    pages = report_pages(reports)
    assert len(pages) == 2 and "broken_store" in pages[0]
    for page in pages:
        assert not leaks(page, token)


def test_a_crash_inside_the_http_client_reports_without_the_token(db, settings, reports):
    token = fresh_token()

    def crash(request):
        raise RuntimeError("a bug in a transport")

    install_upstream(settings, Upstream({BALANCE: crash, **{
        k: v for k, v in wallet_routes().items() if k != BALANCE}}))
    client = Client(raise_request_exception=False)
    use_token(client, token)
    response = send(client, BALANCE_FIELDS)
    assert response.status_code == 500
    pages = report_pages(reports)
    assert any("a bug in a transport" in page for page in pages)
    assert any("[redacted]" in page for page in pages)  # the headers dict in a frame
    for page in [*pages, *(m.body for m in mail.outbox)]:
        assert not leaks(page, token)


@pytest.mark.parametrize("debug", [False, True])
def test_a_sandbox_crash_is_a_clean_server_error_with_no_token_anywhere(
        db, demo, settings, monkeypatch, debug_logs, debug):
    settings.ADMINS = [("Ops", "ops@example.com")]
    settings.DEBUG = debug
    token = fresh_token()
    secret_account(token)

    def broken(account, raw):
        raise RuntimeError(f"sandbox bug for {account.email}")

    monkeypatch.setattr(services, "place_order", broken)
    client = Client(raise_request_exception=False)  # the sandbox's own 500 is not ours
    use_token(client, token)
    response = send(client)
    assert response.status_code == 200
    text = words(response)
    assert "Outcome unknown: the order may have been placed." in text
    assert "The API failed with HTTP 500." in text
    assert not leaks(response_text(response), token)
    assert not leaks(Call.objects.get(endpoint="create").response_body, token)
    for message in mail.outbox:
        assert not leaks(message.body, token)
    assert not leaks(debug_logs.text, token)


def test_an_upstream_that_echoes_the_token_back_is_redacted_everywhere(client, db, settings):
    token = fresh_token()

    def echo(request):
        return httpx.Response(500, text=f"<html>debug: api-token={request.headers['api-token']}"
                              f" raw {request.headers['api-token']}</html>")

    install_upstream(settings, Upstream({CREATE: echo, **wallet_routes()}))
    use_token(client, token)
    response = send(client, confirm="yes")
    assert "Outcome unknown: the order may have been placed." in words(response)
    assert not leaks(response_text(response), token)
    assert "[redacted]" in Call.objects.get(endpoint="create").response_body
    assert not leaks(response_text(client.get("/history")), token)


def test_redaction_knows_every_token_the_vault_stored(client, db):
    token = fresh_token()
    use_token(client, token)
    assert redaction.redact(f"x{token}y") == "x[redacted]y"


def test_a_cookie_the_api_sets_for_one_user_is_never_sent_on_anyone_elses_call():
    """One client serves every user: it must not carry cookies from call to call."""
    upstream = Upstream({
        "GET /v4/account/orders/balance": lambda request: httpx.Response(
            200, json={"success": True, "data": {"balance": 1.0, "currency": "USD"}},
            headers={"Set-Cookie": "session=alice-only; Path=/"}),
    })
    client = upstream.client()
    alice, bob = api.Credential("alice-token-123456"), api.Credential("bob-token-654321")
    client.balance(alice)
    client.balance(bob)
    assert [request.headers.get("cookie") for request in upstream.requests] == [None, None]
    assert [request.headers["api-token"] for request in upstream.requests] == [
        "alice-token-123456", "bob-token-654321"]
