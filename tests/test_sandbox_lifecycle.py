"""Order lifecycle: paid -> processed (or blocked, failed), refunds, the proxy list, and
where the money goes at each step (CONTRACT.md sections 3 and 5)."""

from __future__ import annotations

import io
import re
import time
import uuid
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from playground.sandbox import services
from playground.sandbox.models import Order
from tests.test_sandbox_support import (
    BLOCK_REASON,
    PROXY_QUERY,
    SHARED_1000,
    SUBACCOUNT_NOT_FOUND,
    SUBACCOUNTS,
    auth_headers,
    balance_of,
    error,
    move_clock,
    place,
    proxy_list_url,
    status_url,
    wait_until_due,
)

pytestmark = pytest.mark.django_db

START = Decimal("250.00")
PRICE = Decimal("29.04")
PROXY_LINE = re.compile(r"^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}:\d{4,5}$")


def _status(client, order_id, account="sandbox-full"):
    response = client.get(status_url(order_id), headers=auth_headers(account))
    assert response.status_code == 200
    return response.json()["data"]


def _proxy_list(client, order, account="sandbox-full", account_type="datacenter_shared"):
    return client.get(proxy_list_url(order.subaccount_id, account_type), PROXY_QUERY,
                      headers=auth_headers(account))


def _processed(client, monkeypatch, body=SHARED_1000, account="sandbox-full") -> Order:
    """An order placed and then read once its processing time has passed."""
    order_id = place(client, body, account)
    order = Order.objects.get(pk=order_id)
    move_clock(monkeypatch, order.due)
    assert _status(client, order_id, account)["status"] == "processed"
    order.refresh_from_db()
    return order


# --- paid -> processed --------------------------------------------------------------------

def test_a_paid_order_is_processed_after_the_delay_with_its_subaccount(client, demo,
                                                                       fast_processing):
    order_id = place(client)
    order = Order.objects.get(pk=order_id)
    assert order.due - order.created == pytest.approx(0.2)
    assert _status(client, order_id)["status"] == "paid"

    wait_until_due(order_id)
    data = _status(client, order_id)

    assert data == {
        "order_id": order_id,
        "status": "processed",
        "type": "new_datacenter_shared",
        "created_at": int(order.created),
        "updated_at": int(order.due),
        "price": "29.04",
        "currency": "USD",
        "paid_with_credit": True,
        "subaccount": {
            "AccountID": str(order.subaccount_id),
            "AccountType": "datacenter_shared",
            "label": "Datacenter proxies (shared) #1",
            "time_added": int(order.due),
        },
    }
    assert str(uuid.UUID(data["subaccount"]["AccountID"])) == data["subaccount"]["AccountID"]
    assert balance_of("sandbox-full") == START - PRICE  # a processed order keeps the money


def test_processing_takes_the_configured_delay_which_is_under_a_second(client, demo,
                                                                        settings):
    order = Order.objects.get(pk=place(client))

    assert order.due - order.created == pytest.approx(settings.SANDBOX_PROCESSING_DELAY)
    assert settings.SANDBOX_PROCESSING_DELAY < 1


def test_processing_is_derived_from_time_so_every_reader_agrees(client, demo, monkeypatch):
    order_id = place(client)
    order = Order.objects.get(pk=order_id)

    move_clock(monkeypatch, order.due - 0.01)
    assert _status(client, order_id)["status"] == "paid"
    move_clock(monkeypatch, order.due)
    assert _status(client, order_id)["status"] == "processed"
    assert Order.objects.get(pk=order_id).status == "processed"


@pytest.mark.parametrize("body, account_type, label", [
    (SHARED_1000, "datacenter_shared", "Datacenter proxies (shared) #1"),
    ({"type": "new_datacenter_dedicated", "country": "Belgium", "is_subscription": False,
      "days": 30, "proxies[us]": 10, "bandwidth": 0},
     "datacenter_dedicated", "Datacenter proxies (dedicated) #1"),
    ({"type": "new_residential", "country": "Belgium", "bandwidth": 1},
     "residential", "Residential proxies #1"),
    ({"type": "new_residential_unlimited", "country": "Belgium", "location": 1, "days": 1},
     "residential_unlimited", "Residential unlimited #1"),
    ({"type": "new_serp", "country": "Belgium", "requests": 1000, "duration": "30d"},
     "serp", "SERP API requests #1"),
])
def test_every_product_ends_in_a_subaccount_of_its_account_type(client, demo, monkeypatch,
                                                                 body, account_type, label):
    order = _processed(client, monkeypatch, body)

    subaccount = _status(client, order.pk)["subaccount"]

    assert (subaccount["AccountType"], subaccount["label"]) == (account_type, label)
    assert _proxy_list(client, order, account_type=account_type).status_code == 200


