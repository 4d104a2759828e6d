"""The sandbox through the playground's own client: in process (``api.get_client()`` with
``SandboxTransport``), once per endpoint, and over real loopback HTTP (``live_api``)."""

from __future__ import annotations

import json
import time
import uuid
from decimal import Decimal

import httpx
import pytest

from playground import api
from playground.sandbox import services
from playground.sandbox.models import Account, Order
from tests.test_sandbox_support import (
    BAD_BODY,
    INSUFFICIENT,
    NO_READ_BALANCE,
    NO_WRITE,
    ORDER_NOT_FOUND,
    PRICING,
    SHARED_1000,
    SUBACCOUNT_NOT_FOUND,
    UNAUTHENTICATED,
    balance_of,
    error,
    move_clock,
)

FULL = api.Credential("sandbox-full")
FULL_BEARER = api.Credential("sandbox-full", auth="bearer")


@pytest.fixture
def in_process(settings, db, demo) -> api.AccountApi:
    settings.PROXYSCRAPE_API_BASE = ""  # the embedded sandbox, in this process
    client = api.get_client()
    assert isinstance(client._client._transport, api.SandboxTransport)
    return client


def _jwt(name: str) -> api.Credential:
    return api.Credential(services.issue_jwt(Account.objects.get(name=name), lifetime=900),
                          auth="bearer")


# --- in process: each endpoint once ---------------------------------------------------------

def test_in_process_create_order(in_process):
    response = in_process.create_order(SHARED_1000, FULL)

    assert response.status_code == 200
    assert response.payload == {"success": True, "data": str(Order.objects.get().pk)}
    assert balance_of("sandbox-full") == Decimal("220.96")


def test_in_process_order_status(in_process):
    order_id = in_process.create_order(SHARED_1000, FULL).data
    order = Order.objects.get(pk=order_id)

    response = in_process.order_status(order_id, FULL_BEARER)

    assert response.status_code == 200
    assert response.payload == {"success": True, "data": {
        "order_id": order_id, "status": "paid", "type": "new_datacenter_shared",
        "created_at": int(order.created), "updated_at": int(order.created), "price": "29.04",
        "currency": "USD", "paid_with_credit": True, "subaccount": None}}


def test_in_process_balance(in_process):
    response = in_process.balance(_jwt("sandbox-readonly"))

    assert response.payload == {"success": True, "data": {"balance": 50.0, "currency": "USD"}}


def test_in_process_me(in_process):
    response = in_process.me(FULL)

    assert response.payload == {"success": True, "data": {
        "email": "sandbox-full@example.com", "fname": "Sandbox", "lname": "Full",
        "api_ordering_discount": 0,
        "permissions": ["account:api_ordering:read", "account:api_ordering:write"]}}


def test_in_process_subaccounts(in_process, monkeypatch):
    order_id = in_process.create_order(SHARED_1000, FULL).data
    order = Order.objects.get(pk=order_id)
    move_clock(monkeypatch, order.due)

    response = in_process.subaccounts(FULL)

    assert response.payload == {"success": True, "data": {"subaccounts": [{
        "AccountID": str(order.subaccount_id), "AccountType": "datacenter_shared",
        "label": "Datacenter proxies (shared) #1", "time_added": int(order.due)}]}}


def test_in_process_proxy_list(in_process, monkeypatch):
    order_id = in_process.create_order(SHARED_1000, FULL).data
    order = Order.objects.get(pk=order_id)
    move_clock(monkeypatch, order.due)

    status, text = in_process.proxy_list(str(order.subaccount_id), "datacenter_shared", FULL)
    other = in_process.proxy_list(str(order.subaccount_id), "datacenter_shared",
                                  api.Credential("sandbox-discount"))

    assert status == 200
    assert len(text.splitlines()) == 100
    assert other == (404, SUBACCOUNT_NOT_FOUND)


