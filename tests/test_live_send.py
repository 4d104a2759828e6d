"""Sending the built request: the response panel, the documented errors in plain words,
one order per rendered form, live-mode confirmation, and the header's wallet."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid

import httpx
import pytest
from django.test import Client

from playground.models import Call
from playground.sandbox.models import Account, Order
from tests.html_support import by_id, elements, texts_of
from tests.live_support import (
    BALANCE,
    BALANCE_FIELDS,
    CREATE,
    CREATE_BODY,
    CREATE_FIELDS,
    HX,
    ME,
    TOKEN,
    Upstream,
    fail,
    install_upstream,
    ok,
    page,
    rendered_key,
    send,
    use_token,
    wallet_routes,
    words,
)


@pytest.fixture
def sandbox(db, demo):
    return demo


def status_fields(order_id: str) -> dict:
    return {"endpoint": "status", "order_id": order_id}


# --- the response panel ----------------------------------------------------------------------

def test_send_shows_http_status_time_taken_and_the_json_highlighted(client, sandbox):
    use_token(client, "sandbox-full")
    response = send(client, BALANCE_FIELDS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "HTTP 200" in texts_of(html, "span", "http-status")
    assert re.search(r'<span class="duration">\d+ ms</span>', html)
    assert '<span class="endpoint"><code>GET /v4/account/orders/balance</code></span>' in html
    assert "sent with the api-token header" in words(response)
    assert ('<div class="code response-body" id="response-body" tabindex="0" role="region" '
            'aria-label="Response body"><div class="highlight">') in html
    assert '<span class="nt">"balance"</span>' in html
    assert '<span class="mf">250.0</span>' in html


def test_send_places_the_order_through_the_api_client_and_starts_its_tracker(client, sandbox):
    use_token(client, "sandbox-full")
    response = send(client)
    order = Order.objects.get()
    assert order.body == CREATE_BODY
    assert order.account.name == "sandbox-full"
    text = page(response)
    assert "Order placed." in text
    assert (f"Order id {order.pk}. Its status updates below until the subaccount appears."
            in text)
    assert f'hx-get="/orders/{order.pk}/tracker?started=' in text
    assert json.loads(response["HX-Trigger"]) == {"balance-changed": {}}


def test_each_result_brings_a_fresh_submission_key_out_of_band(client, sandbox):
    use_token(client, "sandbox-full")
    key = rendered_key(client)
    html = send(client, BALANCE_FIELDS, key=key).content.decode()
    fresh = re.search(r'<input type="hidden" id="submission-key" name="submission_key" '
                      r'value="([0-9a-f]{32})" hx-swap-oob="true">', html)
    assert fresh and fresh.group(1) != key


def test_upstream_content_is_never_rendered_unescaped(client, db, settings):
    evil = "<script>alert(1)</script>"
    install_upstream(settings, Upstream({
        BALANCE: ok({"balance": 1, "currency": "USD", "note": evil}),
        **{k: v for k, v in wallet_routes().items() if k != BALANCE},
    }))
    use_token(client, TOKEN)
    html = send(client, BALANCE_FIELDS).content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    install_upstream(settings, Upstream({BALANCE: fail(400, evil)}))
    html = send(client, BALANCE_FIELDS).content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_html_error_page_from_upstream_is_shown_as_escaped_text(client, db, settings):
    body = "<html><body><script>steal()</script><h1>Bad gateway</h1></body></html>"
    install_upstream(settings, Upstream({
        BALANCE: httpx.Response(502, text=body, headers={"Content-Type": "text/html"})}))
    use_token(client, TOKEN)
    response = send(client, BALANCE_FIELDS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in html and "<h1>" not in html
    assert "&lt;h1&gt;Bad gateway&lt;/h1&gt;" in html


def test_sending_without_a_token_says_where_to_enter_one(client, sandbox):
    text = page(send(client, BALANCE_FIELDS))
    assert "No API token yet." in text
    assert ("Enter your API token (or pick a demo token) under “API token”, then send again."
            in text)
    assert not Call.objects.exists()


def test_an_invalid_request_is_not_sent(client, sandbox):
    use_token(client, "sandbox-full")
    text = page(send(client, {**CREATE_FIELDS, "country": "Atlantis"}))
    assert "The request is not valid, so it was not sent." in text
    assert not Call.objects.exists() and not Order.objects.exists()


def test_a_form_without_a_submission_key_is_refused_as_out_of_date(client, sandbox):
    use_token(client, "sandbox-full")
    text = page(send(client, key=""))
    assert "This form is out of date." in text
    assert not Order.objects.exists()


# --- the documented errors, explained ----------------------------------------------------------

def test_401_explains_to_check_the_token_or_jwt(client, sandbox):
    use_token(client, "not-a-known-token-at-all")
    text = page(send(client, BALANCE_FIELDS))
    assert "HTTP 401" in text
    assert "The API did not accept the token (401)." in text
    assert "Could not determine account email from authenticated identity." in text
    assert ("Check the token or JWT: it may be mistyped, revoked, or an expired JWT. Enter it "
            "again under “API token”.") in text


def test_403_on_create_names_the_write_permission(client, sandbox):
    use_token(client, "sandbox-readonly")
    text = page(send(client))
    assert "This account lacks a permission (403)." in text
    assert ("API ordering is not enabled for this account. Contact support to request access."
            in text)
    assert ("Ask support to enable account:api_ordering:write for the account; it is granted "
            "by an admin only.") in text


@pytest.mark.parametrize("endpoint", ["status", "balance"])
def test_403_on_status_and_balance_names_the_read_permission(client, sandbox, endpoint):
    use_token(client, "sandbox-writeonly")
    fields = status_fields(str(uuid.uuid4())) if endpoint == "status" else BALANCE_FIELDS
    text = page(send(client, fields))
    assert "This account lacks a permission (403)." in text
    assert ("Ask support to enable account:api_ordering:read for the account; it is granted "
            "by an admin only.") in text


def test_400_pricing_names_the_type_and_the_fields_sent(client, sandbox):
    use_token(client, "sandbox-full")
    text = page(send(client, {"endpoint": "create", "type": "new_serp", "country": "Canada",
                              "requests": "777"}))
    assert "No buyable package matches this request (400)." in text
    assert "Missing or invalid pricing configuration." in text
    assert ('The type and fields did not match a package: type="new_serp", country="Canada", '
            "requests=777. Check the product's sizes and location, or try a suggested size."
            in text)


def test_400_insufficient_balance_shows_the_current_balance(client, sandbox):
    use_token(client, "sandbox-empty")
    text = page(send(client))
    assert "The wallet does not cover this order (400)." in text
    assert "Insufficient wallet balance." in text
    assert ("The wallet holds 0.00 USD. Top up the wallet (dashboard, or the sandbox console) "
            "or choose a smaller package.") in text


def test_404_for_an_unknown_order_says_unknown_or_another_accounts(client, sandbox):
    use_token(client, "sandbox-full")
    text = page(send(client, status_fields(str(uuid.uuid4()))))
    assert "Order not found (404)." in text
    assert ("The id is unknown, or the order belongs to another account: the API does not say "
            "which. Check the id and the token.") in text


def test_404_for_another_accounts_order_reads_exactly_the_same(client, sandbox):
    use_token(client, "sandbox-full")
    send(client)
    order_id = str(Order.objects.get().pk)
    use_token(client, "sandbox-readonly")
    text = page(send(client, status_fields(order_id)))
    assert "Order not found (404)." in text
    assert "Order not found." in text


# --- one order per rendered form -----------------------------------------------------------------

def test_twenty_submissions_of_one_rendered_form_place_one_order(client, sandbox):
    use_token(client, "sandbox-full")
    key = rendered_key(client)
    first = page(send(client, key=key))
    repeats = [page(send(client, key=key)) for _ in range(19)]
    order = Order.objects.get()
    assert Account.objects.get(name="sandbox-full").balance == 250 - order.price
    assert Call.objects.filter(endpoint="create").count() == 1
    assert f"Order id {order.pk}." in first
    for text in repeats:
        assert f"Order id {order.pk}." in text
        assert "HTTP 200" in text
        assert ("This form was already sent: this is its first result. Nothing was sent "
                "again.") in text
    assert "already sent" not in first


def test_a_repeat_does_not_start_a_second_tracker_for_the_same_order(client, sandbox):
    use_token(client, "sandbox-full")
    key = rendered_key(client)
    send(client, key=key)
    repeat = send(client, key=key).content.decode()
    assert 'hx-swap-oob="afterbegin:#trackers"' not in repeat


def test_twenty_simultaneous_submissions_send_one_create_upstream(transactional_db, settings):
    def slow_create(request):
        time.sleep(0.2)  # the first send is still in flight while the others arrive
        return ok(str(uuid.uuid4()))

    upstream = Upstream({CREATE: slow_create, **wallet_routes()})
    install_upstream(settings, upstream)
    browser = Client()
    use_token(browser, TOKEN)
    key = rendered_key(browser)
    cookies = browser.cookies
    results: list[str] = []
    start = threading.Barrier(20)

    def submit():
        tab = Client()
        tab.cookies = cookies
        start.wait()
        results.append(page(send(tab, key=key, confirm="yes")))

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert upstream.counts[CREATE] == 1
    assert Call.objects.filter(endpoint="create").count() == 1
    assert len(results) == 20
    assert sum("Order placed." in r for r in results) >= 1
    for text in results:
        assert ("Order placed." in text
                or "This form was already sent and is still waiting for the API." in text)


def test_a_form_key_from_another_session_is_refused(client, sandbox):
    use_token(client, "sandbox-full")
    key = rendered_key(client)
    send(client, BALANCE_FIELDS, key=key)
    other = Client()
    use_token(other, "sandbox-full")
    text = page(send(other, BALANCE_FIELDS, key=key))
    assert "This form belongs to another session." in text
    assert Call.objects.count() == 1


# --- live mode --------------------------------------------------------------------------------

def test_live_mode_marks_every_page_live(client, db, settings):
    install_upstream(settings, Upstream(wallet_routes()))
    for url in ("/", "/history", "/account/api-orders"):
        assert ">LIVE · http://upstream.test</span>" in client.get(url).content.decode()
    use_token(client, TOKEN)
    non_htmx = client.post("/send", {**BALANCE_FIELDS, "submission_key": "k1"})
    assert ">LIVE · http://upstream.test</span>" in non_htmx.content.decode()
    message_page = client.post("/send", {**CREATE_FIELDS, "proxies_size": "0",
                                         "submission_key": "k2"})  # invalid: not sent
    assert ">LIVE · http://upstream.test</span>" in message_page.content.decode()


def test_sandbox_mode_is_marked_as_such(client, db):
    html = client.get("/").content.decode()
    assert texts_of(html, "span", "mode-badge", "sandbox")
    assert "Sandbox: no real money moves." in html
    assert "LIVE" not in html


def test_a_live_order_first_asks_for_confirmation_and_sends_nothing(client, db, settings):
    upstream = Upstream({CREATE: ok(str(uuid.uuid4())), **wallet_routes()})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    text = words(send(client))
    assert "Place a LIVE order? The real wallet will be debited." in text
    assert "API: http://upstream.test · Product: Datacenter proxies (shared)" in text
    assert '"proxies[mixed]": 1000' in text
    assert "Yes, place this order and debit my wallet" in text
    assert upstream.counts[CREATE] == 0
    assert not Call.objects.exists()


def test_a_confirmed_live_order_is_sent_once(client, db, settings):
    upstream = Upstream({CREATE: ok(str(uuid.uuid4())), **wallet_routes()})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    key = rendered_key(client)
    send(client, key=key)
    text = page(send(client, key=key, confirm="yes"))
    assert "Order placed." in text
    assert upstream.counts[CREATE] == 1
    create = [r for r in upstream.requests if r.method == "POST"]  # the balance is read too
    assert json.loads(create[0].content) == CREATE_BODY
    assert create[0].headers["api-token"] == TOKEN


def test_live_status_and_balance_need_no_confirmation(client, db, settings):
    upstream = Upstream(wallet_routes())
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    assert "HTTP 200" in page(send(client, BALANCE_FIELDS))
    assert upstream.counts[BALANCE] == 1


def test_live_ordering_can_be_switched_off(client, db, settings):
    settings.LIVE_ORDERING_ENABLED = False
    upstream = Upstream({CREATE: ok(str(uuid.uuid4())), **wallet_routes()})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    text = page(send(client, confirm="yes"))
    assert "Placing live orders is turned off here." in text
    assert upstream.counts[CREATE] == 0


# --- the header's wallet ----------------------------------------------------------------------

def test_wallet_fragment_shows_the_balance_and_refreshes_on_events(client, sandbox):
    use_token(client, "sandbox-full")
    html = client.get("/wallet", **HX).content.decode()
    assert any(e["attrs"].get("hx-trigger") == "token-changed from:body, balance-changed from:body"
               for e in elements(html))
    wallet = by_id(html, "wallet-balance")
    assert ("strong", "250.00 USD") in [(e["tag"], e["text"]) for e in wallet]
    assert "discount" not in html


def test_wallet_without_a_token_says_so(client, db):
    assert "No token yet" in texts_of(client.get("/wallet", **HX).content, "span", "help")


def test_wallet_shows_the_discount_banner_when_me_reports_one(client, sandbox):
    use_token(client, "sandbox-discount")
    text = page(client.get("/wallet", **HX))
    assert ("Your account has a 10 % API-ordering discount, applied after any coupon."
            in text)


def test_wallet_shows_why_the_balance_is_unavailable(client, sandbox):
    use_token(client, "sandbox-writeonly")
    text = page(client.get("/wallet", **HX))
    assert "Balance unavailable: Reading the wallet balance" in text
    assert "(403)" in text


def test_wallet_survives_an_unreachable_api(client, db, settings):
    install_upstream(settings, Upstream({BALANCE: _refused, ME: _refused}))
    use_token(client, TOKEN)
    response = client.get("/wallet", **HX)
    assert response.status_code == 200
    assert ("Balance unavailable: Could not connect to http://upstream.test (connection "
            "refused or unreachable).") in page(response)


def _refused(request):
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def test_placing_an_order_tells_the_wallet_to_refresh(client, sandbox):
    use_token(client, "sandbox-full")
    response = send(client)
    assert json.loads(response["HX-Trigger"]) == {"balance-changed": {}}
    wallet = by_id(client.get("/wallet", **HX).content, "wallet-balance")
    assert ("strong", "220.96 USD") in [(e["tag"], e["text"]) for e in wallet]
