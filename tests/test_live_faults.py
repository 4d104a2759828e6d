"""Upstream faults, injected with httpx.MockTransport: each gets its own clear message, is
recorded in history, and never becomes a 500. A create whose answer is lost is "Outcome
unknown", never "failed", and is never retried."""

from __future__ import annotations

import uuid

import httpx
import pytest

from playground.models import Call
from tests.html_support import texts_of
from tests.live_support import (
    BALANCE,
    BALANCE_FIELDS,
    CREATE,
    TOKEN,
    Upstream,
    install_upstream,
    ok,
    raising,
    rendered_key,
    send,
    use_token,
    wallet_routes,
    words,
)

pytestmark = pytest.mark.fault


def refused(request):
    return httpx.ConnectError("[Errno 111] Connection refused", request=request)


def dns_failure(request):
    return httpx.ConnectError("[Errno -2] Name or service not known", request=request)


def connect_timeout(request):
    return httpx.ConnectTimeout("timed out", request=request)


def read_timeout(request):
    return httpx.ReadTimeout("timed out", request=request)


def dropped(request):
    return httpx.RemoteProtocolError("Server disconnected without sending a response.",
                                     request=request)


HTML_502 = httpx.Response(502, text="<html><body><h1>502 Bad Gateway</h1></body></html>",
                          headers={"Content-Type": "text/html"})

# (name, answer, title, detail, action, outcome, http status, GET attempts)
FAULTS = [
    ("connection refused", raising(refused), "Could not reach the API.",
     "Could not connect to http://upstream.test (connection refused or unreachable).",
     "Nothing was sent. Check that the API base is right and reachable from this server, "
     "then send again.", "connect", None, 3),
    ("DNS failure", raising(dns_failure), "The API's host name could not be resolved.",
     "The host name in http://upstream.test could not be resolved.",
     "Nothing was sent. Check the host name in the API base and this server's DNS, then send "
     "again.", "dns", None, 3),
    ("connect timeout", raising(connect_timeout),
     "The API did not accept the connection in time.",
     "Could not connect to http://upstream.test in time.",
     "Nothing was sent. Try again in a moment.", "connect-timeout", None, 3),
    ("read timeout", raising(read_timeout), "The API did not answer in time.",
     "No answer from http://upstream.test within 15 s.",
     "This was a read, so nothing changed. Try again in a moment.", "read-timeout", None, 1),
    ("dropped connection", raising(dropped), "The connection dropped before the API answered.",
     "The connection dropped before the API answered.",
     "This was a read, so nothing changed. Try again.", "network", None, 1),
    ("5xx with an HTML body", HTML_502, "The API failed with a server error.",
     "The API failed with HTTP 502.",
     "The fault is on the API's side. Try again in a minute.", "server-error", 502, 1),
    ("non-JSON", httpx.Response(200, text="all good!", headers={"Content-Type": "text/plain"}),
     "The API's answer could not be read.",
     "The API's answer is not JSON (text/plain). (HTTP 200)",
     "It was not complete JSON in the API's envelope (shown below). Try again; if it persists, "
     "the API base may point at something else.", "bad-response", 200, 1),
    ("truncated JSON", httpx.Response(200, text='{"success": true, "data": {"bala',
                                      headers={"Content-Type": "application/json"}),
     "The API's answer could not be read.",
     "The API's answer is cut off or malformed JSON. (HTTP 200)",
     "It was not complete JSON in the API's envelope (shown below). Try again; if it persists, "
     "the API base may point at something else.", "bad-response", 200, 1),
    ("unexpected redirect", httpx.Response(302, headers={"Location": "https://login.test/sso"}),
     "The API answered with a redirect.",
     "The API answered with a redirect to https://login.test/sso. (HTTP 302)",
     "The playground does not follow redirects for API calls. Check the API base (https, host "
     "and path).", "redirect", 302, 1),
]


