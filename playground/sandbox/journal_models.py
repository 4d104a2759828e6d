"""What a sandbox remembers about the calls it was sent: the journal, and the faults its
owner armed for the next calls. Both belong to a ``Sandbox`` and go with it.

Imported by ``playground.sandbox.models``, so Django registers them with the sandbox app.
"""

from __future__ import annotations

import time

from django.db import models


class JournalQuerySet(models.QuerySet):
    def filtered(self, *, endpoint: str = "", status: str = "",
                 account: str = "") -> JournalQuerySet:
        """The console's filters; a value that cannot match (a status that is no number)
        matches nothing rather than everything."""
        entries = self
        if endpoint:
            entries = entries.filter(endpoint=endpoint[:32])
        if status:
            if not (status.isascii() and status.isdigit() and len(status) <= 3):
                return entries.none()
            entries = entries.filter(status=int(status))
        if account:
            entries = entries.filter(account_name=account[:64])
        return entries


class JournalEntry(models.Model):
    """One call that reached the sandbox API, as it arrived and as it was answered.

    The credential is never stored: ``auth`` is its form (``api-token``, ``bearer`` or
    ``none``) and ``hint`` its last characters. ``body`` holds the request body's bytes
    exactly, up to ``SANDBOX_JOURNAL_BODY_BYTES`` (``body_size`` is the full length).
    """

    sandbox = models.ForeignKey("sandbox.Sandbox", on_delete=models.CASCADE,
                                related_name="journal")
    account = models.ForeignKey("sandbox.Account", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    account_name = models.CharField(max_length=64, blank=True)
    time = models.FloatField(default=time.time)
    client = models.CharField(max_length=64, blank=True, help_text="The caller's address.")
    method = models.CharField(max_length=16)
    path = models.TextField(help_text="Path and query, as received.")
    endpoint = models.CharField(max_length=32, blank=True)
    headers = models.JSONField(default=list, help_text="[name, value] pairs, masked.")
    auth = models.CharField(max_length=16, default="none")
    hint = models.CharField(max_length=8, blank=True)
    body = models.BinaryField(default=b"")
    body_size = models.PositiveIntegerField(default=0)
    status = models.PositiveSmallIntegerField(default=0)
    response_body = models.BinaryField(default=b"")
    response_size = models.PositiveIntegerField(default=0)
    duration_ms = models.FloatField(default=0)
    fault = models.CharField(max_length=32, blank=True, help_text="The fault injected, if any.")

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["sandbox", "id"], name="sandbox_journal_feed")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class ArmedFault(models.Model):
    """A fault for the next ``remaining`` calls to ``endpoint`` (``any``: every endpoint)
    of its sandbox. A call takes one with a conditional UPDATE, so each fires once."""

    sandbox = models.ForeignKey("sandbox.Sandbox", on_delete=models.CASCADE,
                                related_name="armed_faults")
    kind = models.CharField(max_length=32)
    endpoint = models.CharField(max_length=32, default="any")
    remaining = models.PositiveIntegerField(default=1)
    fired = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0, help_text="The added latency, or Retry-After.")
    created = models.FloatField(default=time.time)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["sandbox", "remaining"], name="sandbox_fault_armed")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.endpoint} x{self.remaining}"