def test_in_process_errors_keep_their_status_and_text(in_process):
    assert in_process.balance(api.Credential("nobody")).payload == error(UNAUTHENTICATED)
    assert in_process.balance(api.Credential("sandbox-writeonly")).status_code == 403
    assert in_process.create_order(SHARED_1000, api.Credential("sandbox-empty")).payload == \
        error(INSUFFICIENT)
    assert in_process.order_status(str(uuid.uuid4()), FULL).payload == error(ORDER_NOT_FOUND)


# --- over real HTTP ---------------------------------------------------------------------------

@pytest.mark.parametrize("credential", [FULL, FULL_BEARER], ids=["api-token", "bearer"])
def test_over_http_an_order_is_placed_read_and_paid_for(live_api, settings, credential):
    # Paid until the test says otherwise: two HTTP calls never race the processing delay.
    settings.SANDBOX_PROCESSING_DELAY = 600
    created = live_api.create_order(SHARED_1000, credential)
    assert created.status_code == 200
    order_id = created.data
    assert live_api.order_status(order_id, credential).data["status"] == "paid"

    Order.objects.filter(pk=order_id).update(due=time.time() - 1)  # it falls due now
    status = live_api.order_status(order_id, credential)
    balance = live_api.balance(credential)

    assert status.status_code == 200
    assert status.data["status"] == "processed"
    assert status.data["price"] == "29.04"
    subaccount = status.data["subaccount"]
    assert subaccount["AccountType"] == "datacenter_shared"
    assert balance.payload == {"success": True, "data": {"balance": 220.96, "currency": "USD"}}
    code, text = live_api.proxy_list(subaccount["AccountID"], "datacenter_shared", credential)
    assert code == 200
    assert len(text.splitlines()) == 100


def test_over_http_a_console_jwt_authenticates(live_api):
    response = live_api.me(_jwt("sandbox-discount"))

    assert response.status_code == 200
    assert response.data["api_ordering_discount"] == 10


def test_over_http_the_documented_errors_arrive_intact(live_api):
    expired = api.Credential(services.issue_jwt(Account.objects.get(name="sandbox-full"),
                                                lifetime=-60), auth="bearer")
    cases = [
        (live_api.balance(api.Credential("nobody", auth="bearer")), 401, UNAUTHENTICATED),
        (live_api.balance(expired), 401, UNAUTHENTICATED),
        (live_api.create_order(SHARED_1000, api.Credential("sandbox-readonly")), 403, NO_WRITE),
        (live_api.balance(api.Credential("sandbox-disabled")), 403, NO_READ_BALANCE),
        (live_api.create_order({**SHARED_1000, "days": 31}, FULL), 400, PRICING),
        (live_api.create_order(SHARED_1000, api.Credential("sandbox-empty")), 400,
         INSUFFICIENT),
        (live_api.order_status(str(uuid.uuid4()), FULL), 404, ORDER_NOT_FOUND),
    ]

    for response, status, message in cases:
        assert (response.status_code, response.payload) == (status, error(message))
    assert Order.objects.count() == 0


@pytest.mark.parametrize("raw", [b"", b"\xff\xfe\x00{", b"[]", json.dumps([SHARED_1000]).encode(),
                                 b'{"type": "new_datacenter_shared", "days": 1e999}'],
                         ids=["empty", "not utf-8", "empty array", "array", "infinity"])
def test_over_http_a_malformed_body_is_a_json_400_and_moves_no_money(live_server, demo, raw):
    response = httpx.post(f"{live_server.url}/sandbox/v4/account/orders/create", content=raw,
                          headers={"api-token": "sandbox-full",
                                   "Content-Type": "application/json"}, timeout=30)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == error(BAD_BODY)
    assert Order.objects.count() == 0
    assert balance_of("sandbox-full") == Decimal("250.00")


def test_over_http_a_wrong_method_is_a_json_405(live_server, demo):
    response = httpx.get(f"{live_server.url}/sandbox/v4/account/orders/create",
                         headers={"api-token": "sandbox-full"}, timeout=30)

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == error("Method GET is not allowed here.")


def test_over_http_the_proxy_list_of_an_unknown_subaccount_is_a_404(live_api):
    assert live_api.proxy_list(str(uuid.uuid4()), "datacenter_shared", FULL) == (
        404, SUBACCOUNT_NOT_FOUND)
