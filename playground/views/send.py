"""Sending the built request once, and showing what came back."""

from __future__ import annotations

import json
import time
import uuid

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from playground import api, catalogue, explain, highlighting, money, redaction, sending, vault
from playground import wallet as wallets
from playground.builder import Builder
from playground.models import Call
from playground.owners import owner_for
from playground.spec import ERROR_INSUFFICIENT_BALANCE, RequestSpec
from playground.views._shared import HtmxHttpRequest, message


def _result_response(request: HtmxHttpRequest, call: Call, spec: RequestSpec | None, *,
                     balance: str | None = None, status: int = 200,
                     repeat: bool = False, balance_before: money.Balance | None = None,
                     balance_after: money.Balance | None = None,
                     short: money.Panel | None = None) -> TemplateResponse:
    guarded = sending.may_have_placed(call)
    context = {
        "call": call,
        "short": short,
        "balance_before": balance_before,
        "balance_after": balance_after,
        "repeat": repeat,
        "explanation": explain.explain(call, spec.body if spec else None, balance=balance),
        "response_html": _response_html(call),
        "request_id": sending.request_id(call),
        "new_submission_key": (call.submission_key or uuid.uuid4().hex) if guarded
        else uuid.uuid4().hex,
        "another_key": uuid.uuid4().hex if guarded else "",
        "poll_started": time.time(),
        "poll_interval": settings.ORDER_POLL_INTERVAL,
    }
    template = "playground/_result.html" if request.htmx else "playground/result_page.html"
    response = TemplateResponse(request, template, context, status=status)
    if call.endpoint == "create" and call.outcome != "pending":
        trigger_client_event(response, "balance-changed")
    return response


def _response_html(call: Call) -> str:
    """The response body for the result panel: JSON highlighted by Pygments, anything else
    (an HTML error page, truncated JSON) as escaped plain text. Never rendered as HTML."""
    if not call.response_body:
        return ""
    parsed = sending.response_json(call)
    if parsed is None:
        return format_html('<pre class="response-text">{}</pre>', call.response_body)
    return highlighting.highlight(json.dumps(parsed, indent=2, ensure_ascii=False), "json")


def _rate_limited(request: HtmxHttpRequest) -> TemplateResponse:
    return message(request, tone="error", title="Too many live orders: wait a minute.",
                   detail=f"At most {settings.ORDER_RATE_LIMIT} live orders a minute "
                   f"{'on this server' if settings.PLAYGROUND_AUTH == 'none' else 'per user'}, "
                   "to stop a runaway loop from draining the wallet. Nothing was sent.")


def _balance_if_unsure(call: Call, credential: api.Credential) -> str | None:
    """The balance, read now, when a create may or may not have debited the wallet."""
    return wallets.balance_now(credential) if sending.needs_balance_check(call) else None


@require_POST
@redaction.protect_reports
def send(request: HtmxHttpRequest) -> HttpResponse:
    """Fragment: send the built request once, and show what came back.

    A rendered form carries a one-time ``submission_key``; sending it again (double click,
    resubmit, back and resubmit) shows the first result instead of placing a second order.
    In live mode an order needs an explicit confirmation first.
    """
    builder = Builder.from_query(request.POST)
    spec = builder.spec
    if spec is None:
        return message(request, tone="error",
                       title="The request is not valid, so it was not sent.",
                       detail="Fix the fields marked in red first.")
    stored = vault.load(request.session)
    if stored is None:
        return message(request, tone="error", title="No API token yet.",
                       detail="Enter your API token (or pick a demo token) under “API token”, "
                       "then send again.")
    if stored.credential.auth != builder.auth:
        stored = vault.Stored(api.Credential(stored.credential.token, builder.auth),
                              stored.hint, stored.saved_at)
    key = request.POST.get("submission_key", "")[:64]
    if not key or not key.isprintable():  # the key is stored: no NUL or control characters
        return message(request, tone="error", title="This form is out of date.",
                       detail="Reload the page and send again.")
    live_order = spec.endpoint == "create" and not api.is_sandbox()
    if live_order and not settings.LIVE_ORDERING_ENABLED:
        return message(request, tone="error", title="Placing live orders is turned off here.",
                       detail="An administrator set LIVE_ORDERING_ENABLED=0; status and "
                       "balance still work.")
    # The session holds the token, so it exists already; it keeps its owner id from now on.
    owner = owner_for(request, create=True)
    if live_order and sending.recent_orders_count(owner) >= settings.ORDER_RATE_LIMIT:
        return _rate_limited(request)
    if live_order and request.POST.get("confirm") != "yes":
        return TemplateResponse(request, "playground/_confirm.html", {
            "spec": spec, "product": catalogue.PRODUCTS.get(str((spec.body or {}).get("type", ""))),
            "body_html": highlighting.highlight(spec.body_text or "", "json"),
            "api_base": settings.PROXYSCRAPE_API_BASE,
            "last": money.last_charged(spec.body or {}),
            "balance_now": money.balance_read(stored.credential)})
    try:
        call, claimed = sending.claim(
            owner, spec, submission_key=key, builder_query=builder.query_string(),
            auth=stored.credential.auth,
            order_limit=settings.ORDER_RATE_LIMIT if live_order else None)
    except sending.RateLimited:
        return _rate_limited(request)
    except PermissionError:
        return message(request, tone="error", title="This form belongs to another session.",
                       detail="Reload the page and send again.")
    if not claimed:
        call = sending.settled(call)  # a create the server lost (a crash) is outcome unknown
        return _result_response(request, call, spec, repeat=True,
                                balance=_balance_if_unsure(call, stored.credential))
    before = money.balance_read(stored.credential) if spec.endpoint == "create" else None
    call = sending.send(call, spec, stored.credential)
    after = None
    if spec.endpoint == "create":
        money.forget_wallet(stored.credential)  # the price panel reads the wallet again
        after = money.balance_read(stored.credential) if call.order_id else None
    short = None
    if call.error == ERROR_INSUFFICIENT_BALANCE and api.is_sandbox():  # what it cost, missed by
        short = money.panel(spec.body, stored.credential)
    return _result_response(request, call, spec,
                            balance=_balance_if_unsure(call, stored.credential),
                            balance_before=before if call.order_id else None,
                            balance_after=after, short=short)
