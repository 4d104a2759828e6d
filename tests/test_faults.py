"""The fault suite: the playground against a fake upstream over real sockets
(tests/fake_upstream.py), and random malformed submissions to every form and fragment.

Against each upstream fault (a stall past the read timeout, a reset before or during the
answer, a 500/502/503 with an HTML body, invalid or truncated JSON, a 200 with
``success: false``, a redirect): the playground shows that fault's own message, history
records it, nothing answers 500, other users keep being served meanwhile, and no rendered
form ever places an order twice. The user side runs on ``live_server`` (a real threaded
server) through httpx sessions; the random submissions use Django's test client.

Run alone with ``pytest -m fault``.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import httpx
import pytest
from django.test import Client
from django.utils.http import parse_header_parameters
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from playground import api
from playground.models import Call
from playground.sandbox.models import Order
from tests import fake_upstream as fu
from tests.live_support import BALANCE_FIELDS, CREATE_BODY, CREATE_FIELDS, HX, TOKEN

pytestmark = pytest.mark.fault

READ_TIMEOUT = 0.5  # seconds: every stall below outlasts it
KEY_INPUT = re.compile(r'id="submission-key" name="submission_key" value="([0-9a-f]{32})"')


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture
def fake(settings, crashes):
    """The fake upstream, with the playground pointed at it in live mode."""
    upstream = fu.FakeUpstream().start()
    settings.PROXYSCRAPE_API_BASE = upstream.url
    settings.API_CONNECT_TIMEOUT = READ_TIMEOUT
    settings.API_READ_TIMEOUT = READ_TIMEOUT
    settings.LIVE_ORDERING_ENABLED = True
    settings.ORDER_RATE_LIMIT = 1000
    api.clients.override(None)  # the next call builds a client with these timeouts
    yield upstream
    api.clients.override(None)
    upstream.stop()
    assert upstream.errors == []
    assert crashes == []


def words(text: str) -> str:
    """An HTML fragment's visible text: tags dropped, entities decoded, spaces collapsed."""
    text = re.sub(r"</?(?:code|strong|em|span|a|time)\b[^>]*>", "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


class User:
    """One browser: an httpx session against the live server, sending what htmx sends."""

    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, timeout=30.0)
        self.key = ""

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"HX-Request": "true"}
        if method == "POST":
            headers["X-CSRFToken"] = self.http.cookies["csrftoken"]
        response = self.http.request(method, path, headers=headers, **kwargs)
        assert response.status_code < 500, (method, path, response.text[:2000])
        return response

    def open(self) -> httpx.Response:
        """The playground page, rendered afresh: a new submission key."""
        response = self.http.get("/")
        assert response.status_code == 200
        self.key = KEY_INPUT.search(response.text).group(1)
        return response

    def use_token(self, token: str = TOKEN) -> None:
        response = self.request("POST", "/token", data={"token": token, "auth": "api-token"})
        assert response.status_code == 200

    def send(self, fields: dict, *, key: str | None = None, confirm: str = "yes"):
        data = {**fields, "submission_key": self.key if key is None else key,
                "confirm": confirm}
        return self.request("POST", "/send", data=data)

    def poll(self, order_id: str) -> httpx.Response:
        return self.request("GET", f"/orders/{order_id}/tracker",
                            params={"started": f"{time.time():.3f}"})


@pytest.fixture
def users(live_server, transactional_db):
    """Make signed-in users (a page opened, a token stored) on the live server."""
    made: list[User] = []

    def make() -> User:
        user = User(live_server.url)
        user.open()
        user.use_token()
        made.append(user)
        return user

    yield make
    for user in made:
        user.close()


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


# --- the faults ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fault:
    name: str
    behaviour: object  # fake_upstream.Behaviour
    outcome: str  # Call.outcome of a read that meets it
    http_status: int | None
    read_error: str  # Call.error of a read ("{url}" stands for the fake's base URL)
    read_text: str  # title, detail and action a read shows
    create_outcome: str
    create_error: str
    create_text: str  # title and detail a create shows (then the balance and action)


STALL_READ = "No answer from {url} within 0.5 s."
STALL_CREATE = "The API did not answer in time after the order was sent."
DROP_READ = "The connection dropped before the API answered."
DROP_CREATE = "The connection dropped after the order was sent."
CUT = "The API's answer is cut off or malformed JSON."
UNKNOWN = "Outcome unknown: the order may have been placed."
MAY_EXIST = ("The order may exist and the wallet may have been debited. The wallet now holds "
             "42.50 USD.")
CHECK_FIRST = ("Do not send it again yet: check the balance and your recent orders (the sandbox "
               "console, or the dashboard) first. It was not retried automatically.")
