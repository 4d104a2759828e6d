"""``GET <sandbox base>/journal?since=<entry id>``: the journal as JSON, for the team's own
tests. Any token of a sandbox (``api-token`` header or ``Authorization: Bearer``, a JWT
included) reads that sandbox's journal, and only it; oldest first, a page at a time."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from playground.sandbox import journal, services
from playground.sandbox.api_views import NOT_ALLOWED, fail, ok
from playground.sandbox.numbers import whole
from playground.sandbox.services import SandboxError

PAGE = 100  # entries per page unless ``limit`` says otherwise
MAX_PAGE = 500
BAD_SINCE = "since must be a journal entry id: a whole number, 0 for the oldest entry kept."
BAD_LIMIT = f"limit must be a whole number from 1 to {MAX_PAGE}."
BAD_SANDBOX = "Journal not found."  # another sandbox's journal: as if there were none
LARGEST_ID = 2**63 - 1


@csrf_exempt
def journal_feed(request: HttpRequest) -> JsonResponse:
    if not settings.SANDBOX_ENABLED:
        raise Http404("The sandbox is turned off.")
    if request.method != "GET":
        response = fail(405, NOT_ALLOWED.format(method=request.method))
        response["Allow"] = "GET"
        return response
    try:
        account = services.authenticate(request.headers)
    except SandboxError as exc:
        return fail(exc.status, exc.message)
    after = whole(request.GET.get("since", "0"), low=0, high=LARGEST_ID)
    if after is None:
        return fail(400, BAD_SINCE)
    limit = whole(request.GET.get("limit", str(PAGE)), low=1, high=MAX_PAGE)
    if limit is None:
        return fail(400, BAD_LIMIT)
    sandbox_id = journal.sandbox_of(account)
    if request.GET.get("sandbox", str(sandbox_id)) != str(sandbox_id):
        return fail(404, BAD_SANDBOX)
    entries, more = journal.since(sandbox_id, after, limit)
    last = entries[-1].pk if entries else after
    response = ok({
        "sandbox": sandbox_id,
        "entries": [journal.entry_data(entry) for entry in entries],
        "has_more": more,
        "latest": journal.latest(sandbox_id),
        "next": f"{request.path}?since={last}&limit={limit}",
    })
    response["Cache-Control"] = "no-store"
    return response
