"""The sandbox console's journal pages: a sandbox's calls newest first with filters (new
ones arrive by polling), and one call in full with Open in builder, Compare and cURL."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from playground import journal_console
from playground.owners import owner_for
from playground.sandbox import chaos, sandboxes
from playground.sandbox.models import JournalEntry, Sandbox
from playground.sandbox.numbers import whole
from playground.sandbox.views import current_sandbox
from playground.views._shared import HtmxHttpRequest

PAGE = 50
STATUS_CHOICES = (200, 400, 401, 403, 404, 405, 429, 500, 502, 503)


def visible_sandbox(request: HtmxHttpRequest, sandbox_id: int) -> Sandbox:
    """The sandbox, if the sandbox is on and this owner may see it; else a 404."""
    if not settings.SANDBOX_ENABLED:
        raise Http404("The sandbox is turned off.")
    found = sandboxes.viewable(owner_for(request), sandbox_id)
    if found is None:
        raise Http404("No such sandbox of yours.")
    return found


def _filters(request: HtmxHttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "")[:64] for name in ("endpoint", "status", "account")}


def _rows(request: HtmxHttpRequest, sandbox: Sandbox, filters: dict[str, str], *,
          after: int = 0) -> list[dict]:
    """The newest entries past ``after``, each with its builder link and cURL text."""
    entries = JournalEntry.objects.filter(sandbox=sandbox, id__gt=after).filtered(**filters)
    origin = f"{request.scheme}://{request.get_host()}"
    return [{"entry": entry, "builder_url": journal_console.builder_url(entry),
             "curl": journal_console.as_curl(entry, origin)}
            for entry in entries.order_by("-id")[:PAGE]]


@require_GET
def current(request: HtmxHttpRequest, page: str) -> HttpResponse:
    """The console's links: this page of the sandbox the console shows (the owner's
    current one)."""
    if not settings.SANDBOX_ENABLED:
        raise Http404("The sandbox is turned off.")
    target = {"journal": "playground:sandbox_journal", "faults": "playground:sandbox_faults"}
    if page not in target:
        raise Http404("No such page.")
    return redirect(target[page], sandbox_id=current_sandbox(request, owner_for(request)).pk)


@require_GET
def journal_page(request: HtmxHttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = visible_sandbox(request, sandbox_id)
    filters = _filters(request)
    entries = _rows(request, sandbox, filters)
    accounts = sorted(set(sandbox.accounts.values_list("name", flat=True)))
    owner = owner_for(request)
    return TemplateResponse(request, "sandbox/journal.html", {
        "sandbox": sandbox, "staff_view": owner.staff and sandbox.owner not in (
            owner.id, Sandbox.PUBLIC_OWNER), "entries": entries, "filters": filters,
        "newest": entries[0]["entry"].pk if entries else 0,
        "endpoints": [e for e in chaos.ENDPOINTS if e != "any"] + ["other"],
        "statuses": STATUS_CHOICES, "accounts": accounts,
    })


@require_GET
def journal_rows(request: HtmxHttpRequest, sandbox_id: int) -> HttpResponse:
    """Polled by the page: the entries newer than ``after`` (204 when there are none), and
    the poller again with the new ``after``."""
    sandbox = visible_sandbox(request, sandbox_id)
    after = whole(request.GET.get("after", "0"), low=0, high=10**18 - 1, digits=18)
    if after is None:
        return HttpResponse("after must be an entry id.", status=400)
    filters = _filters(request)
    entries = _rows(request, sandbox, filters, after=after)
    if not entries:
        return HttpResponse(status=204)
    return TemplateResponse(request, "sandbox/_journal_rows.html", {
        "sandbox": sandbox, "entries": entries, "filters": filters,
        "newest": entries[0]["entry"].pk, "oob": True})


@require_GET
def journal_entry(request: HtmxHttpRequest, sandbox_id: int, entry_id: int) -> HttpResponse:
    sandbox = visible_sandbox(request, sandbox_id)
    entry = get_object_or_404(JournalEntry, sandbox=sandbox, pk=entry_id)
    origin = f"{request.scheme}://{request.get_host()}"
    return TemplateResponse(request, "sandbox/journal_entry.html", {
        "sandbox": sandbox, "entry": entry,
        "body": journal_console.body_text(entry),
        "answer": bytes(entry.response_body).decode("utf-8", errors="replace"),
        "builder_url": journal_console.builder_url(entry),
        "comparison": journal_console.compare(entry),
        "curl": journal_console.as_curl(entry, origin),
    })
