"""History: every call the playground sent, for whom, and what came back. Never a token."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from playground.spec import ENDPOINTS, ORDER_STATUSES

if TYPE_CHECKING:
    from playground.owners import Owner

RESPONSE_CAP = 64 * 1024  # characters of a response body kept in history
# What History can filter on: the builder's endpoints and the proxy list; every order status.
ENDPOINT_CHOICES = (*ENDPOINTS, "proxy-list")
ORDER_STATUS_CHOICES = ORDER_STATUSES
MONEY_RETURNED = ("blocked", "failed", "refunded")  # order statuses that gave the money back
# The HTTP statuses the contract names, offered as filter choices without reading the table
# ("none", no answer at all, is offered beside them); any other number still filters.
HTTP_STATUS_CHOICES = (200, 400, 401, 403, 404)


class CallQuerySet(models.QuerySet["Call"]):
    def visible_to(self, owner: Owner) -> CallQuerySet:
        """The calls ``owner`` may see: staff see everyone's, anyone else their own."""
        return self if owner.staff else self.filter(owner=owner.id)

    def filtered(self, *, endpoint: str = "", http_status: str = "",
                 order_status: str = "") -> CallQuerySet:
        """History's filters, as the query string gives them ("" means any). A value that is
        not a choice matches nothing, and never reaches the database (PostgreSQL refuses a
        NUL character in a query parameter); ``http_status`` is a number or ``none``."""
        calls = self
        if endpoint:
            calls = calls.filter(endpoint=endpoint) if endpoint in ENDPOINT_CHOICES \
                else calls.none()
        if re.fullmatch(r"[0-9]{1,5}", http_status):  # not "²" or 5,000 digits
            calls = calls.filter(http_status=int(http_status))
        elif http_status == "none":
            calls = calls.filter(http_status__isnull=True)
        if order_status:
            calls = calls.filter(order_status=order_status) \
                if order_status in ORDER_STATUS_CHOICES else calls.none()
        return calls

    def older_than(self, created, pk: int) -> CallQuerySet:
        """Calls after (``created``, ``pk``) in History's order (newest first). The plain
        ``created <= ...`` bound lets the database walk an index from that point on."""
        return self.filter(models.Q(created__lt=created) | models.Q(created=created, id__lt=pk),
                           created__lte=created)

    def newer_than(self, created, pk: int) -> CallQuerySet:
        """Calls before (``created``, ``pk``) in History's order, oldest of them first."""
        return self.filter(models.Q(created__gt=created) | models.Q(created=created, id__gt=pk),
                           created__gte=created).order_by("created", "id")


class Call(models.Model):
    PENDING = "pending"

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    owner = models.CharField(max_length=64, db_index=True,
                             help_text="The browser session's owner id (not the session key).")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="playground_calls")
    environment = models.CharField(max_length=16)  # "sandbox" or "live"
    base_url = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=16, db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_body = models.JSONField(null=True, blank=True)
    builder_query = models.TextField(blank=True, help_text="Reopens the request in the builder.")
    auth_form = models.CharField(max_length=16, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    duration_ms = models.FloatField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    # The answer's headers (a capped, redacted list of [name, value]) and its size in bytes.
    # Nullable without a default, so SQLite adds the columns without rebuilding the table.
    response_headers = models.JSONField(null=True, blank=True)
    response_bytes = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=24, default=PENDING,
                               help_text="ok, api-error, or the fault kind (see api.ApiError).")
    error = models.TextField(blank=True)
    order_id = models.UUIDField(null=True, blank=True, db_index=True)
    order_status = models.CharField(max_length=16, blank=True, db_index=True)
    price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                help_text="What the order cost, from its first status answer.")
    currency = models.CharField(max_length=12, blank=True)
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True,
                                      help_text="One per rendered form: a repeat is not resent.")

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        # One index per way History reads (an owner's calls newest first, alone or with
        # one filter; staff: everyone's), so a page costs the same at any table size.
        indexes = [
            models.Index(fields=["owner", "-created", "-id"], name="call_owner_recent"),
            models.Index(fields=["owner", "endpoint", "-created", "-id"],
                         name="call_owner_endpoint"),
            models.Index(fields=["owner", "http_status", "-created", "-id"],
                         name="call_owner_http_status"),
            models.Index(fields=["owner", "order_status", "-created", "-id"],
                         name="call_owner_order_status"),
            models.Index(fields=["-created", "-id"], name="call_recent"),
            # The few creates still waiting for an answer (History settles stale ones).
            models.Index(fields=["endpoint", "created"], name="call_pending",
                         condition=models.Q(outcome="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.http_status or self.outcome}"

    def save(self, *args, **kwargs) -> None:
        # Text from an upstream may hold NUL, which PostgreSQL refuses in text columns:
        # history keeps such a character as U+FFFD rather than losing the whole row.
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str) and "\x00" in value:
                setattr(self, name, value.replace("\x00", "\ufffd"))
        super().save(*args, **kwargs)

    @property
    def is_pending(self) -> bool:
        return self.outcome == self.PENDING

    @property
    def request_json(self) -> str:
        return json.dumps(self.request_body, indent=2, ensure_ascii=False)


_TEXT_FIELDS = tuple(f.attname for f in Call._meta.concrete_fields
                     if isinstance(f, (models.CharField, models.TextField)))


def charged_totals(calls: Iterable[Call]) -> list[tuple[str, Decimal, str]]:
    """(environment, total, currency) of what the orders among ``calls`` (the rows a page
    shows, so the cost does not grow with History) cost, at the price their status answer
    gave; blocked, failed and refunded orders gave the money back, so they do not count."""
    totals: dict[tuple[str, str], Decimal] = {}
    for call in calls:
        if call.endpoint == "create" and call.price is not None \
                and call.order_status not in MONEY_RETURNED:
            key = (call.environment, call.currency)
            totals[key] = totals.get(key, Decimal("0")) + call.price
    return [(environment, total, currency)
            for (environment, currency), total in sorted(totals.items())]
