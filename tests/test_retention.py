"""Retention, applied by the server itself on writes: history past HISTORY_RETENTION_DAYS,
sandbox orders past SANDBOX_ORDER_LIMIT (never one still paid), each at most once an
interval per process. Expired sessions: tests/test_sessions.py."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from playground import retention
from playground.models import Call
from playground.sandbox import retention as sandbox_retention
from playground.sandbox.models import Order
from tests.live_support import BALANCE_FIELDS, send, use_token
from tests.test_sandbox_support import place


@pytest.fixture
def sweep_every_write(settings):
    settings.RETENTION_SWEEP_INTERVAL = 0
    return settings


def old_call(days: float, path: str) -> Call:
    call = Call.objects.create(owner="session:old", environment="sandbox", base_url="x",
                               endpoint="balance", method="GET", path=path, outcome="ok")
    Call.objects.filter(pk=call.pk).update(created=timezone.now() - timedelta(days=days))
    return call


def test_sending_a_call_deletes_history_older_than_the_retention_days(
        client, demo, sweep_every_write):
    old_call(91, "/old")
    old_call(89, "/kept")
    use_token(client, "sandbox-full")
    send(client, BALANCE_FIELDS)
    assert sorted(Call.objects.values_list("path", flat=True)) == [
        "/kept", "/v4/account/orders/balance"]


def test_history_retention_follows_its_setting_and_zero_keeps_everything(
        db, sweep_every_write):
    old_call(400, "/ancient")
    old_call(10, "/recent")
    sweep_every_write.HISTORY_RETENTION_DAYS = 0
    assert retention.sweep_history() == 0
    sweep_every_write.HISTORY_RETENTION_DAYS = 5
    assert retention.sweep_history() == 2
    assert not Call.objects.exists()


def test_one_history_sweep_deletes_at_most_a_batch_oldest_first(db, sweep_every_write,
                                                                 monkeypatch):
    for n in range(5):
        old_call(200 - n, f"/{n}")
    monkeypatch.setattr(retention, "SWEEP_BATCH", 2)
    assert retention.sweep_history() == 2
    assert sorted(Call.objects.values_list("path", flat=True)) == ["/2", "/3", "/4"]


def test_a_process_sweeps_at_most_once_an_interval(db, settings, monkeypatch):
    settings.RETENTION_SWEEP_INTERVAL = 3600
    retention.interval.reset()
    assert retention.due() is True
    assert retention.due() is False
    sandbox_retention.interval.reset()
    assert sandbox_retention.due() is True
    assert sandbox_retention.due() is False


def finished(order_id: str, status: str, age: float) -> None:
    Order.objects.filter(pk=order_id).update(status=status, created=time.time() - age)


def test_placing_an_order_removes_finished_orders_beyond_the_limit_but_never_a_paid_one(
        client, demo, sweep_every_write):
    sweep_every_write.SANDBOX_ORDER_LIMIT = 2
    statuses = ["processed", "blocked", "failed", "refunded", "paid"]
    ids = {}
    for n, status in enumerate(statuses):
        ids[status] = place(client)
        finished(ids[status], status, age=1000 - n)
    Order.objects.filter(pk=ids["paid"]).update(due=time.time() + 3600)  # still processing
    newest = place(client)  # the sweep runs after this order is written
    kept = set(Order.objects.values_list("id", flat=True))
    # The newest two (the new one and the paid one) stay, and so would any paid order.
    assert {str(k) for k in kept} == {newest, ids["paid"]}
    old_paid = ids["paid"]
    finished(old_paid, "paid", age=5000)
    place(client)
    assert old_paid in {str(k) for k in Order.objects.values_list("id", flat=True)}


def test_the_sandbox_order_limit_zero_keeps_every_order(client, demo, sweep_every_write):
    sweep_every_write.SANDBOX_ORDER_LIMIT = 0
    for _ in range(3):
        finished(place(client), "processed", age=10_000)
    assert sandbox_retention.sweep_orders() == 0
    assert Order.objects.count() == 3


def test_a_removed_orders_subaccount_is_gone_from_the_api(client, demo, sweep_every_write):
    from tests.test_sandbox_support import SUBACCOUNTS, auth_headers, proxy_list_url
    sweep_every_write.SANDBOX_ORDER_LIMIT = 1
    first = place(client)
    finished(first, "processed", age=100)
    subaccount = Order.objects.get(pk=first).subaccount_id
    place(client)
    headers = auth_headers("sandbox-full")
    assert client.get(proxy_list_url(subaccount, "datacenter_shared"),
                      headers=headers).status_code == 404
    listed = client.get(SUBACCOUNTS, headers=headers).json()["data"]["subaccounts"]
    assert str(subaccount) not in [s["AccountID"] for s in listed]
