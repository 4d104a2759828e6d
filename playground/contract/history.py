"""Which History rows a request may export or check: the one place this package asks
who owns what, so a change in how owners are resolved is a change here only."""

from __future__ import annotations

from django.db.models import QuerySet

from playground import sending
from playground.models import Call


def visible_calls(request) -> QuerySet[Call]:
    """The calls this request's owner sees in History (staff: everyone's)."""
    calls = Call.objects.all()
    if not sending.sees_everyone(request):
        calls = calls.filter(owner=sending.owner_id(request))
    return calls