@pytest.mark.parametrize(
    ("answer", "title", "detail", "action", "outcome", "http_status", "attempts"),
    [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_each_upstream_fault_has_its_own_message_and_no_500(
        client, db, settings, answer, title, detail, action, outcome, http_status, attempts):
    upstream = Upstream({BALANCE: answer})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    response = send(client, BALANCE_FIELDS)
    assert response.status_code == 200
    text = words(response)
    assert f"{title} {detail} {action}" in text
    assert upstream.counts[BALANCE] == attempts  # GETs are retried on connect errors only
    call = Call.objects.get()
    assert (call.endpoint, call.outcome, call.http_status) == ("balance", outcome, http_status)
    assert call.error in detail
    assert call.duration_ms is not None


def test_no_two_faults_share_a_message():
    assert len({(f[2], f[3]) for f in FAULTS}) == len(FAULTS)


def test_the_html_body_of_a_5xx_is_kept_in_history_and_shown_escaped(client, db, settings):
    install_upstream(settings, Upstream({BALANCE: HTML_502}))
    use_token(client, TOKEN)
    html = send(client, BALANCE_FIELDS).content.decode()
    assert "HTTP 502" in texts_of(html, "span", "http-status")
    assert "&lt;h1&gt;502 Bad Gateway&lt;/h1&gt;" in html
    assert Call.objects.get().response_body == (
        "<html><body><h1>502 Bad Gateway</h1></body></html>")
    history = client.get("/history").content.decode()
    assert "&lt;h1&gt;502 Bad Gateway&lt;/h1&gt;" in history
    assert "<h1>502 Bad Gateway</h1>" not in history


# --- the create POST ----------------------------------------------------------------------------

def create_with(client, settings, answer, *, balance: float = 17.5) -> tuple[Upstream, str]:
    upstream = Upstream({CREATE: answer, **wallet_routes(balance)})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    response = send(client, key=rendered_key(client), confirm="yes")
    assert response.status_code == 200
    return upstream, words(response)


UNKNOWN = "Outcome unknown: the order may have been placed."
CHECK_FIRST = ("Do not send it again yet: check the balance and your recent orders (the sandbox "
               "console, or the dashboard) first. It was not retried automatically.")


def test_read_timeout_after_the_create_went_out_is_outcome_unknown_with_the_balance(
        client, db, settings):
    upstream, text = create_with(client, settings, raising(read_timeout))
    assert upstream.counts[CREATE] == 1  # never retried
    assert (f"{UNKNOWN} The API did not answer in time after the order was sent. The order may "
            "exist and the wallet may have been debited. The wallet now holds 17.50 USD. "
            f"{CHECK_FIRST}") in text
    assert "Check the balance again" in text
    assert "Your recent orders (history)" in text
    assert "fail" not in text.lower()
    call = Call.objects.get(endpoint="create")
    assert (call.outcome, call.http_status, call.order_id) == ("unknown-outcome", None, None)


def test_a_dropped_connection_after_the_create_went_out_is_outcome_unknown(
        client, db, settings):
    upstream, text = create_with(client, settings, raising(dropped))
    assert upstream.counts[CREATE] == 1
    assert (f"{UNKNOWN} The connection dropped after the order was sent. The order may exist "
            "and the wallet may have been debited. The wallet now holds 17.50 USD.") in text
    assert "fail" not in text.lower()


def test_outcome_unknown_says_so_when_the_balance_cannot_be_read_either(client, db, settings):
    upstream = Upstream({CREATE: raising(read_timeout), BALANCE: raising(read_timeout)})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    text = words(send(client, confirm="yes"))
    assert UNKNOWN in text
    assert "The wallet balance could not be read just now." in text


@pytest.mark.parametrize("answer", [HTML_502, httpx.Response(200, text='{"success": tr')],
                         ids=["5xx", "truncated"])
def test_an_unreadable_answer_to_a_create_is_outcome_unknown_too(client, db, settings, answer):
    upstream, text = create_with(client, settings, answer)
    assert upstream.counts[CREATE] == 1
    assert UNKNOWN in text
    assert "The wallet now holds 17.50 USD." in text


@pytest.mark.parametrize(("answer", "title"), [
    (raising(refused), "Could not reach the API."),
    (raising(connect_timeout), "The API did not accept the connection in time."),
    (raising(dns_failure), "The API's host name could not be resolved."),
], ids=["refused", "connect-timeout", "dns"])
def test_a_create_that_never_connected_says_nothing_was_sent_and_is_not_retried(
        client, db, settings, answer, title):
    upstream, text = create_with(client, settings, answer)
    assert upstream.counts[CREATE] == 1
    assert title in text
    assert "Nothing was sent." in text
    assert UNKNOWN not in text


def test_a_create_is_sent_exactly_once_even_when_every_attempt_would_fail(client, db, settings):
    upstream, _text = create_with(client, settings, raising(refused))
    again = send(client, confirm="yes")  # a new rendered form is a new, deliberate send
    assert again.status_code == 200
    assert upstream.counts[CREATE] == 2
    assert Call.objects.filter(endpoint="create").count() == 2


def test_a_repeat_of_an_unknown_outcome_form_shows_the_first_result_and_sends_nothing(
        client, db, settings):
    upstream = Upstream({CREATE: raising(read_timeout), **wallet_routes()})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    key = rendered_key(client)
    send(client, key=key, confirm="yes")
    text = words(send(client, key=key, confirm="yes"))
    assert upstream.counts[CREATE] == 1
    assert UNKNOWN in text


def test_a_successful_live_create_records_the_order_id(client, db, settings):
    order_id = str(uuid.uuid4())
    create_with(client, settings, ok(order_id))
    call = Call.objects.get(endpoint="create")
    assert (str(call.order_id), call.order_status, call.environment) == (
        order_id, "paid", "live")


def test_a_failing_poll_is_recorded_once_per_outage_not_once_per_poll(client, db, settings):
    order_id = str(uuid.uuid4())
    upstream, _ = create_with(client, settings, ok(order_id))
    status = f"GET /v4/account/orders/{order_id}/status"
    upstream.routes[status] = raising(read_timeout)
    for _ in range(4):
        response = client.get(f"/orders/{order_id}/tracker", HTTP_HX_REQUEST="true")
        assert response.status_code == 200  # still polling
        assert "The last status check failed; still trying." in words(response)
    failed = Call.objects.filter(endpoint="status", outcome="read-timeout")
    assert failed.count() == 1
    assert str(failed.get().order_id) == order_id
    # It works again, then fails again: a second outage is a second row.
    upstream.routes[status] = ok({"order_id": order_id, "status": "paid", "created_at": 1,
                                  "updated_at": 1, "price": "29.04", "currency": "USD",
                                  "paid_with_credit": True, "subaccount": None})
    assert client.get(f"/orders/{order_id}/tracker", HTTP_HX_REQUEST="true").status_code == 200
    upstream.routes[status] = raising(read_timeout)
    client.get(f"/orders/{order_id}/tracker", HTTP_HX_REQUEST="true")
    assert failed.count() == 2


def test_a_redirected_poll_stops_polling_and_says_why(client, db, settings):
    order_id = str(uuid.uuid4())
    upstream, _ = create_with(client, settings, ok(order_id))
    upstream.routes[f"GET /v4/account/orders/{order_id}/status"] = httpx.Response(
        302, headers={"Location": "https://elsewhere.example/login"})
    response = client.get(f"/orders/{order_id}/tracker", HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert "The status check was redirected; polling stopped." in words(response)
    assert Call.objects.filter(endpoint="status", outcome="redirect").count() == 1
