"""The contract's pages and files: the OpenAPI document, the Postman export, Check the API.

Thin views: the documents are built in ``openapi`` and ``postman``, the probes in
``probes``; History rows are looked up through ``history`` only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from playground import api, redaction, vault
from playground.api import Credential
from playground.builder import Builder
from playground.contract import history, openapi, postman, probes
from playground.sandbox.numbers import whole
from playground.web.sandbox_url import sandbox_api_base

MAX_EXPORTED_CALLS = 50
EXPORT_PAGE_ROWS = 50


def sandbox_base(request: HttpRequest) -> str | None:
    """This server's sandbox API base, absolute, or None when the sandbox is off."""
    return sandbox_api_base(request) if settings.SANDBOX_ENABLED else None


def api_base_for_files(request: HttpRequest) -> str:
    """The base URL exported files call: the live API, or this server's own sandbox (as
    the snippets do)."""
    if api.is_sandbox():
        return sandbox_api_base(request)
    return settings.PROXYSCRAPE_API_BASE


def _json_file(data: dict, filename: str, *, attach: bool = True) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    if attach:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refusal(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    return _json_file(openapi.document(sandbox_url=sandbox_base(request)),
                      "proxyscrape-api-ordering.openapi.json",
                      attach=bool(request.GET.get("download")))


@require_GET
def postman_collection(request: HttpRequest) -> JsonResponse:
    """The builder's current request (its query string) as a Postman collection."""
    builder = Builder.from_query(request.GET)
    spec = builder.spec
    if spec is None:
        form = builder.active_form
        assert form is not None  # a spec is only missing for a form that did not validate
        problems = [f"{name}: {' '.join(str(m) for m in messages)}"
                    for name, messages in form.errors.items()]
        return _refusal("The request is not valid yet, so there is nothing to export: "
                        + "; ".join(problems))
    data = postman.collection([postman.Request(spec, builder.auth)])
    return _json_file(data, f"{spec.endpoint}.postman_collection.json")


NO_TOKEN_TO_INCLUDE = ("No token is stored in this browser, so there is none to put in the "
                       "environment: store one on the playground page, or download the "
                       "environment without it and fill in api_token yourself.")


@require_GET
def postman_environment(request: HttpRequest) -> JsonResponse:
    """The environment file; ``?include_token=1`` fills ``api_token`` with the token stored
    in this browser (the link carries only the wish, never the token; the answer is not
    cached)."""
    base = api_base_for_files(request)
    name = "ProxyScrape API (playground sandbox)" if api.is_sandbox() else "ProxyScrape API (live)"
    token = ""
    if request.GET.get("include_token") in ("1", "on", "true"):
        stored = vault.load(request.session)
        if stored is None:
            return _refusal(NO_TOKEN_TO_INCLUDE, 409)
        token = stored.credential.token
    response = _json_file(postman.environment(base, name=name, token=token),
                          "proxyscrape.postman_environment.json")
    if token:
        patch_cache_control(response, no_store=True)
    return response


def _call_ids(values: list[str]) -> list[int] | str:
    if not values:
        return "Pick at least one History row to export."
    if len(values) > MAX_EXPORTED_CALLS:
        return f"At most {MAX_EXPORTED_CALLS} History rows go in one collection."
    ids = [whole(v, low=0, high=10**18 - 1, digits=18) for v in values]
    bad = [v for v, found in zip(values, ids, strict=True) if found is None]
    if bad:
        return "History rows are named by their number; not: " + ", ".join(
            repr(v[:40]) for v in bad[:5])
    return list(dict.fromkeys(found for found in ids if found is not None))


@require_GET
def postman_history(request: HttpRequest) -> JsonResponse:
    """A selection of this owner's History rows (``?call=<id>&call=<id>``), in that order."""
    ids = _call_ids(request.GET.getlist("call"))
    if isinstance(ids, str):
        return _refusal(ids)
    calls = {c.pk: c for c in history.visible_calls(request).filter(pk__in=ids)}
    missing = [i for i in ids if i not in calls]
    if missing:
        return _refusal("No such History row of yours: " + ", ".join(f"#{i}" for i in missing),
                        404)
    requests = []
    for i in ids:
        spec = postman.spec_of_call(calls[i])
        if spec is None:
            return _refusal(f"History row #{i} holds no request this export can describe.")
        requests.append(postman.Request(spec, calls[i].auth_form or "api-token",
                                        name=f"{spec.label} (History #{i})"))
    return _json_file(postman.collection(requests), "history.postman_collection.json")


@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    """Download the OpenAPI document and the Postman environment; pick History rows for a
    collection."""
    calls = [c for c in history.visible_calls(request)[:EXPORT_PAGE_ROWS]
             if postman.spec_of_call(c) is not None]
    return TemplateResponse(request, "contract/export.html",
                            {"calls": calls, "token_hint": vault.hint(request.session)})


# --- Check the API ---------------------------------------------------------------------------

CHECK_SESSION_KEY = "contract.check"


def _recent_order_ids(request: HttpRequest) -> list[str]:
    ids: list[str] = []
    rows = history.visible_calls(request).filter(endpoint="create", order_id__isnull=False)
    for order_id in rows.values_list("order_id", flat=True)[:50]:
        if str(order_id) not in ids:
            ids.append(str(order_id))
        if len(ids) == probes.MAX_ORDERS:
            break
    return ids


def _second_token_problem(token: str) -> str | None:
    if len(token) > vault.MAX_TOKEN_LENGTH:
        return f"That token is longer than {vault.MAX_TOKEN_LENGTH} characters."
    if not all(33 <= ord(c) <= 126 for c in token):
        return "A token is printable ASCII with no spaces; that one is not."
    return None


def check_page(request: HttpRequest) -> HttpResponse:
    """GET: the last result, dated. POST: run the read-only probes now, keep the result."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    error = ""
    if request.method == "POST":
        second = request.POST.get("no_read_token", "").strip()
        error = (_second_token_problem(second) or "") if second else ""
        if not error:
            no_read = None
            if second:
                redaction.remember(second)  # never in a log line
                no_read = Credential(second, "api-token")
            stored = vault.load(request.session)
            result = probes.check(stored.credential if stored else None,
                                  order_ids=_recent_order_ids(request),
                                  base="sandbox" if api.is_sandbox() else api.api_base(),
                                  no_read=no_read)
            request.session[CHECK_SESSION_KEY] = result
            return redirect("contract:check")
    last = request.session.get(CHECK_SESSION_KEY)
    checked_at = None
    if last:
        checked_at = datetime.datetime.fromtimestamp(last["checked_at"], datetime.UTC)
    return TemplateResponse(request, "contract/check.html", {
        "result": last, "checked_at": checked_at, "error": error,
        "token": vault.hint(request.session), "is_sandbox": api.is_sandbox(),
        "api_base": api.api_base()}, status=400 if error else 200)