SERVER_ACTION = "The fault is on the API's side. Try again in a minute."
UNREADABLE = ("The API's answer could not be read.", "It was not complete JSON in the API's "
              "envelope (shown below). Try again; if it persists, the API base may point at "
              "something else.")
REFUSED = ("The API refused the request (200). Upstream says no. Read the API's message above; "
           "the request was not carried out.")
REDIRECT_TO = "The API answered with a redirect to https://login.example.test/sso."
REDIRECT_TEXT = (f"The API answered with a redirect. {REDIRECT_TO} (HTTP 302) The playground "
                 "does not follow redirects for API calls. Check the API base (https, host and "
                 "path).")


def _server_error(status: int) -> Fault:
    error = f"The API failed with HTTP {status}."
    return Fault(f"{status} with an HTML body", fu.answering(fu.html_error(status)),
                 "server-error", status, error,
                 f"The API failed with a server error. {error} {SERVER_ACTION}",
                 "server-error", error, f"{UNKNOWN} {error}")


def _unreadable(name: str, answer: fu.Answer, error: str) -> Fault:
    return Fault(name, fu.answering(answer), "bad-response", 200, error,
                 f"{UNREADABLE[0]} {error} (HTTP 200) {UNREADABLE[1]}",
                 "bad-response", error, f"{UNKNOWN} {error} (HTTP 200)")


FAULTS = [
    Fault("stall past the read timeout", fu.stalling(), "read-timeout", None, STALL_READ,
          f"The API did not answer in time. {STALL_READ} This was a read, so nothing "
          "changed. Try again in a moment.",
          "unknown-outcome", STALL_CREATE, f"{UNKNOWN} {STALL_CREATE}"),
    *(Fault(name, behaviour, "network", None, DROP_READ,
            f"{DROP_READ} {DROP_READ} This was a read, so nothing changed. Try again.",
            "unknown-outcome", DROP_CREATE, f"{UNKNOWN} {DROP_CREATE}")
      for name, behaviour in [("reset before the answer", fu.resetting()),
                              ("reset in the middle of the answer", fu.reset_mid_answer()),
                              ("closed before the promised body ended", fu.cut_short())]),
    *(_server_error(status) for status in (500, 502, 503)),
    _unreadable("invalid JSON", fu.invalid_json(), CUT),
    _unreadable("truncated JSON", fu.truncated_json(), CUT),
    _unreadable("JSON nested too deep to parse", fu.Answer(200, b"[" * 100_000), CUT),
    _unreadable("an HTML page with a 200", fu.Answer(200, b"<html>Sign in</html>", "text/html"),
                "The API's answer is not JSON (text/html)."),
    _unreadable("JSON outside the envelope", fu.Answer(200, b'["balance", 42.5]'),
                "The API's answer is not in its usual {success, data|error} shape."),
    Fault("200 with success false", fu.answering(fu.refusal("Upstream says no.")),
          "api-error", 200, "Upstream says no.", REFUSED,
          "api-error", "Upstream says no.", REFUSED),
    Fault("redirect", fu.answering(fu.redirect()), "redirect", 302, REDIRECT_TO, REDIRECT_TEXT,
          "redirect", REDIRECT_TO, REDIRECT_TEXT),
]
FAULT_IDS = [f.name for f in FAULTS]
REPEAT_NOTE = "This form was already sent: this is its first result. Nothing was sent again."


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_a_create_meeting_the_fault_explains_it_records_it_and_is_sent_once(
        fake, users, fault):
    fake.set(fu.CREATE, fault.behaviour)
    user = users()
    key = user.key
    response = user.send(CREATE_FIELDS)
    assert response.status_code == 200
    text = words(response.text)
    if fault.create_outcome in ("api-error", "redirect"):  # an answer: nothing was placed
        assert fault.create_text in text
        assert UNKNOWN not in text
    else:  # the request went out and no readable answer came: the order may exist
        assert f"{fault.create_text} {MAY_EXIST} {CHECK_FIRST}" in text
    if fault.create_outcome == "unknown-outcome":
        assert "fail" not in text.lower()
    assert fake.count(fu.CREATE) == 1
    assert [r.json for r in fake.requests if fake.match(r)[0] == fu.CREATE] == [CREATE_BODY]
    call = Call.objects.get(endpoint="create")
    assert (call.outcome, call.http_status, call.error, call.environment, call.order_id) == (
        fault.create_outcome, fault.http_status, fault.create_error, "live", None)
    assert call.duration_ms is not None
    assert fault.create_error in words(user.request("GET", "/history").text)

    again = words(user.send(CREATE_FIELDS, key=key).text)  # the same rendered form, resent
    assert fault.create_text in again
    assert REPEAT_NOTE in again
    assert fake.count(fu.CREATE) == 1
    assert Call.objects.filter(endpoint="create").count() == 1


