"""History is kept for HISTORY_RETENTION_DAYS, by the server itself: writing a history
row then deletes rows past that age, at most once every RETENTION_SWEEP_INTERVAL seconds
per process (the pattern of the session sweep in web/sessions.py), so nobody runs a cron
job or a worker. One sweep deletes at most SWEEP_BATCH rows, oldest first, so a first
sweep over years of history is spread over several writes instead of one long delete."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from playground.intervals import Interval
from playground.models import Call

SWEEP_BATCH = 5000
interval = Interval("RETENTION_SWEEP_INTERVAL")  # this process's sweeps
due = interval.due


def sweep_history() -> int:
    """Delete history older than the retention period (oldest first, one batch); how many."""
    if settings.HISTORY_RETENTION_DAYS <= 0:
        return 0
    cutoff = timezone.now() - timedelta(days=settings.HISTORY_RETENTION_DAYS)
    old = Call.objects.filter(created__lt=cutoff).order_by("created", "id")
    ids = list(old.values_list("id", flat=True)[:SWEEP_BATCH])
    return Call.objects.filter(pk__in=ids).delete()[0] if ids else 0


def after_write() -> None:
    """Called after a history row is written: sweep when this process is due."""
    if due():
        sweep_history()
