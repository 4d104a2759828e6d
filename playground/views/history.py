"""History: every call this owner sent, newest first, with filters."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from playground import sending
from playground.models import ENDPOINT_CHOICES, ORDER_STATUS_CHOICES, Call
from playground.owners import owner_for
from playground.views._shared import HtmxHttpRequest

HISTORY_PAGE = 50


@require_GET
def history(request: HtmxHttpRequest) -> HttpResponse:
    """Every call this owner sent (staff: everyone's), newest first, with filters."""
    visible = Call.objects.visible_to(owner_for(request)).select_related("user")
    sending.settle_stale(visible)  # creates the server lost in a crash: outcome unknown
    filters = {
        "endpoint": request.GET.get("endpoint", ""),
        "http_status": request.GET.get("http_status", ""),
        "order_status": request.GET.get("order_status", ""),
    }
    calls = visible.filtered(**filters)
    page = Paginator(calls, HISTORY_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "playground/history.html", {
        "page": page, "filters": filters,
        "endpoint_choices": ENDPOINT_CHOICES,
        "order_status_choices": ORDER_STATUS_CHOICES,
        "status_choices": visible.http_statuses(),
        "charged_totals": calls.charged_totals(),
    })