@pytest.mark.parametrize("endpoint", ["balance", "status"])
@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_a_read_meeting_the_fault_explains_it_and_records_it(fake, users, fault, endpoint):
    order_id = str(uuid.uuid4())
    fields = BALANCE_FIELDS if endpoint == "balance" else {"endpoint": "status",
                                                           "order_id": order_id}
    fake.set(endpoint, fault.behaviour)
    user = users()
    response = user.send(fields)
    assert response.status_code == 200
    error = fault.read_error.replace("{url}", fake.url)
    assert fault.read_text.replace("{url}", fake.url) in words(response.text)
    assert fake.count(endpoint) == 1  # a GET is retried on connect errors only
    call = Call.objects.get()
    assert (call.endpoint, call.outcome, call.http_status, call.error) == (
        endpoint, fault.outcome, fault.http_status, error)
    assert error in words(user.request("GET", "/history").text)


def test_a_5xx_html_body_is_shown_escaped_and_kept_in_history(fake, users):
    fake.set(fu.BALANCE, fu.answering(fu.html_error(503)))
    user = users()
    body = "<html><head><title>503 Service Unavailable</title></head><body><h1>503 Service " \
           "Unavailable</h1></body></html>"
    response = user.send(BALANCE_FIELDS)
    assert html.escape(body) in response.text
    assert "<h1>503" not in response.text
    assert Call.objects.get().response_body == body


# --- the order tracker --------------------------------------------------------------------------

def _placed(fake, users) -> tuple[User, str]:
    user = users()
    assert "Order placed." in words(user.send(CREATE_FIELDS).text)
    (order_id,) = fake.created
    return user, order_id


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_a_status_poll_meeting_the_fault_says_so_and_recovers(fake, users, fault):
    user, order_id = _placed(fake, users)
    fake.set(fu.STATUS, fault.behaviour)
    response = user.poll(order_id)
    text = words(response.text)
    if fault.outcome == "api-error":  # an answer polling cannot change: stop, explain
        assert response.status_code == 286
        assert fault.read_text in text
    elif fault.outcome == "redirect":  # waiting will not fix it either: stop, explain
        assert response.status_code == 286
        assert "The status check was redirected; polling stopped." in text
    else:  # a fault that may pass: say so and keep polling
        assert response.status_code == 200
        assert ("The last status check failed; still trying. "
                + fault.read_error.replace("{url}", fake.url)) in text
        assert 'hx-trigger="every 1.5s"' in response.text
    fake.set(fu.STATUS, fu.normal)
    fake.order_status = "processed"
    healed = user.poll(order_id)
    assert healed.status_code == 286
    assert "Processed: the subaccount is ready." in words(healed.text)
    assert fake.count(fu.CREATE) == 1
    assert Call.objects.get(endpoint="create").order_status == "processed"


PROXY_FAULTS = [f for f in FAULTS if f.outcome != "bad-response"]  # its 200 is plain text


@pytest.mark.parametrize("fault", PROXY_FAULTS, ids=[f.name for f in PROXY_FAULTS])
def test_a_proxy_list_fetch_meeting_the_fault_says_so_and_records_it(fake, users, fault):
    user, order_id = _placed(fake, users)
    fake.order_status = "processed"
    fake.set(fu.PROXY_LIST, fault.behaviour)
    response = user.request("POST", f"/orders/{order_id}/proxy-list")
    text = words(response.text)
    error = fault.read_error.replace("{url}", fake.url)
    if fault.outcome == "api-error":
        assert "The proxy list answered HTTP 200: Upstream says no." in text
        assert "proxies (ip:port, HTTP)" not in text
    else:
        assert f"Could not fetch the proxy list. {error}" in text
    call = Call.objects.get(endpoint="proxy-list")
    assert (call.outcome, call.http_status, call.error) == (
        fault.outcome, fault.http_status, error)
    assert fake.count(fu.PROXY_LIST) == 1


# --- other users keep being served ------------------------------------------------------------

STALL = 3.0  # seconds the stalled calls wait, far above what a served request takes
PROMPT = 1.0


