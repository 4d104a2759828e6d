"""Money after sending: the create's result (order id, price charged, balance before and
after as read), the tracker's price and whether the money came back, the live
confirmation's amount and terms, and History's price column and totals."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from playground.models import Call
from tests.html_support import by_class, text_of
from tests.live_support import (
    CREATE,
    CREATE_BODY,
    CREATE_FIELDS,
    HX,
    TOKEN,
    Upstream,
    fall_due,
    install_upstream,
    last_order_id,
    ok,
    send,
    use_token,
    wallet_routes,
)

pytestmark = pytest.mark.django_db

D = Decimal
STATUS = "GET /v4/account/orders/{}/status"


def tracker(client, order_id: str) -> str:
    response = client.get(f"/orders/{order_id}/tracker", **HX)
    assert response.status_code in (200, 286)
    return response.content.decode()


def test_the_result_shows_the_order_id_and_the_balance_before_and_after(client, demo):
    use_token(client, "sandbox-full")

    html = send(client).content.decode()

    order_id = last_order_id(client)
    assert text_of(html, "result-order-id") == order_id
    assert text_of(html, f"charged-{order_id}") == "shown with the first status answer"
    assert text_of(html, "balance-before") == "250.00 USD"
    assert text_of(html, "balance-after") == "220.96 USD"  # 24.00 + 21 % VAT = 29.04


def test_the_tracker_shows_the_price_from_the_status_answer_and_history_keeps_it(client, demo):
    use_token(client, "sandbox-full")
    send(client)
    order_id = last_order_id(client)

    html = tracker(client, order_id)

    assert text_of(html, f"price-{order_id}") == "29.04 USD"
    placed = Call.objects.get(endpoint="create", order_id=order_id)
    assert (placed.price, placed.currency) == (D("29.04"), "USD")


def test_a_blocked_sandbox_order_says_the_money_came_back_and_the_balance_confirms_it(
        client, demo):
    use_token(client, "sandbox-full")
    send(client, {**CREATE_FIELDS, "coupon_code": "SANDBOX-BLOCK"})
    order_id = last_order_id(client)
    fall_due(order_id)

    html = tracker(client, order_id)

    assert by_class(html, "tracker-price")[0]["text"] == (
        "Price: 29.04 USD · the money came back to the wallet")
    assert text_of(html, f"balance-now-{order_id}") == "Balance read now: 250.00 USD"


def test_a_blocked_live_order_shows_the_balance_and_points_to_support(client, db, settings):
    order_id = str(uuid.uuid4())
    upstream = Upstream({CREATE: ok(order_id), **wallet_routes(220.96), STATUS.format(order_id): ok(
        {"order_id": order_id, "status": "blocked", "type": "new_datacenter_shared",
         "created_at": 1764547200, "updated_at": 1764547201, "price": "29.04",
         "currency": "USD", "paid_with_credit": True, "subaccount": None,
         "block_reason": "Fraud guard."})})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    send(client, confirm="yes")

    html = tracker(client, order_id)

    assert by_class(html, "tracker-price")[0]["text"] == (
        "Price: 29.04 USD · the API does not say whether the money came back")
    assert text_of(html, f"balance-now-{order_id}") == (
        "Balance read now: 220.96 USD. If it does not show the price back, contact support "
        "with the order id.")


def _priced_live_call(price: str, *, body=None, status: str = "processed") -> Call:
    return Call.objects.create(
        owner="session:other", environment="live", base_url="http://upstream.test",
        endpoint="create", method="POST", path="/v4/account/orders/create",
        request_body=body or CREATE_BODY, http_status=200, outcome="ok",
        order_id=uuid.uuid4(), order_status=status, price=D(price), currency="USD")


def test_the_live_confirmation_shows_the_last_price_the_balance_and_the_terms(client, db,
                                                                             settings):
    install_upstream(settings, Upstream({CREATE: ok(str(uuid.uuid4())), **wallet_routes(42.5)}))
    _priced_live_call("28.00", body={**CREATE_BODY, "coupon_code": "SAVE10"})
    use_token(client, TOKEN)

    html = send(client).content.decode()

    today = Call.objects.get().created.strftime("%Y-%m-%d")
    assert text_of(html, "confirm-amount") == (
        f"Price decided by the API; last charged for this package: 28.00 USD on {today}")
    assert text_of(html, "confirm-balance") == "42.50 USD"
    assert text_of(html, "confirm-terms") == (
        "The wallet is debited at once when the API accepts the order, and orders cannot be "
        "refunded through the API.")


def test_the_live_confirmation_without_history_says_the_api_decides(client, db, settings):
    install_upstream(settings, Upstream({CREATE: ok(str(uuid.uuid4())), **wallet_routes(42.5)}))
    use_token(client, TOKEN)

    html = send(client).content.decode()

    assert text_of(html, "confirm-amount") == (
        "Price decided by the API; no earlier price for this package in history")


def test_the_live_price_panel_shows_the_last_price_charged_for_the_same_package(client, db,
                                                                              settings):
    install_upstream(settings, Upstream(wallet_routes(20)))
    _priced_live_call("29.04")
    _priced_live_call("99.00", body={**CREATE_BODY, "proxies[mixed]": 5000,
                                     "proxies[mixed]_": 0})
    use_token(client, TOKEN)

    html = client.get("/preview", {**CREATE_FIELDS, "shape": "create:new_datacenter_shared:form"},
                      **HX).content.decode()

    assert text_of(html, "last-price").startswith("Last charged for this package: 29.04 USD on ")
    assert text_of(html, "price-short") == "short by 9.04 USD"
    assert text_of(html, "topup-link") is None  # no top-up through the live API


def test_history_shows_each_orders_price_and_the_total_per_environment(client, demo):
    use_token(client, "sandbox-full")
    for fields in (CREATE_FIELDS, {**CREATE_FIELDS, "proxies_size": "2500"},
                   {**CREATE_FIELDS, "coupon_code": "SANDBOX-FAIL"}):
        send(client, fields)
        order_id = last_order_id(client)
        fall_due(order_id)
        tracker(client, order_id)

    html = client.get("/history", {"endpoint": "create"}).content.decode()

    prices = [e["text"] for e in by_class(html, "price") if e["tag"] == "td"]
    assert prices == ["29.04 USD", "65.34 USD", "29.04 USD"]
    totals = {e["attrs"]["data-environment"]: e["text"] for e in by_class(html, "charged-total")}
    assert totals == {"sandbox": "sandbox: 94.38 USD"}  # the failed order gave its 29.04 back


def test_an_insufficient_balance_result_says_what_the_order_costs_and_how_much_is_missing(
        client, demo):
    use_token(client, "sandbox-empty")

    html = send(client).content.decode()

    assert text_of(html, "result-short") == (
        "This order costs 29.04 USD: the wallet is short by 29.04 USD. Top up 29.04 in the "
        "sandbox console")