def test_subaccount_labels_count_the_accounts_orders(client, demo, monkeypatch):
    first = place(client)
    second = place(client)
    move_clock(monkeypatch, Order.objects.get(pk=second).due)

    labels = [_status(client, pk)["subaccount"]["label"] for pk in (first, second)]

    assert labels == ["Datacenter proxies (shared) #1", "Datacenter proxies (shared) #2"]


# --- scenario coupons: blocked, failed, slow -------------------------------------------------

def test_sandbox_block_ends_blocked_with_a_reason_and_returns_the_money(client, demo,
                                                                        fast_processing):
    order_id = place(client, {**SHARED_1000, "coupon_code": "SANDBOX-BLOCK"})
    order = Order.objects.get(pk=order_id)
    assert _status(client, order_id)["status"] == "paid"
    assert balance_of("sandbox-full") == START - PRICE

    wait_until_due(order_id)
    data = _status(client, order_id)

    assert data == {
        "order_id": order_id,
        "status": "blocked",
        "type": "new_datacenter_shared",
        "created_at": int(order.created),
        "updated_at": int(order.due),
        "price": "29.04",
        "currency": "USD",
        "paid_with_credit": True,
        "subaccount": None,
        "block_reason": BLOCK_REASON,
    }
    assert balance_of("sandbox-full") == START


def test_sandbox_fail_ends_failed_without_a_block_reason_and_returns_the_money(client, demo,
                                                                               monkeypatch):
    order_id = place(client, {**SHARED_1000, "coupon_code": "sandbox-fail"})
    move_clock(monkeypatch, Order.objects.get(pk=order_id).due)

    data = _status(client, order_id)

    assert data["status"] == "failed"
    assert data["subaccount"] is None
    assert "block_reason" not in data
    assert balance_of("sandbox-full") == START


@pytest.mark.parametrize("reader", ["status", "balance", "subaccounts"])
def test_money_comes_back_once_however_often_and_wherever_the_order_is_read(client, demo,
                                                                            monkeypatch,
                                                                            reader):
    order_id = place(client, {**SHARED_1000, "coupon_code": "SANDBOX-BLOCK"})
    move_clock(monkeypatch, Order.objects.get(pk=order_id).due)
    path = {"status": status_url(order_id), "balance": "/sandbox/v4/account/orders/balance",
            "subaccounts": SUBACCOUNTS}[reader]

    for _ in range(3):
        assert client.get(path, headers=auth_headers("sandbox-full")).status_code == 200

    assert Order.objects.get(pk=order_id).status == "blocked"
    assert balance_of("sandbox-full") == START


def test_balance_reflects_returned_money_as_soon_as_the_order_falls_due(client, demo,
                                                                       monkeypatch):
    order_id = place(client, {**SHARED_1000, "coupon_code": "SANDBOX-FAIL"})
    place(client)  # a normal order keeps its money
    move_clock(monkeypatch, Order.objects.get(pk=order_id).due + 5)

    response = client.get("/sandbox/v4/account/orders/balance",
                          headers=auth_headers("sandbox-full"))

    assert response.json()["data"] == {"balance": 220.96, "currency": "USD"}


def test_sandbox_slow_stays_paid_past_the_normal_delay(client, demo, fast_processing,
                                                       monkeypatch):
    order_id = place(client, {**SHARED_1000, "coupon_code": "SANDBOX-SLOW"})
    order = Order.objects.get(pk=order_id)
    assert order.due - order.created == pytest.approx(3.0)

    time.sleep(0.25)  # past the normal 0.2 s
    assert _status(client, order_id)["status"] == "paid"

    move_clock(monkeypatch, order.due - 0.01)  # no need to sleep the rest of the 3 s
    assert _status(client, order_id)["status"] == "paid"
    move_clock(monkeypatch, order.due)
    assert _status(client, order_id)["status"] == "processed"
    assert balance_of("sandbox-full") == START - PRICE


# --- refunds --------------------------------------------------------------------------------

def test_a_refund_sets_refunded_returns_the_money_and_ends_the_proxy_list(client, demo,
                                                                          monkeypatch):
    order = _processed(client, monkeypatch)
    assert _proxy_list(client, order).status_code == 200

    assert services.refund(order.pk) is True

    data = _status(client, order.pk)
    assert data["status"] == "refunded"
    assert type(data["updated_at"]) is int
    assert balance_of("sandbox-full") == START
    response = _proxy_list(client, order)
    assert response.status_code == 404
    assert response.json() == error(SUBACCOUNT_NOT_FOUND)
    subaccounts = client.get(SUBACCOUNTS, headers=auth_headers("sandbox-full")).json()
    assert subaccounts == {"success": True, "data": {"subaccounts": []}}


def test_a_refund_happens_once(client, demo, monkeypatch):
    order = _processed(client, monkeypatch)

    assert services.refund(order.pk) is True
    assert services.refund(order.pk) is False
    assert balance_of("sandbox-full") == START