def _in_background(call) -> tuple[threading.Thread, dict]:
    box: dict = {}

    def run():
        box["response"], box["seconds"] = timed(call)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def _served_promptly(user: User, fields: dict) -> list[float]:
    """user B's round of ordinary requests; each one's time."""
    seconds = []
    for method, path, kwargs in [
        ("GET", "/", {}),
        ("GET", "/preview", {"params": CREATE_FIELDS}),
        ("GET", "/snippets/python", {"params": CREATE_FIELDS}),
        ("POST", "/send", {"data": {**fields, "submission_key": uuid.uuid4().hex}}),
        ("GET", "/history", {}),
        ("GET", "/wallet", {}),
        ("GET", "/healthz", {}),
    ]:
        response, took = timed(lambda m=method, p=path, k=kwargs: user.request(m, p, **k))
        assert response.status_code == 200, (path, response.text[:500])
        seconds.append(took)
    return seconds


def test_while_orders_stall_upstream_other_users_are_served_promptly(fake, users, settings):
    settings.API_READ_TIMEOUT = STALL
    api.clients.override(None)
    fake.set(fu.CREATE, fu.stalling())
    stalled = [users() for _ in range(4)]
    other = users()
    running = [_in_background(lambda u=u: u.send(CREATE_FIELDS)) for u in stalled]
    for _ in stalled:
        assert fake.wait_for_stall()
    seconds = _served_promptly(other, BALANCE_FIELDS)
    assert max(seconds) < PROMPT, seconds
    assert all(thread.is_alive() for thread, _box in running)  # still waiting upstream
    for thread, box in running:
        thread.join(STALL + 10)
        assert box["seconds"] >= STALL
        text = words(box["response"].text)
        assert f"{UNKNOWN} {STALL_CREATE} {MAY_EXIST}" in text
    assert fake.count(fu.CREATE) == 4
    assert list(Call.objects.filter(endpoint="create").values_list("outcome", flat=True)) == [
        "unknown-outcome"] * 4


def test_while_a_status_poll_stalls_another_users_poll_answers_promptly(fake, users, settings):
    settings.API_READ_TIMEOUT = STALL
    api.clients.override(None)
    slow_user, slow_order = _placed(fake, users)
    fake.created.clear()
    quick_user, quick_order = _placed(fake, users)
    stall = fu.stalling()

    def stall_one_order(exchange):
        (stall if exchange.params["order_id"] == slow_order else fu.normal)(exchange)

    fake.set(fu.STATUS, stall_one_order)
    fake.order_status = "processed"
    thread, box = _in_background(lambda: slow_user.poll(slow_order))
    assert fake.wait_for_stall()
    quick, took = timed(lambda: quick_user.poll(quick_order))
    assert took < PROMPT
    assert quick.status_code == 286
    assert "Processed: the subaccount is ready." in words(quick.text)
    assert thread.is_alive()
    thread.join(STALL + 10)
    assert box["response"].status_code == 200
    assert ("The last status check failed; still trying. "
            f"No answer from {fake.url} within 3 s.") in words(box["response"].text)


def test_a_second_click_while_the_create_stalls_sends_nothing_and_says_it_is_waiting(
        fake, users, settings):
    settings.API_READ_TIMEOUT = 2.0
    api.clients.override(None)
    fake.set(fu.CREATE, fu.stalling())
    user = users()
    thread, box = _in_background(lambda: user.send(CREATE_FIELDS))
    assert fake.wait_for_stall()
    second, took = timed(lambda: user.send(CREATE_FIELDS))
    assert took < PROMPT
    assert ("This form was already sent and is still waiting for the API. Its result appears "
            "in History when it arrives; it was not sent again.") in words(second.text)
    thread.join(10)
    assert UNKNOWN in words(box["response"].text)
    third = words(user.send(CREATE_FIELDS).text)
    assert f"{UNKNOWN} {STALL_CREATE}" in third
    assert REPEAT_NOTE in third
    assert fake.count(fu.CREATE) == 1


def test_after_an_unknown_outcome_a_new_form_is_a_deliberate_second_order(fake, users):
    fake.set(fu.CREATE, fu.resetting())
    user = users()
    user.send(CREATE_FIELDS)
    user.send(CREATE_FIELDS)  # the same form: nothing sent
    fake.set(fu.CREATE, fu.normal)
    user.open()  # a reload renders a new form
    assert "Order placed." in words(user.send(CREATE_FIELDS).text)
    assert fake.count(fu.CREATE) == 2
    assert sorted(Call.objects.values_list("outcome", flat=True)) == ["ok", "unknown-outcome"]


# --- random malformed submissions to every form and fragment --------------------------------------

