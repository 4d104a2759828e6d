"""The playground's views: thin glue between the builder, snippets, the API client and
templates. Fragment views say so in their docstrings; the full page includes the same
fragment templates."""

from __future__ import annotations

import json
import math
import re
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling, reswap, retarget, trigger_client_event

from playground import (
    __version__,
    api,
    catalogue,
    highlighting,
    redaction,
    sending,
    snippets,
    tracking,
    vault,
)
from playground.builder import (
    AUTH_CHOICES,
    FLOW_CHOICES,
    TOKEN_CHOICES,
    Builder,
    CheckoutLinkError,
    import_checkout_link,
)
from playground.forms import ProxyListSnippetForm
from playground.lru import LRU
from playground.models import Call
from playground.sandbox.demo import DEMO_TOKENS
from playground.spec import (
    AUTH_FORMS,
    ENDPOINTS,
    ERROR_INSUFFICIENT_BALANCE,
    RequestSpec,
    proxy_list_path,
    subaccount_problem,
)

LANGUAGE_LABELS = {"curl": "cURL", "python": "Python", "node": "Node"}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 once the database answers a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": "ok", "version": __version__,
                         "api": "sandbox" if api.is_sandbox() else "live"})


def snippet_base_url(request: HttpRequest) -> str:
    """The base URL a copied snippet calls: the live API, or this server's own sandbox."""
    if api.is_sandbox():
        return request.build_absolute_uri("/sandbox")
    return settings.PROXYSCRAPE_API_BASE


def _snippet_options(request: HttpRequest, builder: Builder) -> snippets.SnippetOptions:
    """How snippets name the token: a placeholder or the env variable, or, when the user
    ticked "Include my token", the stored token itself (in what they see, never a link)."""
    base = snippet_base_url(request)
    if builder.include_token:
        stored = vault.load(request.session)
        if stored is not None and snippets.token_problem(stored.credential.token) is None:
            return snippets.SnippetOptions(base_url=base, auth=builder.auth,
                                           token_mode="literal", token=stored.credential.token)
    return snippets.SnippetOptions(base_url=base, auth=builder.auth, token_mode=builder.token)


def _highlight_snippet(text: str, lang: str, options: snippets.SnippetOptions) -> str:
    # A snippet holding the user's token is highlighted fresh, never kept in the cache.
    return highlighting.highlight(text, lang, cache=options.token_mode != "literal")


def _preview_context(request: HttpRequest, builder: Builder) -> dict:
    spec = builder.spec
    context = {"builder": builder, "spec": spec}
    if spec is None:
        return context
    options = _snippet_options(request, builder)
    context["token_included"] = options.token_mode == "literal"
    query = builder.query_string()
    context["request_url"] = snippet_base_url(request) + spec.path
    context["body_html"] = highlighting.highlight(spec.body_text, "json") if spec.body else ""
    context["snippets"] = [
        {
            "lang": lang,
            "label": LANGUAGE_LABELS[lang],
            "html": _highlight_snippet(snippets.render(spec, lang, builder.flow, options),
                                       lang, options),
            "filename": snippets.filename(spec, lang, builder.flow),
            "download_url": f"/snippets/{lang}?{query}{'&' if query else ''}download=1"
                            f"{'&include_token=1' if options.token_mode == 'literal' else ''}",
        }
        for lang in snippets.LANGUAGES
    ]
    return context


