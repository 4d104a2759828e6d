"""A hostile or broken upstream (live mode, a fake API over real sockets): an odd redirect,
an answer of hundreds of MB, an answer trickled a byte at a time, numbers no wallet holds,
error texts echoing the token, subaccount ids that would change the path. None of them may
cost a 500, a record left pending, unbounded memory or a request held for minutes. And a
create the server lost in a crash (its row left pending) shows as "outcome unknown"."""

from __future__ import annotations

import json
import subprocess
import time
import tracemalloc
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from playground import api, sending
from playground.models import Call
from tests import fake_upstream as fu
from tests.live_support import (
    BALANCE_FIELDS,
    CREATE_FIELDS,
    HX,
    TOKEN,
    rendered_key,
    send,
    use_token,
    words,
)
from tests.process_support import PYTHON, ROOT, clean_env

pytestmark = pytest.mark.fault

CAP = 1024 * 1024  # API_MAX_RESPONSE_BYTES in these tests
DEADLINE = 1.0  # API_DEADLINE in these tests
UNKNOWN = "Outcome unknown: the order may have been placed."
MAY_EXIST = ("The order may exist and the wallet may have been debited. The wallet now holds "
             "42.50 USD.")
CHECK_FIRST = ("Do not send it again yet: check the balance and your recent orders (the sandbox "
               "console, or the dashboard) first. It was not retried automatically.")
REPEAT_NOTE = "This form was already sent: this is its first result. Nothing was sent again."
TOO_LARGE = ("The API's answer is larger than 1 MB, the most this playground reads "
             "(API_MAX_RESPONSE_BYTES); it stopped reading there.")


@pytest.fixture
def fake(settings, db, crashes):
    """The fake upstream in live mode, with small limits: a 1 s deadline and a 1 MB cap."""
    upstream = fu.FakeUpstream().start()
    settings.PROXYSCRAPE_API_BASE = upstream.url
    settings.API_CONNECT_TIMEOUT = 0.5
    settings.API_READ_TIMEOUT = 0.5
    settings.API_DEADLINE = DEADLINE
    settings.API_MAX_RESPONSE_BYTES = CAP
    settings.LIVE_ORDERING_ENABLED = True
    settings.ORDER_RATE_LIMIT = 1000
    api.clients.override(None)
    yield upstream
    api.clients.override(None)
    upstream.stop()
    assert upstream.errors == []
    assert crashes == []


@pytest.fixture
def browser(fake) -> Client:
    """A browser with the token stored; a crash shows as a 500 status, not an exception."""
    client = Client(raise_request_exception=False)
    use_token(client, TOKEN)
    return client


def order_placed(browser: Client, fake) -> str:
    assert "Order placed." in words(send(browser, confirm="yes"))
    (order_id,) = fake.created
    return order_id


def poll(browser: Client, order_id: str):
    return browser.get(f"/orders/{order_id}/tracker", {"started": f"{time.time():.3f}"}, **HX)


# --- a redirect to something that is not a web address ------------------------------------------

ODD_LOCATIONS = ["javascript:alert(1)", "data:text/html,<b>hi</b>", "https://xn--zz.example/",
                 "http://[::1/x", "/relative/path"]
ODD = "a redirect to a location that is not an http(s) URL"


@pytest.mark.parametrize("location", ODD_LOCATIONS)
def test_a_create_redirected_to_a_non_web_location_is_outcome_unknown_not_a_500(
        fake, browser, location):
    fake.set(fu.CREATE, fu.answering(fu.redirect(location)))
    response = send(browser, confirm="yes")
    assert response.status_code == 200
    assert (f"{UNKNOWN} The API answered the order with {ODD}. (HTTP 302) {MAY_EXIST} "
            f"{CHECK_FIRST}") in words(response)
    call = Call.objects.get(endpoint="create")
    assert (call.outcome, call.http_status) == ("unknown-outcome", 302)


@pytest.mark.parametrize("location", ODD_LOCATIONS)
def test_a_read_redirected_to_a_non_web_location_is_a_clear_error(fake, browser, location):
    for name in (fu.BALANCE, fu.STATUS):
        fake.set(name, fu.answering(fu.redirect(location)))
    response = send(browser, BALANCE_FIELDS)
    assert response.status_code == 200
    assert (f"The API answered with a redirect. The API answered with {ODD}. (HTTP 302) The "
            "playground does not follow redirects") in words(response)
    assert Call.objects.get().outcome == "redirect"
    wallet = browser.get("/wallet", **HX)
    assert f"Balance unavailable: The API answered with {ODD}." in words(wallet)
    tracker = poll(browser, order_placed_elsewhere(fake, browser))
    assert tracker.status_code == 286
    assert "The status check was redirected; polling stopped." in words(tracker)


