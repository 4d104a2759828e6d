"""History: every call this owner sent, newest first, with filters."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from playground import paging, replay, sending
from playground.models import (
    ENDPOINT_CHOICES,
    HTTP_STATUS_CHOICES,
    ORDER_STATUS_CHOICES,
    Call,
    charged_totals,
)
from playground.owners import owner_for
from playground.sandbox.numbers import whole
from playground.views._shared import HtmxHttpRequest
from playground.web.sandbox_url import sandbox_api_base

HISTORY_PAGE = 50


@require_GET
def history(request: HtmxHttpRequest) -> HttpResponse:
    """Every call this owner sent (staff: everyone's), newest first, with filters; pages
    by cursor (Newer / Older), so no page counts the owner's calls."""
    visible = Call.objects.visible_to(owner_for(request)).select_related("user")
    # Creates the server lost in a crash become "outcome unknown": everyone's at once, as
    # that reads only the few pending rows (a partial index); an owner's filter would not.
    sending.settle_stale(Call.objects.all())
    filters = {
        "endpoint": request.GET.get("endpoint", ""),
        "http_status": request.GET.get("http_status", ""),
        "order_status": request.GET.get("order_status", ""),
    }
    page = paging.page(visible.filtered(**filters), size=HISTORY_PAGE,
                       before=request.GET.get("before", ""), after=request.GET.get("after", ""))
    statuses = [str(status) for status in HTTP_STATUS_CHOICES]
    if whole(filters["http_status"], low=0, high=99_999, digits=5) is not None \
            and filters["http_status"] not in statuses:
        statuses.append(filters["http_status"])  # a status from a link: shown as chosen
    sandbox_base = sandbox_api_base(request)  # as the builder's snippets say
    rows = [(call, replay.curl(call, base_url=sandbox_base if call.environment == "sandbox"
                               else call.base_url))
            for call in page.object_list]
    return TemplateResponse(request, "playground/history.html", {
        "page": page, "filters": filters, "rows": rows,
        "endpoint_choices": ENDPOINT_CHOICES,
        "order_status_choices": ORDER_STATUS_CHOICES,
        "status_choices": statuses,
        "charged_totals": charged_totals(page),
    })