def _page_context(request: HttpRequest, builder: Builder) -> dict:
    return {
        **_preview_context(request, builder),
        "endpoints": [(key, label) for key, (_m, _p, label) in ENDPOINTS.items()],
        "products": catalogue.PRODUCTS.values(),
        "auth_choices": AUTH_CHOICES,
        "token_choices": TOKEN_CHOICES,
        "flow_choices": FLOW_CHOICES,
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The playground page (also served at /account/api-orders)."""
    builder = Builder.from_query(request.GET)
    trackers = tracking.recent_orders(request)
    track = request.GET.get("track")
    if track:
        resumed = tracking.owned_order(request, track)
        if resumed is None:
            messages.error(request, "That order is not in your history, so it cannot be "
                           "tracked here.")
        else:
            trackers = [resumed, *[c for c in trackers if c.pk != resumed.pk]]
    context = {
        **_page_context(request, builder),
        **_token_context(request),
        "submission_key": uuid.uuid4().hex,
        "trackers": trackers,
        "poll_started": time.time(),
    }
    return _no_store(TemplateResponse(request, "playground/index.html", context),
                     context.get("token_included", False))


def _no_store(response: HttpResponse, token_included: bool) -> HttpResponse:
    """A response holding the user's own token ("Include my token") is never cached."""
    if token_included:
        patch_cache_control(response, no_store=True)
    return response


@require_GET
def result_clear(request: HttpRequest) -> HttpResponse:
    """Fragment: an empty result area (after cancelling a live confirmation)."""
    return HttpResponse('<div id="result" class="result-empty"></div>')


@require_GET
def preview(request: HttpRequest) -> HttpResponse:
    """Fragment: the preview (body and snippets) for the builder's query string.

    When the builder's shape changed (endpoint, product or mode), the whole builder is
    re-rendered instead. Invalid input leaves the last valid preview in place and only
    updates the field errors and the status line (out of band).
    """
    # The same query on the same host renders the same fragment: keep the last few hundred
    # (never one with the user's token in it).
    key = None if "include_token" in request.GET else (
        api.api_base(), request.scheme, request.get_host(), request.GET.urlencode(),
        bool(request.htmx))
    cached = _previews.get(key) if key else None
    if cached is not None:
        content, page_url = cached
        response = HttpResponse(content)
    else:
        builder = Builder.from_query(request.GET)
        page_url = builder.page_url()
        if request.GET.get("shape", builder.shape) != builder.shape:
            response = TemplateResponse(request, "playground/_builder.html",
                                        _page_context(request, builder))
            response = retarget(reswap(response, "outerHTML"), "#builder")
        elif builder.spec is None and request.htmx:
            response = reswap(TemplateResponse(request, "playground/_preview_invalid.html",
                                               {"builder": builder}), "none")
        else:
            response = TemplateResponse(request, "playground/_preview.html", {
                **_preview_context(request, builder), "oob_errors": True})
            if key:
                _previews.put(key, (response.render().content, page_url))
    if request.htmx:
        response["HX-Replace-Url"] = page_url
    patch_vary_headers(response, ["HX-Request"])
    context = getattr(response, "context_data", None) or {}
    return _no_store(response, bool(context.get("token_included")))


_previews = LRU(512)  # (API base, scheme, host, query, htmx) -> (fragment, page URL)


@require_GET
def snippet_text(request: HttpRequest, lang: str) -> HttpResponse:
    """One snippet as plain text, for copying, downloading or piping into a shell."""
    if lang not in snippets.LANGUAGES:
        raise Http404("Unknown snippet language.")
    builder = Builder.from_query(request.GET)
    spec = builder.spec
    if spec is None:
        return _not_valid(builder.active_form.errors)
    options = _snippet_options(request, builder)
    text = snippets.render(spec, lang, builder.flow, options)
    return _no_store(_snippet_file(request, text, snippets.filename(spec, lang, builder.flow)),
                     options.token_mode == "literal")


def _snippet_file(request: HttpRequest, text: str, name: str) -> HttpResponse:
    """A snippet as plain text; an attachment named ``name`` when ``download`` is asked."""
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _not_valid(errors) -> HttpResponse:
    """A 400 in plain text naming each field's errors."""
    listed = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in errors.items())
    return HttpResponse(f"The request is not valid: {listed}\n", status=400,
                        content_type="text/plain; charset=utf-8")


