"""The sandbox keeps its newest SANDBOX_ORDER_LIMIT orders (all accounts together), by
itself: placing an order then removes older ones past the limit, at most once every
RETENTION_SWEEP_INTERVAL seconds per process, at most SWEEP_BATCH orders a time.

An order still ``paid`` (its processing not yet done) is never removed, whatever its age:
its wallet was debited and its outcome (a refund for blocked and failed ones) is still to
come. Finished orders (processed, blocked, failed, refunded) past the limit go; a removed
processed order's subaccount leaves the subaccount list and its proxy list answers 404,
as for a subaccount the account never had."""

from __future__ import annotations

from django.conf import settings

from playground.intervals import Interval
from playground.sandbox.models import Order

SWEEP_BATCH = 5000
interval = Interval("RETENTION_SWEEP_INTERVAL")  # this process's sweeps
due = interval.due


def sweep_orders() -> int:
    """Remove finished orders older than the newest SANDBOX_ORDER_LIMIT; how many."""
    limit = settings.SANDBOX_ORDER_LIMIT
    if limit <= 0:
        return 0
    newest = Order.objects.order_by("-created").values_list("created", flat=True)
    edge = next(iter(newest[limit - 1:limit]), None)  # the oldest order kept for sure
    if edge is None:
        return 0
    old = Order.objects.filter(created__lt=edge).exclude(status=Order.PAID).order_by("created")
    ids = list(old.values_list("id", flat=True)[:SWEEP_BATCH])
    return Order.objects.filter(pk__in=ids).delete()[0] if ids else 0


def after_write() -> None:
    if due():
        sweep_orders()