FUZZ = hypothesis_settings(max_examples=200, deadline=None, derandomize=True, database=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])
ORDER_ID = "3f2b8c1e-9d4a-4e6b-8a7c-1b2d3e4f5a6b"
NASTY = [
    "", " ", "-1", "0", "00", "1e400", "-1e400", "NaN", "inf", "-0", "9" * 400, "²", "٣", "Ⅻ",
    "true", "null", "{}", "[]", "[" * 3000, "{" * 3000 + '"', '{"type": 1e400}', '{"a": NaN}',
    json.dumps(CREATE_BODY), json.dumps({**CREATE_BODY, "days": 10**30}), "\x01\x1f\x7f",
    "a\r\nSet-Cookie: x=1", "../../etc/passwd", "<script>alert(1)</script>", "%00", "%ZZ",
    "😀" * 50, ORDER_ID, "create:new_serp:form", "status::form", "create:new_residential:raw",
    "http://[::1", "https://[zz]/purchase?type=new_serp", "//evil.example/x", "javascript:x",
    "https://proxyscrape.com/purchase?type=new_datacenter_shared&proxies[mixed]=1000",
    "?type=new_residential&bandwidth=1", "mixed", "us", "Belgium", "new_residential", "raw",
    "form", "bearer", "balance", "status", "create", "yes", "download", "30d", "sandbox-full",
    '"\\ud800"', '{"a": "\\udfff"}', '{"\\u0000": 1}', "[" * 500 + "]" * 500,
    "0-0", "99999999999999999-999999999999999999", "1733090000000000-1",
]
KNOWN_KEYS = [
    "endpoint", "type", "mode", "shape", "auth", "token", "flow", "body", "order_id",
    "country", "is_subscription", "days", "proxies_location", "proxies_size", "bandwidth",
    "duration", "location", "requests", "coupon_code", "email", "fname", "lname", "track",
    "download", "started", "page", "before", "after", "http_status", "order_status",
    "submission_key", "confirm",
    "next", "url", "account", "amount", "order", "lifetime", "csrfmiddlewaretoken",
    "account_id", "account_type", "flavour",
]
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
VALUES = st.one_of(
    TEXT, st.sampled_from(NASTY), st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(300, 6000).map(lambda n: "9" * n), st.integers(300, 3000).map(lambda n: "é" * n),
)
KEYS = st.one_of(
    st.sampled_from(KNOWN_KEYS), TEXT,
    st.builds("proxies[{}]".format, st.one_of(TEXT, st.sampled_from(["mixed", "us", "MIXED"]))),
    st.sampled_from(["proxies[]", "proxies[us][0]", "proxies", "proxies[mixed", "proxies]["]),
)
BASES = [
    [], list(CREATE_FIELDS.items()), list(BALANCE_FIELDS.items()),
    [("endpoint", "status"), ("order_id", ORDER_ID)],
    [("mode", "raw"), ("body", json.dumps(CREATE_BODY))],
    [("type", "new_residential"), ("bandwidth", "1"), ("duration", "30d")],
    [("type", "new_serp"), ("shape", "create:new_datacenter_shared:form")],
    [("type", "new_residential_unlimited"), ("mode", "raw"), ("shape", "create:x:form")],
]
PAIRS = st.tuples(st.sampled_from(BASES), st.lists(st.tuples(KEYS, VALUES), max_size=8)).map(
    lambda parts: parts[0] + parts[1])
# A query string as a WSGI server hands it over: urlencoded pairs, or raw bytes as latin-1.
QUERY = st.one_of(
    PAIRS.map(lambda pairs: urlencode(pairs)),
    TEXT.map(lambda raw: raw.encode().decode("latin-1")),
    st.binary(max_size=40).map(lambda raw: "".join(f"%{b:02X}" for b in raw)),
)
HTMX = st.sampled_from([HX, {}])
IDS = st.one_of(st.sampled_from([ORDER_ID, "", ".", "%00", "9" * 60]), TEXT, st.uuids().map(str))


@pytest.fixture
def fuzz(demo, crashes):
    """A test client with a stored sandbox token that reports a crash as a 500 status,
    and a check for one request: below 500, and no exception raised anywhere."""
    client = Client(raise_request_exception=False)
    client.post("/token", {"token": "sandbox-full", "auth": "api-token"}, **HX)
    client.post("/send", {**CREATE_FIELDS, "submission_key": uuid.uuid4().hex}, **HX)
    placed = Call.objects.get(endpoint="create", outcome="ok").order_id

    def check(request, *context):
        crashes.clear()
        assert request().status_code < 500, context
        assert crashes == [], context

    return client, check, str(placed)


def _form(pairs) -> dict:
    return {"data": urlencode(pairs), "content_type": "application/x-www-form-urlencoded"}


def _path_segment(value: str) -> str:
    return quote(value, safe="") or "x"


