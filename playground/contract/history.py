"""Which History rows a request may export or check: the one place this package asks
who owns what, so a change in how owners are resolved is a change here only."""

from __future__ import annotations

from django.http import HttpRequest

from playground.models import Call, CallQuerySet
from playground.owners import owner_for


def visible_calls(request: HttpRequest) -> CallQuerySet:
    """The calls this request's owner sees in History (staff: everyone's)."""
    return Call.objects.visible_to(owner_for(request))