def order_placed_elsewhere(fake, browser) -> str:
    """An order this browser placed (create answers normally), for polling."""
    fake.set(fu.CREATE, fu.normal)
    return order_placed(browser, fake)


# --- an answer of 300 MB ------------------------------------------------------------------------

@pytest.mark.parametrize("declare_length", [False, True], ids=["until-close", "content-length"])
def test_a_300_mb_answer_is_cut_at_the_cap_and_memory_stays_bounded(
        fake, browser, declare_length):
    fake.set(fu.BALANCE, fu.huge(declare_length=declare_length))
    tracemalloc.start()
    try:
        response = send(browser, BALANCE_FIELDS)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert peak < 12 * CAP, peak  # the cap, a copy or two, and the page: never the answer
    fake.stop()  # let the writer notice the closed connection
    assert fake.sent < 40 * CAP  # the playground stopped reading; socket buffers aside
    assert ("The API's answer was too large to read. " + TOO_LARGE + " (HTTP 200) The "
            "playground stopped reading it at API_MAX_RESPONSE_BYTES and kept none of it."
            ) in words(response)
    call = Call.objects.get()
    assert (call.outcome, call.http_status, call.response_body) == ("too-large", 200, "")


# Run in a fresh process: its peak resident size (VmHWM) before and after one call to an
# upstream streaming 300 MB, with the default cap.
PEAK_SCRIPT = """
import json, sys, django
django.setup()
from playground import api

def peak_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

client = api.AccountApi(sys.argv[1])
before = peak_kib()
try:
    client.balance(api.Credential("peak-test-token"))
    kind = "answered"
except api.ApiError as exc:
    kind = exc.kind
print(json.dumps({"kind": kind, "before": before, "after": peak_kib()}))
"""


def test_a_300_mb_answer_leaves_the_processs_peak_memory_near_the_cap(fake):
    fake.set(fu.BALANCE, fu.huge())
    env = clean_env(DJANGO_SETTINGS_MODULE="playground.test_settings", PYTHONPATH=str(ROOT))
    done = subprocess.run([str(PYTHON), "-c", PEAK_SCRIPT, fake.url], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout.splitlines()[-1])
    grown_mb = (measured["after"] - measured["before"]) / 1024
    assert grown_mb < 40, measured  # the 4 MB default cap and buffers, not 300 MB
    assert measured["kind"] == "too-large"


def test_a_300_mb_answer_to_a_create_is_outcome_unknown(fake, browser):
    fake.set(fu.CREATE, fu.huge())
    text = words(send(browser, confirm="yes"))
    assert f"{UNKNOWN} {TOO_LARGE} (HTTP 200) {MAY_EXIST} {CHECK_FIRST}" in text
    assert Call.objects.get(endpoint="create").outcome == "too-large"


def test_a_300_mb_balance_leaves_the_wallet_saying_so(fake, browser):
    fake.set(fu.BALANCE, fu.huge())
    assert f"Balance unavailable: {TOO_LARGE}" in words(browser.get("/wallet", **HX))


# --- an answer trickled a byte at a time --------------------------------------------------------

def test_a_trickled_read_ends_at_the_deadline_as_a_timeout(fake, browser):
    fake.set(fu.BALANCE, fu.trickling())  # a byte every 0.2 s: each read within 0.5 s
    started = time.monotonic()
    response = send(browser, BALANCE_FIELDS)
    took = time.monotonic() - started
    assert DEADLINE <= took < DEADLINE + 1.5, took
    assert (f"The API did not answer in time. No complete answer from {fake.url} within 1 s "
            "(API_DEADLINE). This was a read") in words(response)
    assert Call.objects.get().outcome == "read-timeout"