# What the random submissions found, pinned down.

def test_a_checkout_link_that_cannot_be_split_is_explained_not_a_500(client, db):
    response = client.get("/import", {"url": "https://[::1/purchase?type=new_serp"},
                          follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "That is not a link this playground can read."]


@pytest.mark.parametrize("next_url", ["0", "history", "https://evil.example/", ""])
def test_a_token_form_whose_next_is_not_a_local_path_returns_to_the_playground(
        client, db, next_url):
    response = client.post("/token", {"token": TOKEN, "next": next_url})
    assert (response.status_code, response["Location"]) == (302, "/")


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000])
def test_a_history_status_filter_that_is_not_a_plain_number_is_ignored(client, db, value):
    response = client.get("/history", {"http_status": value})
    assert response.status_code == 200


@pytest.mark.parametrize(("body", "error"), [
    ("[" * 5000, "Invalid JSON: nested too deeply."),
    ('{"type": "new_serp", "requests": 1e400}', "Invalid JSON: 1e400 is out of range."),
])
def test_a_raw_body_json_cannot_carry_is_a_field_error(client, db, body, error):
    response = client.get("/preview", {"mode": "raw", "body": body}, **HX)
    assert response.status_code == 200
    assert error in words(response.content.decode())


@FUZZ
@given(path=st.sampled_from(["/", "/account/api-orders"]), query=QUERY, headers=HTMX)
def test_random_builder_pages_never_answer_500(fuzz, path, query, headers):
    client, check, _ = fuzz
    check(lambda: client.get(path, QUERY_STRING=query, **headers), path, query)


@FUZZ
@given(query=QUERY, headers=HTMX)
def test_random_previews_never_answer_500(fuzz, query, headers):
    client, check, _ = fuzz
    check(lambda: client.get("/preview", QUERY_STRING=query, **headers), query)


@FUZZ
@given(lang=st.one_of(st.sampled_from(["curl", "python", "node", "CURL", "go", "..", "%2F"]),
                      TEXT), query=QUERY)
def test_random_snippet_downloads_never_answer_500(fuzz, lang, query):
    client, check, _ = fuzz
    check(lambda: client.get(f"/snippets/{_path_segment(lang)}", QUERY_STRING=query), lang, query)


@FUZZ
@given(lang=st.one_of(st.sampled_from(["curl", "python", "node", "NODE", "..", "%2F"]), TEXT),
       pairs=st.lists(st.tuples(st.sampled_from(["account_id", "account_type", "auth",
                                                 "flavour", "download"]), VALUES),
                      max_size=6),
       extra=st.lists(st.tuples(KEYS, VALUES), max_size=2))
def test_random_proxy_list_script_downloads_never_answer_500(fuzz, lang, pairs, extra):
    client, check, _ = fuzz
    path = f"/snippets/proxy-list/{_path_segment(lang)}"
    check(lambda: client.get(path, QUERY_STRING=urlencode(pairs + extra)), path, pairs, extra)


@FUZZ
@given(url=st.one_of(st.sampled_from(NASTY), TEXT, VALUES,
                     PAIRS.map(lambda p: "https://proxyscrape.com/purchase?" + urlencode(p))),
       extra=st.lists(st.tuples(KEYS, VALUES), max_size=3))
def test_random_checkout_imports_never_answer_500(fuzz, url, extra):
    client, check, _ = fuzz
    check(lambda: client.get("/import", QUERY_STRING=urlencode([("url", url), *extra])), url)


@FUZZ
@given(pairs=st.lists(st.tuples(st.sampled_from(["token", "auth", "next"]), VALUES),
                      max_size=4), extra=st.lists(st.tuples(KEYS, VALUES), max_size=3),
       headers=HTMX)
def test_random_token_submissions_never_answer_500(fuzz, pairs, extra, headers):
    client, check, _ = fuzz
    check(lambda: client.post("/token", **_form(pairs + extra), **headers), pairs, extra)


@FUZZ
@given(pairs=st.lists(st.tuples(KEYS, VALUES), max_size=4), headers=HTMX)
def test_random_token_forgets_never_answer_500(fuzz, pairs, headers):
    client, check, _ = fuzz
    check(lambda: client.post("/token/forget", **_form(pairs), **headers), pairs)


@FUZZ
@given(pairs=PAIRS, key=st.one_of(st.just(None), st.uuids().map(lambda u: u.hex), VALUES),
       confirm=st.one_of(st.just(None), st.sampled_from(["yes", "no", "YES", ""]), VALUES),
       headers=HTMX)