@require_GET
def import_checkout(request: HttpRequest) -> HttpResponse:
    """Fill the builder from a marketing checkout link, naming what it could not use."""
    try:
        imported = import_checkout_link(request.GET.get("url", ""))
    except CheckoutLinkError as exc:
        messages.error(request, str(exc))
        return redirect("/")
    builder = Builder.from_query(imported.query)
    messages.success(request, "Imported the checkout link.")
    if imported.unknown:
        messages.warning(request, "Fields this playground does not know, left out: "
                         + ", ".join(imported.unknown) + ". Use Raw JSON to send them.")
    if imported.defaulted:
        messages.info(request, "The link leaves out " + ", ".join(imported.defaulted)
                      + "; the form's defaults fill them in.")
    return redirect(builder.page_url())


# --- the token ----------------------------------------------------------------------------

def _token_context(request: HttpRequest, *, error: str = "") -> dict:
    return {"vault": vault.hint(request.session), "token_error": error,
            "demo_tokens": DEMO_TOKENS if api.is_sandbox() else ()}


def _token_fragment(request: HttpRequest, *, error: str = "", changed: bool = False,
                    auth: str = "", notice: str = ""):
    context = {**_token_context(request, error=error), "token_notice": notice}
    response = TemplateResponse(request, "playground/_token.html", context)
    if changed:
        # The builder's "Auth header" follows, so what is sent is what the snippets show.
        trigger_client_event(response, "token-changed", {"auth": auth} if auth else {})
    return response


def _looks_like_jwt(token: str) -> bool:
    parts = token.split(".")
    return len(parts) == 3 and token.startswith("eyJ") and all(parts)


def _token_problem(token: str) -> str:
    if not token:
        return "Enter a token first."
    if len(token) > vault.MAX_TOKEN_LENGTH:
        return f"That is longer than any token ({vault.MAX_TOKEN_LENGTH} characters at most)."
    if any(c.isspace() for c in token):
        return "A token has no spaces or line breaks inside it."
    if not token.isascii() or not token.isprintable():
        return "A token is plain ASCII text; this one has other characters."
    return ""


@require_POST
@sensitive_post_parameters("token")
@redaction.protect_reports
def token_use(request: HttpRequest) -> HttpResponse:
    """Fragment: keep the token (encrypted, in the session) and show its masked hint."""
    token = request.POST.get("token", "").strip()
    auth = request.POST.get("auth", "api-token")
    if auth not in AUTH_CHOICES:
        auth = "api-token"
    problem = _token_problem(token)
    if problem and not request.htmx:
        messages.error(request, problem)
        return redirect("/")
    if problem:
        return _token_fragment(request, error=problem)
    notice = ""
    if auth == "api-token" and _looks_like_jwt(token):
        auth = "bearer"
        notice = "This is a JWT, so it goes in the Authorization: Bearer header."
    redaction.remember(token)  # from here on, no log line or error report shows it
    request.session.cycle_key()  # like a sign-in: a session id known before is useless now
    vault.store(request.session, token, auth)
    # The session's owner id is kept from now on, before any (possibly concurrent) send.
    sending.owner_id(request, create=True)
    if not request.htmx:
        return redirect(_local_url(request, request.POST.get("next", "")))
    return _token_fragment(request, changed=True, auth=auth, notice=notice)