def test_a_trickled_create_ends_at_the_deadline_as_outcome_unknown(fake, browser):
    fake.set(fu.CREATE, fu.trickling(fu.envelope("0b7e4d1c-1111-4222-8333-444455556666")))
    started = time.monotonic()
    response = send(browser, confirm="yes")
    assert time.monotonic() - started < DEADLINE + 1.5
    assert (f"{UNKNOWN} The API did not finish answering within 1 s (API_DEADLINE) after the "
            f"order was sent. {MAY_EXIST}") in words(response)
    assert Call.objects.get(endpoint="create").outcome == "unknown-outcome"
    assert fake.count(fu.CREATE) == 1


# --- numbers the page cannot show ---------------------------------------------------------------

@pytest.mark.parametrize("number", [b"1e400", b"-1e400", b"9" * 400, b"NaN", b"-Infinity",
                                    b"1e300"])
def test_a_balance_no_wallet_holds_is_named_as_such_not_a_500(fake, browser, number):
    body = b'{"success": true, "data": {"balance": ' + number + b', "currency": "USD"}}'
    fake.set(fu.BALANCE, fu.answering(fu.Answer(200, body)))
    response = browser.get("/wallet", **HX)
    assert response.status_code == 200
    assert "Balance unavailable: The API answered a balance this page cannot show." in words(
        response)


@pytest.mark.parametrize("number", [b"1e400", b"9" * 400, b"NaN", b"250"])
def test_a_discount_out_of_range_is_left_out(fake, browser, number):
    body = b'{"success": true, "data": {"email": "e@x", "api_ordering_discount": ' + number \
        + b"}}"
    fake.set(fu.ME, fu.answering(fu.Answer(200, body)))
    response = browser.get("/wallet", **HX)
    assert "Wallet: 42.50 USD" in words(response)
    assert "discount" not in words(response)


# --- error texts echoing the token ---------------------------------------------------------------

ECHO = "The token [redacted] is not valid here."


def test_the_wallet_redacts_a_token_the_upstream_echoes(fake, browser):
    fake.set(fu.BALANCE, fu.echoing_token(401))
    response = browser.get("/wallet", **HX)
    assert TOKEN not in response.content.decode()
    assert f"Balance unavailable: {ECHO} (401)" in words(response)


def test_the_tracker_redacts_a_token_the_upstream_echoes(fake, browser):
    order_id = order_placed(browser, fake)
    fake.set(fu.STATUS, fu.echoing_token(401))
    response = poll(browser, order_id)
    assert TOKEN not in response.content.decode()
    assert f"The API did not accept the token (401). {ECHO}" in words(response)


def test_the_proxy_list_redacts_a_token_the_upstream_echoes(fake, browser):
    order_id = order_placed(browser, fake)
    fake.order_status = "processed"
    fake.set(fu.PROXY_LIST, fu.echoing_token(403))
    response = browser.post(f"/orders/{order_id}/proxy-list", **HX)
    assert TOKEN not in response.content.decode()
    assert f"The proxy list answered HTTP 403: {ECHO}" in words(response)
    assert TOKEN not in Call.objects.get(endpoint="proxy-list").error


# --- subaccount ids that would change the path --------------------------------------------------

BAD_SUBACCOUNTS = [
    ({"AccountID": ".."}, "The AccountID is not a UUID."),
    ({"AccountID": "a/../b"}, "The AccountID is not a UUID."),
    ({"AccountID": "4402"}, "The AccountID is not a UUID."),
    ({"AccountType": ".."}, "The AccountType is not a plain name (letters, digits, _ and -)."),
    ({"AccountType": "x?type=all"},
     "The AccountType is not a plain name (letters, digits, _ and -)."),
]


@pytest.mark.parametrize(("fields", "problem"), BAD_SUBACCOUNTS)
def test_a_subaccount_id_that_is_not_a_uuid_never_reaches_a_url(fake, browser, fields, problem):
    order_id = order_placed(browser, fake)
    fake.order_status = "processed"
    fake.subaccount = fields
    tracker = poll(browser, order_id)
    assert tracker.status_code == 286
    assert ("The API answered a subaccount this page cannot use, so there is no next step "
            f"here: {problem}") in words(tracker)
    assert "proxy-list" not in tracker.content.decode()
    fetched = browser.post(f"/orders/{order_id}/proxy-list", **HX)
    assert fetched.status_code == 200
    assert ("The API answered a subaccount this page cannot use, so its proxy list was not "
            f"fetched. {problem}") in words(fetched)
    assert fake.count(fu.PROXY_LIST) == 0


