"""Simultaneous requests over real HTTP against a live test server: the wallet debit is
atomic, and money comes back once however many readers settle an order at the same time."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from playground.sandbox.models import Account, Order
from tests.test_sandbox_support import (
    INSUFFICIENT,
    SHARED_1000,
    auth_headers,
    balance_of,
    error,
    set_balance,
    status_url,
)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
AFFORDABLE = 7


def _all_at_once(count: int, call):
    """Run ``call(i)`` for i in 0..count-1, in threads released together; the results."""
    barrier = threading.Barrier(count, timeout=30)

    def run(i):
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.parametrize("body, price", [
    (SHARED_1000, Decimal("29.04")),  # 24.00 + 21 % VAT
    # 24.00 * 1.10, no VAT. Binary floating point in SQLite once made a wallet of exactly
    # seven of these pay for only six.
    ({"type": "new_datacenter_shared", "country": "United States", "is_subscription": True,
      "days": 30, "proxies[us]": 1000, "bandwidth": 0}, Decimal("26.40")),
], ids=["29.04", "26.40"])
def test_twenty_simultaneous_orders_on_a_wallet_for_seven_pay_exactly_seven(live_server, demo,
                                                                            body, price):
    start = AFFORDABLE * price
    set_balance("sandbox-full", start)
    url = f"{live_server.url}/sandbox/v4/account/orders/create"
    raw = json.dumps(body)

    def create(_):
        response = httpx.post(url, content=raw, timeout=60,
                              headers={**auth_headers("sandbox-full"),
                                       "Content-Type": "application/json"})
        return response.status_code, response.json()

    results = _all_at_once(THREADS, create)

    assert Counter(status for status, _ in results) == {200: AFFORDABLE,
                                                        400: THREADS - AFFORDABLE}
    refused = [payload for status, payload in results if status == 400]
    assert refused == [error(INSUFFICIENT)] * (THREADS - AFFORDABLE)
    paid_ids = {payload["data"] for status, payload in results if status == 200}
    assert all(str(uuid.UUID(order_id)) == order_id for order_id in paid_ids)
    orders = Order.objects.filter(account__name="sandbox-full")
    assert {str(pk) for pk in orders.values_list("pk", flat=True)} == paid_ids
    assert set(orders.values_list("status", "price")) == {("paid", price)}
    assert balance_of("sandbox-full") == start - AFFORDABLE * price == Decimal("0.00")
    # the stored wallet is exactly zero, not a float a hair above or below it
    assert Account.objects.filter(name="sandbox-full", balance=0).exists()
    assert not Account.objects.filter(balance__lt=0).exists()


def test_simultaneous_orders_from_two_accounts_do_not_touch_each_others_wallet(live_server,
                                                                              demo):
    set_balance("sandbox-full", Decimal("58.08"))  # two orders
    set_balance("sandbox-discount", Decimal("52.28"))  # two at 26.14 (10 % off)
    url = f"{live_server.url}/sandbox/v4/account/orders/create"
    names = ["sandbox-full", "sandbox-discount"] * 5

    def create(i):
        name = names[i]
        response = httpx.post(url, content=json.dumps(SHARED_1000), timeout=60,
                              headers={**auth_headers(name), "Content-Type": "application/json"})
        return name, response.status_code

    results = _all_at_once(len(names), create)

    assert Counter(results) == {("sandbox-full", 200): 2, ("sandbox-full", 400): 3,
                                ("sandbox-discount", 200): 2, ("sandbox-discount", 400): 3}
    assert balance_of("sandbox-full") == Decimal("0.00")
    assert balance_of("sandbox-discount") == Decimal("0.00")
    assert balance_of("sandbox-empty") == Decimal("0.00")


def test_simultaneous_readers_of_a_blocked_order_return_the_money_once(live_server, demo,
                                                                       fast_processing):
    url = f"{live_server.url}/sandbox/v4/account"
    headers = auth_headers("sandbox-full")
    created = httpx.post(f"{url}/orders/create", timeout=30,
                         content=json.dumps({**SHARED_1000, "coupon_code": "SANDBOX-BLOCK"}),
                         headers={**headers, "Content-Type": "application/json"})
    order_id = created.json()["data"]
    assert balance_of("sandbox-full") == Decimal("220.96")
    Order.objects.filter(pk=order_id).update(due=0)  # fall due now, without waiting
    paths = [f"{live_server.url}{status_url(order_id)}", f"{url}/orders/balance",
             f"{url}/subaccounts"] * 4

    def read(i):
        return httpx.get(paths[i], headers=headers, timeout=60).status_code

    assert _all_at_once(len(paths), read) == [200] * len(paths)
    assert Order.objects.get(pk=order_id).status == "blocked"
    assert balance_of("sandbox-full") == Decimal("250.00")
