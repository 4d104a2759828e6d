"""A sandbox's clock, which its owner controls: automatic (paid orders end after the
configured delay) or held (they stay paid until released, settled by hand, or the clock is
advanced past their due time).

No worker runs: the clock is two stored numbers per sandbox (``Sandbox.clock_now``), and
an order ends when it is read after its due time on that clock (``services.settle``), so
every server process agrees. Each change is one UPDATE, safe from any number of processes.
"""

from __future__ import annotations

import time
import uuid

from django.db.models import F

from playground.sandbox import services
from playground.sandbox.models import Order, Sandbox

ADVANCE_MAX = 86400  # seconds one advance may move the clock (one day)
SETTLE_AS = (Order.PROCESSED, Order.BLOCKED, Order.FAILED)
BLOCK_REASON_BY_HAND = "Blocked by the sandbox's owner (settled by hand in the console)."


def hold(sandbox: Sandbox) -> None:
    """Stop the clock where it stands: paid orders stay paid."""
    if not sandbox.held:
        Sandbox.objects.filter(pk=sandbox.pk, held=False).update(
            held=True, frozen_at=sandbox.clock_now(time.time()))


def resume(sandbox: Sandbox) -> None:
    """Run the clock again, caught up with the real one (plus any advance): orders whose
    delay has passed end at once, the others after the rest of it."""
    Sandbox.objects.filter(pk=sandbox.pk).update(held=False, frozen_at=None)


def advance(sandbox: Sandbox, seconds: int) -> None:
    """Move the clock on by ``seconds`` (1 to ``ADVANCE_MAX``), held or not; orders that
    fall due by then end (when next read)."""
    if not 1 <= seconds <= ADVANCE_MAX:
        raise ValueError(seconds)
    Sandbox.objects.filter(pk=sandbox.pk).update(
        clock_offset=F("clock_offset") + seconds, frozen_at=F("frozen_at") + seconds)


def release(sandbox: Sandbox, order_id: uuid.UUID | None = None) -> int:
    """End one paid order of ``sandbox`` (or, with no id, every one) as its own outcome
    would, now; how many ended."""
    paid = Order.objects.filter(sandbox=sandbox, status=Order.PAID)
    if order_id is not None:
        paid = paid.filter(pk=order_id)
    now = time.time()
    return sum(services.finish(order, order.outcome, updated=max(order.created, now))
               for order in paid.only("id", "outcome", "created", "price", "account_id"))


def settle_now(sandbox: Sandbox, order_id: uuid.UUID, outcome: str) -> bool:
    """End one paid order of ``sandbox`` now as ``outcome`` (processed, blocked or failed),
    whatever its coupon chose; False when it is not a paid order of that sandbox."""
    if outcome not in SETTLE_AS:
        raise ValueError(outcome)
    order = Order.objects.filter(sandbox=sandbox, status=Order.PAID, pk=order_id).first()
    if order is None:
        return False
    reason = (order.block_reason or BLOCK_REASON_BY_HAND) if outcome == Order.BLOCKED else ""
    return services.finish(order, outcome, updated=max(order.created, time.time()),
                           block_reason=reason)