def test_random_sends_never_answer_500(fuzz, pairs, key, confirm, headers):
    client, check, _ = fuzz
    extra = [("submission_key", key)] if key is not None else []
    extra += [("confirm", confirm)] if confirm is not None else []
    check(lambda: client.post("/send", **_form(pairs + extra), **headers), pairs, key, confirm)


@FUZZ
@given(pairs=PAIRS, fault=st.sampled_from([f for f in FAULTS if f.outcome != "read-timeout"]),
       key=st.one_of(st.sampled_from(["a" * 32, "b" * 32, "c"]), st.uuids().map(str)),
       confirm=st.sampled_from(["yes", "no", ""]))
def test_random_sends_to_a_misbehaving_upstream_never_answer_500_nor_send_a_form_twice(
        db, fake, pairs, fault, key, confirm):
    client = Client(raise_request_exception=False)
    client.post("/token", {"token": TOKEN}, **HX)
    for name in (fu.CREATE, fu.STATUS, fu.BALANCE):
        fake.set(name, fault.behaviour)
    fields = [*pairs, ("submission_key", key), ("confirm", confirm)]
    response = client.post("/send", **_form(fields), **HX)
    assert response.status_code < 500, (pairs, fault.name, key, confirm)
    assert fake.count(fu.CREATE) == Call.objects.filter(endpoint="create").count()


@FUZZ
@given(order_id=IDS, real=st.booleans(), query=QUERY, headers=HTMX)
def test_random_tracker_polls_never_answer_500(fuzz, order_id, real, query, headers):
    client, check, placed = fuzz
    order_id = placed if real else order_id
    path = f"/orders/{_path_segment(order_id)}/tracker"
    check(lambda: client.get(path, QUERY_STRING=query, **headers), path, query)


@FUZZ
@given(order_id=IDS, real=st.booleans(), pairs=st.lists(st.tuples(KEYS, VALUES), max_size=3),
       headers=HTMX)
def test_random_proxy_list_fetches_never_answer_500(fuzz, order_id, real, pairs, headers):
    client, check, placed = fuzz
    if real:
        Order.objects.filter(pk=placed).update(due=time.time() - 1)
    path = f"/orders/{_path_segment(placed if real else order_id)}/proxy-list"
    check(lambda: client.post(path, **_form(pairs), **headers), path, pairs)


@FUZZ
@given(pairs=st.lists(st.tuples(st.sampled_from(["endpoint", "http_status", "order_status",
                                                 "before", "after"]), VALUES), max_size=5),
       extra=st.lists(st.tuples(KEYS, VALUES), max_size=2))
def test_random_history_filters_never_answer_500(fuzz, pairs, extra):
    client, check, _ = fuzz
    check(lambda: client.get("/history", QUERY_STRING=urlencode(pairs + extra)), pairs, extra)


@FUZZ
@given(query=QUERY, headers=HTMX, forget=st.booleans())
def test_random_wallet_fragments_never_answer_500(fuzz, query, headers, forget):
    client, check, _ = fuzz
    if forget:
        client.post("/token/forget", **HX)
    check(lambda: client.get("/wallet", QUERY_STRING=query, **headers), query)
    client.post("/token", {"token": "sandbox-full"}, **HX)


CONSOLE_FIELDS = {
    "/sandbox/console/top-up": ["account", "amount"],
    "/sandbox/console/refund": ["order"],
    "/sandbox/console/jwt": ["account", "lifetime"],
}
CONSOLE_VALUES = st.one_of(VALUES, st.sampled_from(["1", "2", "50.00", "0.001", "100000.01",
                                                    "-60", "900", "1e5", "NaN", "sNaN"]))


@pytest.mark.parametrize("path", list(CONSOLE_FIELDS))
def test_random_console_forms_never_answer_500(fuzz, path):
    client, check, placed = fuzz

    @FUZZ
    @given(pairs=st.lists(st.tuples(st.sampled_from(CONSOLE_FIELDS[path]),
                                    st.one_of(CONSOLE_VALUES, st.just(placed))), max_size=4),
           extra=st.lists(st.tuples(KEYS, VALUES), max_size=2))
    def submit(pairs, extra):
        check(lambda: client.post(path, **_form(pairs + extra)), pairs, extra)

    submit()


# --- raw bodies nobody can send, and forms in charsets nobody can read ----------------------

# What an unsendable body holds: nesting far past the limit, a lone surrogate, a NUL.
NESTS = st.one_of(
    st.integers(33, 900).map(lambda n: "[" * n + "]" * n),
    st.integers(33, 900).map(lambda n: '{"a": ' * n + "0" + "}" * n),
)
SURROGATES = st.integers(0xD800, 0xDFFF).map(lambda c: f'"\\u{c:04x}"')
NULS = st.sampled_from(['"\\u0000"', '"a\\u0000b"', '"\\u0000\\u0000"'])
UNSENDABLE_PIECES = st.one_of(NESTS, SURROGATES, NULS)


