"""History: every call the playground sent, for whom, and what came back. Never a token."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Sum

from playground.spec import ENDPOINTS, ORDER_STATUSES

if TYPE_CHECKING:
    from playground.owners import Owner

RESPONSE_CAP = 64 * 1024  # characters of a response body kept in history
# What History can filter on: the builder's endpoints and the proxy list; every order status.
ENDPOINT_CHOICES = (*ENDPOINTS, "proxy-list")
ORDER_STATUS_CHOICES = ORDER_STATUSES
MONEY_RETURNED = ("blocked", "failed", "refunded")  # order statuses that gave the money back


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

    def charged_totals(self) -> list[tuple[str, Decimal, str]]:
        """(environment, total, currency) of what the orders among these calls cost, their
        price as the status answer gave it; blocked, failed and refunded orders gave the
        money back, so they do not count."""
        rows = (self.filter(endpoint="create", price__isnull=False)
                .exclude(order_status__in=MONEY_RETURNED)
                .order_by().values("environment", "currency").annotate(total=Sum("price"))
                .order_by("environment", "currency"))
        # SQLite sums decimals in floating point: back to cents
        return [(r["environment"], Decimal(r["total"]).quantize(Decimal("0.01")), r["currency"])
                for r in rows]

    def http_statuses(self) -> list[int]:
        """The HTTP statuses among these calls, for the filter's choices."""
        statuses = self.filter(http_status__isnull=False).values_list("http_status", flat=True)
        return sorted({status for status in statuses if status is not None})


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
