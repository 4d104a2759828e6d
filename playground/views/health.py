"""The health check a container's HEALTHCHECK (and any monitor) calls."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from playground import __version__, api


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 once the database answers a query. A plain ``HttpRequest``: the health-check
    middleware calls it before the rest of the stack (django-htmx included) has run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": "ok", "version": __version__,
                         "api": "sandbox" if api.is_sandbox() else "live"})