@pytest.mark.parametrize(("fields", "problem"), BAD_SUBACCOUNTS)
def test_a_proxy_list_script_for_ids_that_are_not_a_subaccount_is_a_400(client, db, fields,
                                                                        problem):
    query = {"account_id": fu.SUBACCOUNT_ID, "account_type": "datacenter_shared"}
    query.update({"account_id": fields.get("AccountID", query["account_id"]),
                  "account_type": fields.get("AccountType", query["account_type"])})
    response = client.get("/snippets/proxy-list/curl", query)
    assert response.status_code == 400
    assert response.content.decode() == f"The request is not valid: account: {problem}\n"


# --- the user's own token in a response: never cached -------------------------------------------

@pytest.mark.parametrize("path", ["/", "/preview", "/snippets/curl"])
def test_a_response_holding_the_users_token_is_not_stored_by_caches(client, demo, path):
    use_token(client, "sandbox-full")
    mine = client.get(path, {**CREATE_FIELDS, "include_token": "1", "download": "1"}, **HX)
    assert mine.status_code == 200
    assert "sandbox-full" in mine.content.decode()
    assert mine["Cache-Control"] == "no-store"
    placeholder = client.get(path, CREATE_FIELDS, **HX)
    assert "no-store" not in placeholder.get("Cache-Control", "")


# --- after a crash ------------------------------------------------------------------------------

def crash_leaves_pending(*, seconds_ago: float) -> Call:
    """What killing the server mid-create leaves: the claimed row, never completed."""
    Call.objects.filter(endpoint="create").update(
        outcome=Call.PENDING, http_status=None, error="", order_id=None, order_status="",
        response_body="", duration_ms=None,
        created=timezone.now() - timedelta(seconds=seconds_ago))
    return Call.objects.get(endpoint="create")


def test_a_create_lost_in_a_crash_is_outcome_unknown_when_its_form_is_sent_again(
        fake, browser):
    key = rendered_key(browser)
    send(browser, key=key, confirm="yes")
    crash_leaves_pending(seconds_ago=DEADLINE + sending.STALE_MARGIN + 5)
    text = words(send(browser, key=key, confirm="yes"))
    assert f"{UNKNOWN} {sending.LOST} {MAY_EXIST} {CHECK_FIRST}" in text
    assert REPEAT_NOTE in text
    assert "appears in History" not in text
    assert fake.count(fu.CREATE) == 1
    assert Call.objects.get(endpoint="create").outcome == "unknown-outcome"


def test_a_create_lost_in_a_crash_shows_as_outcome_unknown_in_history(fake, browser):
    key = rendered_key(browser)
    send(browser, key=key, confirm="yes")
    crash_leaves_pending(seconds_ago=DEADLINE + sending.STALE_MARGIN + 5)
    history = words(browser.get("/history"))
    assert f"POST /v4/account/orders/create {sending.LOST}" in history
    assert "unknown-outcome Open in builder" in history
    assert "pending" not in history
    text = words(send(browser, key=key, confirm="yes"))
    assert f"{UNKNOWN} {sending.LOST} {MAY_EXIST}" in text


def test_a_create_pending_within_the_deadline_is_still_waiting(fake, browser):
    key = rendered_key(browser)
    send(browser, key=key, confirm="yes")
    crash_leaves_pending(seconds_ago=1)
    assert "pending" in words(browser.get("/history"))
    text = words(send(browser, key=key, confirm="yes"))
    assert ("This form was already sent and is still waiting for the API. Its result appears "
            "in History when it arrives; it was not sent again.") in text
    assert Call.objects.get(endpoint="create").is_pending


# --- text a database column cannot hold ----------------------------------------------------------

def test_an_answer_holding_nul_is_kept_in_history_with_the_nul_replaced(fake, browser):
    """PostgreSQL refuses NUL in text columns: the row is kept, the NUL shown as U+FFFD."""
    fake.set(fu.CREATE, fu.answering(fu.refusal("bad\x00coupon", status=400)))
    response = send(browser, confirm="yes")
    assert response.status_code == 200
    assert "The API refused the request (400)." in words(response)
    call = Call.objects.get(endpoint="create")
    assert call.outcome == "api-error"
    assert call.error == "bad\ufffdcoupon"
    assert "\x00" not in call.response_body  # the JSON text keeps its escape, \u0000
    assert json.loads(call.response_body) == {"success": False, "error": "bad\x00coupon"}