@st.composite
def unsendable_bodies(draw) -> str:
    """An order body with one unsendable piece as a value or (strings only) as a key."""
    piece = draw(UNSENDABLE_PIECES)
    order = json.dumps(draw(st.sampled_from([CREATE_BODY, {"type": "new_serp"}, {}])))
    if piece.startswith('"') and draw(st.booleans()):
        entry = f"{piece}: 1"
    else:
        entry = f'"{draw(st.sampled_from(["extra", "fname", "coupon_code", "days"]))}": {piece}'
    return order[:-1] + (", " if order != "{}" else "") + entry + "}"


BODY_ERROR = re.compile(r"The body (is nested more than 32 levels deep|holds a NUL character "
                        r"\(\\u0000\)|holds a lone surrogate \(\\ud800 to \\udfff\), "
                        r"which is not text); the API cannot take it\.")


@FUZZ
@given(body=unsendable_bodies(), path=st.sampled_from(["/", "/preview"]), headers=HTMX)
def test_random_unsendable_raw_bodies_are_a_field_error_on_the_page(fuzz, body, path, headers):
    client, check, _ = fuzz
    response = client.get(path, {"mode": "raw", "body": body}, **headers)
    assert response.status_code == 200, body
    [error] = response.context["builder"].raw_form.errors["body"]
    assert BODY_ERROR.fullmatch(error), (body, error)


@FUZZ
@given(body=unsendable_bodies(), lang=st.sampled_from(["curl", "python", "node"]),
       extra=st.sampled_from([{}, {"download": "1"}, {"flow": "full"}, {"auth": "bearer"}]))
def test_random_unsendable_raw_bodies_get_no_snippet_only_a_400(fuzz, body, lang, extra):
    client, _check, _ = fuzz
    response = client.get(f"/snippets/{lang}", {"mode": "raw", "body": body, **extra})
    assert response.status_code == 400, body
    text = response.content.decode()
    assert text.startswith("The request is not valid: body: The body "), text
    assert BODY_ERROR.search(text), (body, text)


@FUZZ
@given(body=unsendable_bodies())
def test_random_unsendable_bodies_get_the_sandboxs_json_400(fuzz, body):
    client, _check, _ = fuzz
    response = client.post("/sandbox/v4/account/orders/create", body.encode(),
                           content_type="application/json", headers={"api-token": "sandbox-full"})
    assert response.status_code == 400, body
    assert response.json() == {"success": False, "error": "Request body must be a JSON object."}


CSRF_FORMS = ["/token", "/token/forget", "/send", "/sandbox/console/top-up",
              "/sandbox/console/refund", "/sandbox/console/jwt", "/accounts/login/",
              f"/orders/{ORDER_ID}/proxy-list", "/history"]
CHARSETS = st.one_of(
    st.sampled_from(["utf-16", "utf-16-le", "utf-32", "utf-7", "utf-8-sig", "utf8", "latin-1",
                     "cp037", "cp1252", "shift_jis", "big5", "idna", "punycode", "rot13", "hex",
                     "base64", "bz2", "zlib", "uu", "quopri", "nope", "", '"utf-16"', "\t"]),
    st.text(st.characters(codec="ascii", categories=["L", "N", "P"]), min_size=1, max_size=12),
)


@pytest.fixture
def csrf_fuzz(demo, crashes):
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.get("/")
    return client, crashes


@FUZZ
@given(path=st.sampled_from(CSRF_FORMS), charset=CHARSETS,
       pairs=st.lists(st.tuples(KEYS, VALUES), max_size=3), headers=HTMX)
def test_random_form_charsets_answer_the_sites_400_or_are_read(csrf_fuzz, path, charset,
                                                                 pairs, headers):
    client, crashes = csrf_fuzz
    crashes.clear()
    token = client.cookies["csrftoken"].value
    body = urlencode([*pairs, ("csrfmiddlewaretoken", token)]).encode()
    response = client.generic("POST", path, body, **headers,
                              content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert response.status_code < 500, (path, charset)
    assert crashes == [], (path, charset)
    declared = parse_header_parameters(response.request["CONTENT_TYPE"])[1].get("charset")
    if declared is not None and declared.lower() != "utf-8":
        assert response.status_code == 400, (path, charset)
        assert response.context["reason"].startswith(f"The form was sent as “{declared[:40]}”")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in response
