"""Following a placed order: the status tracker (polled), its proxy-list call as code, and
the proxy list fetched live. Only the order's owner (or staff) may see any of it."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling, trigger_client_event

from playground import api, money, redaction, sending, snippets, tracking, vault
from playground.api import Credential
from playground.explain import Explanation
from playground.forms import ProxyListSnippetForm
from playground.models import Call
from playground.orders import fetch_proxy_list
from playground.owners import owner_for
from playground.spec import AUTH_FORMS, RequestSpec, subaccount_problem
from playground.views._shared import (
    HtmxHttpRequest,
    message,
    not_valid,
    owned_order_or_404,
    snippet_base_url,
    snippet_file,
    snippet_panels,
)

MONEY_BACK = ("blocked", "failed")  # statuses whose money the sandbox gives back


def _tracker_response(request: HtmxHttpRequest, call: Call, result: tracking.Poll,
                      credential: Credential | None = None) -> HttpResponse:
    context: dict[str, object] = {"call": call, "poll": result,
                                  "sandbox": api.is_sandbox(),
                                  "poll_interval": settings.ORDER_POLL_INTERVAL,
                                  "patience": int(settings.ORDER_POLL_PATIENCE)}
    subaccount = result.data.get("subaccount") if result.data else None
    if result.status == "processed" and isinstance(subaccount, dict):
        problem = subaccount_problem(str(subaccount.get("AccountID", "")),
                                     str(subaccount.get("AccountType", "")))
        if problem:  # never put such ids into a URL or a snippet
            context["subaccount_problem"] = problem
        else:
            context["proxy_snippets"] = _proxy_list_snippets(request, call, subaccount)
        context["sub_added"] = tracking.when(subaccount.get("time_added"))
    if result.status in MONEY_BACK and result.stop and credential is not None:
        context["balance_now"] = money.balance_read(credential)  # did the money come back?
    if result.stop:
        response = HttpResponseStopPolling()
        response.content = TemplateResponse(request, "playground/_tracker.html",
                                            context).rendered_content
        if result.status in sending.TERMINAL:
            trigger_client_event(response, "balance-changed")
        return response
    return TemplateResponse(request, "playground/_tracker.html", context)


def _proxy_list_snippets(request: HtmxHttpRequest, call: Call,
                         subaccount: dict) -> list[dict[str, str]]:
    """The next step for a processed order, in every language: the proxy-list call for its
    subaccount to copy, and the complete script to download. The token is a placeholder in
    the header form the order was placed with."""
    account = (str(subaccount.get("AccountID", "")), str(subaccount.get("AccountType", "")))
    auth = call.auth_form if call.auth_form in AUTH_FORMS else "api-token"
    query = urlencode({"account_id": account[0], "account_type": account[1], "auth": auth,
                       "download": 1})
    return snippet_panels(
        spec=RequestSpec.proxy_list(*account), flavour="single", file_flavour="full",
        options=snippets.SnippetOptions(base_url=snippet_base_url(request), auth=auth),
        download_url=lambda lang: reverse("playground:proxy_list_snippet", args=[lang])
        + f"?{query}", id_suffix=f"-{call.order_id}", code_prefix="proxy-",
        label_order=str(call.order_id or ""))


@require_GET
def proxy_list_snippet(request: HtmxHttpRequest, lang: str) -> HttpResponse:
    """The proxy-list call for a subaccount as plain text (``flavour``: the complete script
    by default, or the single call), with a placeholder token."""
    if lang not in snippets.LANGUAGES:
        raise Http404("Unknown snippet language.")
    form = ProxyListSnippetForm(request.GET)
    if not form.is_valid():
        return not_valid(errors=form.errors)
    problem = subaccount_problem(form.cleaned_data["account_id"],
                                 form.cleaned_data["account_type"])
    if problem:
        return not_valid(errors={"account": [problem]})
    spec = RequestSpec.proxy_list(form.cleaned_data["account_id"],
                                  form.cleaned_data["account_type"])
    flavour = form.cleaned_data["flavour"] or "full"
    options = snippets.SnippetOptions(base_url=snippet_base_url(request),
                                      auth=form.cleaned_data["auth"] or "api-token")
    return snippet_file(request, text=snippets.render(spec, lang, flavour, options),
                        name=snippets.filename(spec, lang, flavour))


def _started(request: HtmxHttpRequest) -> float:
    try:
        started = float(request.GET.get("started", ""))
    except ValueError:
        return time.time()
    return started if 0 < started <= time.time() + 5 else time.time()


@require_GET
@redaction.protect_reports
def tracker(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    """Fragment, polled every ORDER_POLL_INTERVAL seconds: one order's status.

    Answers 286 (stop polling) on a terminal status, on a problem polling cannot fix, and
    after ORDER_POLL_PATIENCE seconds (then it offers “Keep waiting”); 204 (nothing to
    swap) when the status is the one the page says it ``shown``. Only the owner of the
    order may poll it; anyone else gets a 404.
    """
    # An owner who gets past the 404 has rows, so its id is kept already: no session made.
    owner = owner_for(request)
    call = owned_order_or_404(owner=owner, order_id=order_id)
    stored = vault.load(request.session)
    result = tracking.poll(owner, call, stored.credential if stored else None,
                           started=_started(request))
    shown = request.GET.get("shown")
    if shown and shown == result.status and not result.stop and result.problem is None:
        # The page already shows this; the browser counts the seconds itself.
        return HttpResponse(status=204)
    return _tracker_response(request, call, result, stored.credential if stored else None)


@require_POST
@redaction.protect_reports
def proxy_list(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    """Fragment: fetch the processed order's proxy list live and show it."""
    owner = owner_for(request)
    call = owned_order_or_404(owner=owner, order_id=order_id)
    stored = vault.load(request.session)
    fetched = fetch_proxy_list(owner, call, stored.credential if stored else None)
    if isinstance(fetched, Explanation):
        return message(request, tone=fetched.tone, title=fetched.title, detail=fetched.detail)
    return TemplateResponse(request, "playground/_proxy_list.html", {
        "code": fetched.code, "listed": fetched.listed, "lines": fetched.lines,
        "text": fetched.text, "subaccount": fetched.subaccount, "order_id": call.order_id})
