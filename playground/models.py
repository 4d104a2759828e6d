"""History: every call the playground sent, for whom, and what came back. Never a token."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models

RESPONSE_CAP = 64 * 1024  # characters of a response body kept in history


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
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True,
                                      help_text="One per rendered form: a repeat is not resent.")

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
