"""Following an order through the playground until it reaches a terminal status."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from playground import api, money, redaction, sending
from playground.api import ApiError, Credential
from playground.explain import Explanation, explain_api_error
from playground.lru import LRU
from playground.models import Call
from playground.owners import Owner
from playground.spec import RequestSpec

STATUS_TEXT = {
    "paid": "Paid: the wallet was debited; waiting for the processor.",
    "processed": "Processed: the subaccount is ready.",
    "blocked": "Blocked by the fraud or pricing guards.",
    "failed": "Processing failed. Contact support with the order id.",
    "refunded": "Refunded: the subaccount is no longer valid.",
}


def owned_order(owner: Owner, order_id: object) -> Call | None:
    """The create call that placed this order, if the current owner placed it.

    Staff users see everyone's orders; anyone else gets None, which the views turn into a
    404, whether the order exists or not. Who placed an order never changes, so a found
    row is remembered (per process) and a poll costs no lookup.
    """
    order_uuid = sending.uuid_or_none(order_id)
    if order_uuid is None:
        return None
    if owner.staff:
        return _placing_calls(order_uuid).first()
    key = (owner.id, order_uuid)
    call = _owned.get(key)
    if call is None:
        call = _placing_calls(order_uuid).filter(owner=key[0]).first()
        if call is not None:
            _owned.put(key, call)
    return call


def _placing_calls(order_uuid: uuid.UUID):
    return Call.objects.filter(order_id=order_uuid, endpoint="create", outcome="ok")


_owned = LRU(10_000)  # (owner, order id) -> the Call that placed it


def recent_orders(owner: Owner, limit: int = 5) -> list[Call]:
    """This owner's orders worth showing on the page: unfinished ones and the latest."""
    mine = Call.objects.filter(owner=owner.id, endpoint="create",
                               outcome="ok", order_id__isnull=False)
    latest = mine.first()
    unfinished = list(mine.filter(~Q(order_status__in=sending.TERMINAL))[:limit])
    if latest is not None and latest not in unfinished:
        unfinished.insert(0, latest)
    return unfinished[:limit]


@dataclass
class Poll:
    order_id: str
    started: float
    status: str = ""
    data: dict | None = None
    problem: Explanation | None = None
    stop: bool = False  # terminal status, or a problem polling cannot fix
    retry: bool = False  # stopped on a problem that the user can fix, then "Keep waiting"
    timed_out: bool = False
    price: Decimal | None = None  # as the status answer reports it
    currency: str = ""
    timeline: list[tuple[str, datetime | None]] = field(default_factory=list)

    @property
    def elapsed(self) -> float:
        """Seconds this page has been following the order (its patience counts these)."""
        return max(0.0, time.time() - self.started)

    @property
    def since_placed(self) -> float:
        """What the tracker shows: seconds from the order's ``created_at`` to its final
        ``updated_at`` (or to now while it runs), by the API's own timestamps; the time
        followed here when the API gave none."""
        placed = self.timeline[0][1] if self.timeline else None
        if placed is None:
            return self.elapsed
        ended = self.timeline[-1][1] if self.stop and len(self.timeline) > 1 else None
        end = ended.timestamp() if ended is not None else time.time()
        return max(0.0, end - placed.timestamp())

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status, self.status)


def poll(owner: Owner, call: Call, credential: Credential | None, *, started: float) -> Poll:
    result = Poll(order_id=str(call.order_id), started=started, status=call.order_status)
    if credential is None:
        result.problem = Explanation(
            "error", "No token to poll with.", "The token was forgotten or has expired.",
            "Enter the token again, then press “Keep waiting”.")
        result.stop = result.retry = True
        return result
    path = RequestSpec.status(result.order_id).path
    try:
        response = api.get_client().order_status(result.order_id, credential)
    except ApiError as exc:
        if _first_failure(call.order_id, exc.kind):  # an outage is one history row, not many
            sending.record(owner, endpoint="status", method="GET", path=path, result=exc,
                           order_id=result.order_id, auth=credential.auth)
        if exc.kind == "redirect":  # it will not fix itself by waiting
            result.problem = Explanation(
                "error", "The status check was redirected; polling stopped.",
                redaction.redact(exc.message),
                "Check the API base (https, host and path), then press “Keep waiting”.")
            result.stop = result.retry = True
            return result
        result.problem = Explanation(
            "warning", "The last status check failed; still trying.",
            redaction.redact(exc.message))
        _timeout(result)
        return result
    _poll_failures.pop(call.order_id, None)
    if not response.ok or not isinstance(response.data, dict):
        sending.record(owner, endpoint="status", method="GET", path=path, result=response,
                       order_id=result.order_id, auth=credential.auth)
        if response.ok:
            result.problem = Explanation(
                "error", "The status check answered without an order.",
                redaction.redact(response.text[:1000])[:200],
                "The API base may point at something else.")
        else:
            result.problem = explain_api_error(
                response.status_code, redaction.redact(response.error or ""), "status")
            # A new token can fix a 401, time a 429 or a 5xx; a 403 or a 404 stays.
            result.retry = response.status_code in (401, 429) or response.status_code >= 500
        result.status = ""  # no status was read: the page does not claim the last one
        result.stop = True
        return result
    data = response.data
    if isinstance(data.get("block_reason"), str):  # upstream text the page shows
        data = {**data, "block_reason": redaction.redact(data["block_reason"])}
    result.data = data
    result.status = str(data.get("status", ""))
    result.price, result.currency = money.amount(data.get("price")), str(
        data.get("currency", ""))[:12]
    money.record_price(call, data)
    result.timeline = [("paid", when(data.get("created_at")))]
    if result.status != "paid":
        result.timeline.append((result.status, when(data.get("updated_at"))))
    # Only a change writes anything, and only once when two tabs (or two server processes)
    # poll the same order. The row decides, not ``call``: another process may have moved
    # it on since this one remembered ``call`` (see ``owned_order``).
    changed = result.status != call.order_status and Call.objects.filter(
        pk=call.pk).exclude(order_status=result.status[:16]).update(
            order_status=result.status[:16])
    call.order_status = result.status[:16]
    if changed:
        sending.record(owner, endpoint="status", method="GET",
                       path=path, result=response,
                       order_id=result.order_id, order_status=result.status[:16],
                       auth=credential.auth,
                       builder_query=f"endpoint=status&order_id={result.order_id}")
    result.stop = result.status in sending.TERMINAL
    if not result.stop:
        _timeout(result)
    return result


_poll_failures = LRU(10_000)  # order id -> how its polls last failed


def _first_failure(order_id: uuid.UUID | None, kind: str) -> bool:
    """True the first time polls of this order fail this way since they last worked."""
    if _poll_failures.get(order_id) == kind:
        return False
    _poll_failures.put(order_id, kind)
    return True


def when(unix) -> datetime | None:
    """An API timestamp (Unix seconds) as an aware datetime, None if it is not one."""
    if isinstance(unix, bool) or not isinstance(unix, int | float) or unix <= 0:
        return None
    try:
        return datetime.fromtimestamp(unix, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _timeout(result: Poll) -> None:
    if result.elapsed >= settings.ORDER_POLL_PATIENCE:
        result.timed_out = True
        result.stop = True