@pytest.mark.parametrize("coupon, status", [(None, "paid"), ("SANDBOX-BLOCK", "blocked"),
                                            ("SANDBOX-FAIL", "failed")])
def test_only_a_processed_order_can_be_refunded(client, demo, monkeypatch, coupon, status):
    body = SHARED_1000 if coupon is None else {**SHARED_1000, "coupon_code": coupon}
    order_id = place(client, body)
    if status != "paid":
        move_clock(monkeypatch, Order.objects.get(pk=order_id).due)
    expected_balance = START - PRICE if status == "paid" else START

    assert services.refund(order_id) is False

    assert Order.objects.get(pk=order_id).status == status
    assert balance_of("sandbox-full") == expected_balance


def test_the_refund_command_refunds_and_the_proxy_list_is_gone(client, demo, monkeypatch):
    order = _processed(client, monkeypatch)
    out = io.StringIO()

    call_command("sandbox_refund", str(order.pk), stdout=out)

    assert out.getvalue() == f"Refunded {order.pk}: 29.04 USD back to sandbox-full.\n"
    assert _status(client, order.pk)["status"] == "refunded"
    assert balance_of("sandbox-full") == START
    assert _proxy_list(client, order).status_code == 404


def test_the_refund_command_refuses_a_paid_order(client, demo):
    order_id = place(client)

    with pytest.raises(CommandError, match=rf"^Order {order_id} is paid, not processed\.$"):
        call_command("sandbox_refund", order_id, stdout=io.StringIO())
    assert balance_of("sandbox-full") == START - PRICE


def test_the_refund_command_names_the_status_the_order_has_settled_into(client, demo,
                                                                        monkeypatch):
    order_id = place(client, {**SHARED_1000, "coupon_code": "SANDBOX-BLOCK"})
    move_clock(monkeypatch, Order.objects.get(pk=order_id).due)

    with pytest.raises(CommandError, match=rf"^Order {order_id} is blocked, not processed\.$"):
        call_command("sandbox_refund", order_id, stdout=io.StringIO())
    assert balance_of("sandbox-full") == START


@pytest.mark.parametrize("order_id", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
def test_the_refund_command_refuses_an_unknown_order(demo, order_id):
    with pytest.raises(CommandError, match=rf"^No sandbox order {order_id}\.$"):
        call_command("sandbox_refund", order_id, stdout=io.StringIO())


# --- the proxy list --------------------------------------------------------------------------

def test_the_owner_gets_the_proxy_list_as_text_one_ip_port_a_line(client, demo, monkeypatch):
    order = _processed(client, monkeypatch)

    response = _proxy_list(client, order)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) == 100  # a pool of 1000, the sandbox lists at most 100
    assert all(PROXY_LINE.match(line) for line in lines)
    assert _proxy_list(client, order).content == response.content  # stable


def test_the_proxy_list_answers_the_bearer_form_too(client, demo, monkeypatch):
    order = _processed(client, monkeypatch, {"type": "new_residential", "country": "Belgium",
                                             "bandwidth": 1})

    response = client.get(proxy_list_url(order.subaccount_id, "residential"), PROXY_QUERY,
                          headers=auth_headers("sandbox-full", "bearer-token"))

    assert response.status_code == 200
    assert len(response.content.decode().splitlines()) == 10


def test_the_proxy_list_is_for_the_owner_only(client, demo, monkeypatch):
    order = _processed(client, monkeypatch)

    response = _proxy_list(client, order, account="sandbox-discount")

    assert response.status_code == 404
    assert response.json() == error(SUBACCOUNT_NOT_FOUND)


def test_the_proxy_list_needs_the_right_account_type(client, demo, monkeypatch):
    order = _processed(client, monkeypatch)

    response = _proxy_list(client, order, account_type="residential")

    assert response.status_code == 404
    assert response.json() == error(SUBACCOUNT_NOT_FOUND)


@pytest.mark.parametrize("coupon", [None, "SANDBOX-BLOCK", "SANDBOX-FAIL"])
def test_there_is_no_proxy_list_before_processing_or_after_a_block_or_failure(client, demo,
                                                                              monkeypatch,
                                                                              coupon):
    body = SHARED_1000 if coupon is None else {**SHARED_1000, "coupon_code": coupon}
    order = Order.objects.get(pk=place(client, body))
    if coupon:
        move_clock(monkeypatch, order.due)

    response = _proxy_list(client, order)

    assert response.status_code == 404
    assert response.json() == error(SUBACCOUNT_NOT_FOUND)


def test_an_unknown_subaccount_has_no_proxy_list(client, demo):
    response = client.get(proxy_list_url(uuid.uuid4(), "datacenter_shared"), PROXY_QUERY,
                          headers=auth_headers("sandbox-full"))

    assert response.status_code == 404
    assert response.json() == error(SUBACCOUNT_NOT_FOUND)
