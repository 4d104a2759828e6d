"""Rows for `make bench`'s growth rows, written through the ORM into the bench's own
database (the environment names it): `fill.py history N` gives the owner of the newest
history row N calls in all; `fill.py orders N` gives the sandbox N orders in all."""

from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from playground.models import Call  # noqa: E402
from playground.sandbox.models import Account, Order  # noqa: E402

BATCH = 5000
ENDPOINTS = ("create", "status", "balance")
STATUSES = (200, 200, 200, 400, 401, None)
ORDER_STATUSES = ("processed", "processed", "blocked", "failed", "refunded")


def fill_history(total: int) -> None:
    owner = Call.objects.order_by("-id").values_list("owner", flat=True).first()
    have = Call.objects.filter(owner=owner).count()
    start = timezone.now() - timedelta(days=30)
    step = timedelta(days=29) / max(total, 1)
    while have < total:
        rows = []
        for n in range(have, min(total, have + BATCH)):
            endpoint = ENDPOINTS[n % 3]
            rows.append(Call(
                owner=owner, environment="sandbox", base_url="http://bench.invalid",
                endpoint=endpoint, method="GET", path=f"/v4/account/orders/{n}",
                http_status=STATUSES[n % len(STATUSES)], duration_ms=12.0, outcome="ok",
                response_body='{"success": true}',
                order_id=uuid.uuid4() if endpoint == "create" else None,
                order_status=ORDER_STATUSES[n % 5] if endpoint == "create" else "",
                created=start + step * n))
        made = Call.objects.bulk_create(rows)
        # auto_now_add ignored the times given: one time per batch, in the last month.
        Call.objects.filter(id__gte=made[0].pk, id__lte=made[-1].pk).update(
            created=start + step * have)
        have += len(rows)


def fill_orders(total: int) -> None:
    account = Account.objects.get(name="sandbox-full")
    have = Order.objects.count()
    now = time.time()
    while have < total:
        rows = [Order(account=account, sandbox_id=account.sandbox_id,
                      type="new_datacenter_shared", body={}, received="{}",
                      price="24.00", email="bench@example.com",
                      status=ORDER_STATUSES[n % 5], outcome="processed",
                      created=now - 86400 * 30 + n, due=now - 86400 * 30 + n + 1,
                      updated=now - 86400 * 30 + n + 1, subaccount_number=n + 1,
                      pool_size=1000)
                for n in range(have, min(total, have + BATCH))]
        Order.objects.bulk_create(rows)
        have += len(rows)


if __name__ == "__main__":
    {"history": fill_history, "orders": fill_orders}[sys.argv[1]](int(sys.argv[2]))