def _local_url(request: HttpRequest, url: str) -> str:
    """``url`` if it is a path on this site, else the playground (no open redirect; and
    never a bare word, which ``redirect()`` would take for a view name)."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return "/"


@require_POST
@redaction.protect_reports
def token_forget(request: HttpRequest) -> HttpResponse:
    """Fragment: remove the token at once."""
    vault.forget(request.session)
    if not request.htmx:
        return redirect("/")
    return _token_fragment(request, changed=True)


# --- the wallet -----------------------------------------------------------------------------

def _read_wallet(credential) -> dict:
    """Balance and discount for the header; faults become a short message."""
    client = api.get_client()
    try:
        balance = client.balance(credential)
    except api.ApiError as exc:
        return {"wallet_error": redaction.redact(exc.message)}
    if not balance.ok:
        return {"wallet_error": redaction.redact(f"{balance.error} ({balance.status_code})")}
    try:
        wallet = {"balance": redaction.redact(_money(balance.data))}
    except _Unshowable:
        return {"wallet_error": "The API answered a balance this page cannot show."}
    try:
        me = client.me(credential)
        discount = me.data.get("api_ordering_discount") if me.ok and isinstance(
            me.data, dict) else None
    except api.ApiError:
        discount = None
    if isinstance(discount, (int, float)) and not isinstance(discount, bool) \
            and 0 < discount <= 100:
        wallet["discount"] = discount
    return wallet


class _Unshowable(Exception):
    """A balance number no wallet holds: NaN, infinite (1e400), or absurdly large."""


def _money(data) -> str:
    if not isinstance(data, dict):
        return "?"
    balance, currency = data.get("balance"), str(data.get("currency", ""))[:12]
    if isinstance(balance, (int, float)) and not isinstance(balance, bool):
        if isinstance(balance, float) and not math.isfinite(balance) or abs(balance) >= 1e15:
            raise _Unshowable
        return f"{balance:,.2f} {currency}".strip()
    return f"{str(balance)[:40]} {currency}".strip()


@require_GET
@redaction.protect_reports
def wallet(request: HttpRequest) -> HttpResponse:
    """Fragment: the header's wallet balance and API-ordering discount banner."""
    stored = vault.load(request.session)
    context = {"has_token": stored is not None}
    if stored is not None:
        context.update(_read_wallet(stored.credential))
    response = TemplateResponse(request, "playground/_wallet.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- sending ------------------------------------------------------------------------------

def _result_response(request: HttpRequest, call, spec, *, balance: str | None = None,
                     status: int = 200, repeat: bool = False) -> HttpResponse:
    context = {
        "call": call,
        "repeat": repeat,
        "explanation": sending.explain(call, spec.body if spec else None, balance=balance),
        "response_html": _response_html(call),
        "new_submission_key": uuid.uuid4().hex,
        "poll_started": time.time(),
        "poll_interval": settings.ORDER_POLL_INTERVAL,
    }
    template = "playground/_result.html" if request.htmx else "playground/result_page.html"
    response = TemplateResponse(request, template, context, status=status)
    if call.endpoint == "create" and call.outcome != "pending":
        trigger_client_event(response, "balance-changed")
    return response


def _response_html(call) -> str:
    """The response body for the result panel: JSON highlighted by Pygments, anything else
    (an HTML error page, truncated JSON) as escaped plain text. Never rendered as HTML."""
    if not call.response_body:
        return ""
    parsed = sending.response_json(call)
    if parsed is None:
        return format_html('<pre class="response-text">{}</pre>', call.response_body)
    return highlighting.highlight(json.dumps(parsed, indent=2, ensure_ascii=False), "json")


def _message(request: HttpRequest, tone: str, title: str, detail: str = "",
             **extra) -> HttpResponse:
    template = "playground/_message.html" if request.htmx else "playground/message_page.html"
    return TemplateResponse(request, template, {"tone": tone, "title": title,
                                                "detail": detail, **extra})


def _rate_limited(request: HttpRequest) -> HttpResponse:
    return _message(request, "error", "Too many live orders: wait a minute.",
                    f"At most {settings.ORDER_RATE_LIMIT} live orders a minute "
                    f"{'on this server' if settings.PLAYGROUND_AUTH == 'none' else 'per user'}, "
                    "to stop a runaway loop from draining the wallet. Nothing was sent.")


@require_POST
@redaction.protect_reports
def send(request: HttpRequest) -> HttpResponse:
    """Fragment: send the built request once, and show what came back.

    A rendered form carries a one-time ``submission_key``; sending it again (double click,
    resubmit, back and resubmit) shows the first result instead of placing a second order.
    In live mode an order needs an explicit confirmation first.
    """
    builder = Builder.from_query(request.POST)
    spec = builder.spec
    if spec is None:
        return _message(request, "error", "The request is not valid, so it was not sent.",
                        "Fix the fields marked in red first.")
    stored = vault.load(request.session)
    if stored is None:
        return _message(request, "error", "No API token yet.",
                        "Enter your API token (or pick a demo token) under “API token”, "
                        "then send again.")
    if stored.credential.auth != builder.auth:
        stored = vault.Stored(api.Credential(stored.credential.token, builder.auth),
                              stored.hint, stored.saved_at)
    key = request.POST.get("submission_key", "")[:64]
    if not key or not key.isprintable():  # the key is stored: no NUL or control characters
        return _message(request, "error", "This form is out of date.",
                        "Reload the page and send again.")
    live_order = spec.endpoint == "create" and not api.is_sandbox()
    if live_order and not settings.LIVE_ORDERING_ENABLED:
        return _message(request, "error", "Placing live orders is turned off here.",
                        "An administrator set LIVE_ORDERING_ENABLED=0; status and balance "
                        "still work.")
    if live_order and sending.recent_orders_count(request) >= settings.ORDER_RATE_LIMIT:
        return _rate_limited(request)
    if live_order and request.POST.get("confirm") != "yes":
        return TemplateResponse(request, "playground/_confirm.html", {
            "spec": spec, "product": catalogue.PRODUCTS.get(spec.body.get("type")),
            "body_html": highlighting.highlight(spec.body_text, "json"),
            "api_base": settings.PROXYSCRAPE_API_BASE})
    try:
        call, claimed = sending.claim(
            request, spec, submission_key=key, builder_query=builder.query_string(),
            auth=stored.credential.auth,
            order_limit=settings.ORDER_RATE_LIMIT if live_order else None)
    except sending.RateLimited:
        return _rate_limited(request)
    except PermissionError:
        return _message(request, "error", "This form belongs to another session.",
                        "Reload the page and send again.")
    if not claimed:
        call = sending.settled(call)  # a create the server lost (a crash) is outcome unknown
        return _result_response(request, call, spec, repeat=True,
                                balance=_balance_if_unsure(call, stored.credential))
    call = sending.send(call, spec, stored.credential)
    return _result_response(request, call, spec,
                            balance=_balance_if_unsure(call, stored.credential))


def _balance_if_unsure(call, credential) -> str | None:
    """The balance, read now, when a create may or may not have debited the wallet."""
    if call.endpoint == "create" and (call.outcome in sending.UNKNOWN_AFTER
                                      or call.error == ERROR_INSUFFICIENT_BALANCE):
        return _read_wallet(credential).get("balance")
    return None


# --- order tracking -------------------------------------------------------------------------

def _tracker_response(request: HttpRequest, call, result) -> HttpResponse:
    context = {"call": call, "poll": result, "poll_interval": settings.ORDER_POLL_INTERVAL,
               "patience": int(settings.ORDER_POLL_PATIENCE)}
    subaccount = result.data.get("subaccount") if result.data else None
    if result.status == "processed" and isinstance(subaccount, dict):
        problem = subaccount_problem(str(subaccount.get("AccountID", "")),
                                     str(subaccount.get("AccountType", "")))
        if problem:  # never put such ids into a URL or a snippet
            context["subaccount_problem"] = problem
        else:
            context["proxy_snippets"] = _proxy_list_snippets(request, call, subaccount)
        context["order_suffix"] = f"-{call.order_id}"  # ids apart from the builder's tabs
        context["sub_added"] = tracking.when(subaccount.get("time_added"))
    if result.stop:
        response = HttpResponseStopPolling()
        response.content = TemplateResponse(request, "playground/_tracker.html",
                                            context).rendered_content
        if result.status in sending.TERMINAL:
            trigger_client_event(response, "balance-changed")
        return response
    return TemplateResponse(request, "playground/_tracker.html", context)


def _proxy_list_snippets(request: HttpRequest, call, subaccount: dict) -> list[dict]:
    """The next step for a processed order, in every language: the proxy-list call for its
    subaccount to copy, and the complete script to download. The token is a placeholder in
    the header form the order was placed with."""
    account = (str(subaccount.get("AccountID", "")), str(subaccount.get("AccountType", "")))
    spec = RequestSpec.proxy_list(*account)
    auth = call.auth_form if call.auth_form in AUTH_FORMS else "api-token"
    options = snippets.SnippetOptions(base_url=snippet_base_url(request), auth=auth)
    query = urlencode({"account_id": account[0], "account_type": account[1], "auth": auth,
                       "download": 1})
    return [
        {
            "lang": lang,
            "label": LANGUAGE_LABELS[lang],
            "html": highlighting.highlight(snippets.render(spec, lang, "single", options), lang),
            "filename": snippets.filename(spec, lang, "full"),
            "download_url": f"{reverse('proxy_list_snippet', args=[lang])}?{query}",
        }
        for lang in snippets.LANGUAGES
    ]


@require_GET
def proxy_list_snippet(request: HttpRequest, lang: str) -> HttpResponse:
    """The proxy-list call for a subaccount as plain text (``flavour``: the complete script
    by default, or the single call), with a placeholder token."""
    if lang not in snippets.LANGUAGES:
        raise Http404("Unknown snippet language.")
    form = ProxyListSnippetForm(request.GET)
    if not form.is_valid():
        return _not_valid(form.errors)
    problem = subaccount_problem(form.cleaned_data["account_id"],
                                 form.cleaned_data["account_type"])
    if problem:
        return _not_valid({"account": [problem]})
    spec = RequestSpec.proxy_list(form.cleaned_data["account_id"],
                                  form.cleaned_data["account_type"])
    flavour = form.cleaned_data["flavour"] or "full"
    options = snippets.SnippetOptions(base_url=snippet_base_url(request),
                                      auth=form.cleaned_data["auth"] or "api-token")
    return _snippet_file(request, snippets.render(spec, lang, flavour, options),
                         snippets.filename(spec, lang, flavour))


def _started(request: HttpRequest) -> float:
    try:
        started = float(request.GET.get("started", ""))
    except ValueError:
        return time.time()
    return started if 0 < started <= time.time() + 5 else time.time()


@require_GET
@redaction.protect_reports
def tracker(request: HttpRequest, order_id: str) -> HttpResponse:
    """Fragment, polled every ORDER_POLL_INTERVAL seconds: one order's status.

    Answers 286 (stop polling) on a terminal status, on a problem polling cannot fix, and
    after ORDER_POLL_PATIENCE seconds (then it offers “Keep waiting”); 204 (nothing to
    swap) when the status is the one the page says it ``shown``. Only the owner of the
    order may poll it; anyone else gets a 404.
    """
    call = tracking.owned_order(request, order_id)
    if call is None:
        raise Http404("No such order in your history.")
    stored = vault.load(request.session)
    result = tracking.poll(request, call, stored.credential if stored else None,
                           started=_started(request))
    shown = request.GET.get("shown")
    if shown and shown == result.status and not result.stop and result.problem is None:
        # The page already shows this; the browser counts the seconds itself.
        return HttpResponse(status=204)
    return _tracker_response(request, call, result)


@require_POST
@redaction.protect_reports
def proxy_list(request: HttpRequest, order_id: str) -> HttpResponse:
    """Fragment: fetch the processed order's proxy list live and show it."""
    call = tracking.owned_order(request, order_id)
    if call is None:
        raise Http404("No such order in your history.")
    stored = vault.load(request.session)
    if stored is None:
        return _message(request, "error", "No API token.", "Enter the token again first.")
    client = api.get_client()
    try:
        status = client.order_status(str(call.order_id), stored.credential)
    except api.ApiError as exc:
        return _message(request, "error", "Could not check the order first.",
                        redaction.redact(exc.message))
    subaccount = status.data.get("subaccount") if status.ok and isinstance(
        status.data, dict) else None
    if not isinstance(subaccount, dict) or not subaccount.get("AccountID") \
            or not subaccount.get("AccountType"):
        return _message(request, "error", "This order has no subaccount now.",
                        redaction.redact(status.error or "")
                        or "It is not processed (or it was refunded).")
    account_id, account_type = str(subaccount["AccountID"]), str(subaccount["AccountType"])
    problem = subaccount_problem(account_id, account_type)
    if problem:  # the path would not be the subaccount's own: ask for nothing
        return _message(request, "error", "The API answered a subaccount this page cannot "
                        "use, so its proxy list was not fetched.", problem)
    path = proxy_list_path(account_id, account_type)
    started = time.perf_counter()
    try:
        code, text = client.proxy_list(account_id, account_type, stored.credential)
    except api.ApiError as exc:
        sending.record(request, endpoint="proxy-list", method="GET", path=path, result=exc,
                       order_id=str(call.order_id), auth=stored.credential.auth)
        return _message(request, "error", "Could not fetch the proxy list.",
                        redaction.redact(exc.message))
    elapsed = (time.perf_counter() - started) * 1000
    refusal = _refusal(text) if 200 <= code < 300 else None  # an error envelope, not a list
    listed = 200 <= code < 300 and refusal is None
    answer = api.ApiResponse(code, text, {"success": listed, "error": refusal or text}, elapsed)
    sending.record(request, endpoint="proxy-list", method="GET", path=path, result=answer,
                   order_id=str(call.order_id), auth=stored.credential.auth)
    lines = [line for line in text.splitlines() if line.strip()] if listed else []
    return TemplateResponse(request, "playground/_proxy_list.html", {
        "code": code, "listed": listed, "lines": lines,
        "text": redaction.redact(refusal or text),
        "subaccount": subaccount})


def _refusal(text: str) -> str | None:
    """The error of a proxy-list answer that is the API's ``{"success": false}`` envelope."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(payload, dict) and payload.get("success") is False:
        return str(payload.get("error") or "Unknown error.")
    return None


# --- history ----------------------------------------------------------------------------------

HISTORY_PAGE = 50


@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """Every call this owner sent, newest first, with filters."""
    calls = Call.objects.select_related("user")
    if not sending.sees_everyone(request):
        calls = calls.filter(owner=sending.owner_id(request))
    sending.settle_stale(calls)  # creates the server lost in a crash: outcome unknown
    visible = calls
    filters = {
        "endpoint": request.GET.get("endpoint", ""),
        "http_status": request.GET.get("http_status", ""),
        "order_status": request.GET.get("order_status", ""),
    }
    endpoint_choices = ["create", "status", "balance", "proxy-list"]
    order_status_choices = ["paid", *sending.TERMINAL]
    # A value that is not a choice matches nothing, and never reaches the database
    # (PostgreSQL refuses a NUL character in a query parameter).
    if filters["endpoint"]:
        calls = calls.filter(endpoint=filters["endpoint"]) \
            if filters["endpoint"] in endpoint_choices else calls.none()
    if re.fullmatch(r"[0-9]{1,5}", filters["http_status"]):  # not "²" or 5,000 digits
        calls = calls.filter(http_status=int(filters["http_status"]))
    elif filters["http_status"] == "none":
        calls = calls.filter(http_status__isnull=True)
    if filters["order_status"]:
        calls = calls.filter(order_status=filters["order_status"]) \
            if filters["order_status"] in order_status_choices else calls.none()
    page = Paginator(calls, HISTORY_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "playground/history.html", {
        "page": page, "filters": filters,
        "endpoint_choices": endpoint_choices,
        "order_status_choices": order_status_choices,
        "status_choices": sorted(set(visible.filter(http_status__isnull=False)
                                     .values_list("http_status", flat=True))),
    })
