"""The playground's views: thin glue between forms, snippets, the API client and templates."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from playground import __version__, api


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 once the database answers a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": "ok", "version": __version__,
                         "api": "sandbox" if api.is_sandbox() else "live"})
