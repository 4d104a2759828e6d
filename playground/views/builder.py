"""The builder page and its fragments: the preview, a snippet as text, a checkout link
imported, the result area cleared. The full page includes the same fragment templates."""

from __future__ import annotations

import time
import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET
from django_htmx.http import reswap, retarget

from playground import api, catalogue, highlighting, money, snippets, tracking, vault
from playground.builder import (
    AUTH_CHOICES,
    FLOW_CHOICES,
    TOKEN_CHOICES,
    Builder,
    CheckoutLinkError,
    import_checkout_link,
)
from playground.lru import LRU
from playground.owners import owner_for
from playground.spec import ENDPOINTS
from playground.views._shared import (
    HtmxHttpRequest,
    not_valid,
    snippet_base_url,
    snippet_file,
    snippet_panels,
    token_context,
)
from playground.web.reversing import fixed_url


def _snippet_options(request: HtmxHttpRequest, builder: Builder) -> snippets.SnippetOptions:
    """How snippets name the token: a placeholder or the env variable, or, when the user
    ticked "Include my token", the stored token itself (in what they see, never a link)."""
    base = snippet_base_url(request)
    if builder.include_token:
        stored = vault.load(request.session)
        if stored is not None and snippets.token_problem(stored.credential.token) is None:
            return snippets.SnippetOptions(base_url=base, auth=builder.auth,
                                           token_mode="literal", token=stored.credential.token)
    return snippets.SnippetOptions(base_url=base, auth=builder.auth, token_mode=builder.token)


def _preview_context(request: HtmxHttpRequest, builder: Builder) -> dict:
    spec = builder.spec
    context: dict = {"builder": builder, "spec": spec}
    if spec is None:
        return context
    options = _snippet_options(request, builder)
    literal = options.token_mode == "literal"
    context["token_included"] = literal
    query = builder.query_string()
    download_query = f"{query}{'&' if query else ''}download=1" \
                     f"{'&include_token=1' if literal else ''}"
    context["request_url"] = snippet_base_url(request) + spec.path
    # The headers the call carries; the token always as the placeholder (the preview is
    # cached by query, never by session).
    context["request_headers"] = [(options.header_name, options.header_prefix
                                   + options.placeholder)]
    if spec.body is not None:
        context["request_headers"].append(("Content-Type", "application/json"))
    context["body_html"] = highlighting.highlight(spec.body_text or "", "json") \
        if spec.body else ""
    context["snippets"] = snippet_panels(
        spec=spec, flavour=builder.flow, file_flavour=builder.flow, options=options,
        download_url=lambda lang: fixed_url("playground:snippet", lang) + f"?{download_query}")
    context["postman_collection_url"] = f"{fixed_url('contract:postman_collection')}?{query}"
    context["postman_environment_url"] = fixed_url("contract:postman_environment") + (
        "?include_token=1" if literal else "")
    return context


def _price_context(request: HtmxHttpRequest, body: dict | None, *, read: bool = True) -> dict:
    """The price panel for an order body (None while the input is invalid), with the stored
    token's wallet and discount. Never cached with the preview: it depends on the token."""
    stored = vault.load(request.session)
    panel = money.panel(body, stored.credential if stored is not None else None, read=read)
    return {"price_panel": panel, "price_notes": panel.notes, "no_quote": money.NO_QUOTE}


def _error_elements(builder: Builder) -> SafeString:
    """Every visible field's error list, out of band (an empty one clears what was shown).
    An empty list is the same on every keystroke, so it is rendered once per field name."""
    form = builder.active_form
    if form is None:
        return SafeString("")
    parts: list[str] = []
    for field in form.visible_fields():
        if field.errors:
            parts.append(render_to_string(_FIELD_ERRORS, {"field": field, "oob": True}))
            continue
        html = _no_errors.get(field.html_name)
        if html is None:
            html = _no_errors[field.html_name] = render_to_string(
                _FIELD_ERRORS, {"field": field, "oob": True})
        parts.append(html)
    return SafeString("".join(parts))


_FIELD_ERRORS = "playground/_field_errors.html"
_no_errors: dict[str, str] = {}  # field name -> its empty error list (names come from forms)


def _note_names(builder: Builder) -> tuple[str, ...]:
    """The form fields that have a price note beside them (none in Raw JSON mode)."""
    form = builder.form
    return tuple(name for name in form.fields if name != "type") if form is not None else ()


def _price_oob(request: HtmxHttpRequest, body: dict | None, note_names: tuple[str, ...]) -> bytes:
    """The price panel, Send's warning and the field notes, out of band. The panel and the
    warning are rendered once per what they show (they name no token and no session); the
    notes, which follow every size typed, are written each time."""
    context = {**_price_context(request, body), "oob": True}
    panel = context["price_panel"]
    key = money.cache_key(panel)
    html = _panels.get(key)
    if html is None:
        html = render_to_string("playground/_price_panel.html", context).encode()
        _panels.put(key, html)
    notes = "\n".join(_note_element(name, panel.notes.get(name, "")) for name in note_names)
    return html + b"\n" + notes.encode()


def _note_element(name: str, note: str) -> str:
    """The note beside one field, out of band; an empty one once per field name."""
    if note:
        return format_html(_NOTE, name, note)
    html = _no_note.get(name)
    if html is None:
        html = _no_note[name] = format_html(_NOTE, name, "")
    return html


_panels = LRU(512)  # what the panel shows -> its rendered HTML, out of band
_NOTE = '<p class="price-note" id="price-note-{}" hx-swap-oob="true">{}</p>'
_no_note: dict[str, str] = {}  # field name -> its empty note (names come from forms)


def _page_context(request: HtmxHttpRequest, builder: Builder, *, read: bool = True) -> dict:
    priced = builder.endpoint == "create"
    return {
        **(_price_context(request, builder.spec.body if builder.spec else None, read=read)
           if priced else {}),
        **_preview_context(request, builder),
        "endpoints": [(key, label) for key, (_m, _p, label) in ENDPOINTS.items()],
        "products": catalogue.PRODUCTS.values(),
        "auth_choices": AUTH_CHOICES,
        "token_choices": TOKEN_CHOICES,
        "flow_choices": FLOW_CHOICES,
    }


def _no_store(response: HttpResponse, token_included: bool) -> HttpResponse:
    """A response holding the user's own token ("Include my token") is never cached."""
    if token_included:
        patch_cache_control(response, no_store=True)
    return response


@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    """The playground page (also served at /account/api-orders)."""
    builder = Builder.from_query(request.GET)
    owner = owner_for(request)
    trackers = tracking.recent_orders(owner)
    track = request.GET.get("track")
    if track:
        resumed = tracking.owned_order(owner, track)
        if resumed is None:
            messages.error(request, "That order is not in your history, so it cannot be "
                           "tracked here.")
        else:
            trackers = [resumed, *[c for c in trackers if c.pk != resumed.pk]]
    context = {
        **_page_context(request, builder, read=False),  # the page itself calls no API
        **token_context(request, auth=builder.auth),
        "submission_key": uuid.uuid4().hex,
        "trackers": trackers,
        "poll_started": time.time(),
    }
    return _no_store(TemplateResponse(request, "playground/index.html", context),
                     bool(context.get("token_included", False)))


@require_GET
def result_clear(request: HtmxHttpRequest) -> HttpResponse:
    """Fragment: an empty result area (after cancelling a live confirmation)."""
    return HttpResponse('<div id="result" class="result-empty"></div>')


@require_GET
def preview(request: HtmxHttpRequest) -> HttpResponse:
    """Fragment: the preview (body and snippets) for the builder's query string.

    When the builder's shape changed (endpoint, product or mode), the whole builder is
    re-rendered instead. Invalid input leaves the last valid preview in place and only
    updates the field errors and the status line (out of band).
    """
    # The same query on the same host renders the same fragment: keep the last few hundred
    # (never one with the user's token in it).
    key = None if "include_token" in request.GET or request.GET.get("token") == "mine" else (
        api.api_base(), request.scheme, request.get_host(), request.META.get("QUERY_STRING", ""),
        bool(request.htmx))
    cached = _previews.get(key) if key else None
    response: HttpResponse
    # The price panel follows as an out-of-band swap: (the body, its fields) for a create.
    price: tuple[dict | None, tuple[str, ...]] | None = None
    if cached is not None:
        content, page_url, price = cached
        response = HttpResponse(content)
    else:
        builder = Builder.from_query(request.GET)
        page_url = builder.page_url()
        spec = builder.spec
        if builder.endpoint == "create":
            price = (spec.body if spec is not None else None, _note_names(builder))
        if request.GET.get("shape", builder.shape) != builder.shape:
            price = None  # the whole builder, its panel included
            response = TemplateResponse(request, "playground/_builder.html", {
                **_page_context(request, builder), "preview_oob": True,
                "request_line_oob": True})
            response = retarget(reswap(response, "outerHTML"), "#builder")
        elif spec is None and request.htmx:
            response = reswap(TemplateResponse(request, "playground/_preview_invalid.html", {
                "builder": builder, "error_elements": _error_elements(builder)}), "none")
        else:
            fragment = TemplateResponse(request, "playground/_preview.html", {
                **_preview_context(request, builder),
                "error_elements": _error_elements(builder), "request_line_oob": True})
            if key:
                _previews.put(key, (fragment.render().content, page_url, price))
            response = fragment
    if request.htmx and price is not None:
        if isinstance(response, TemplateResponse):
            response.render()
        response.content = response.content + _price_oob(request, *price)
    if request.htmx:
        response["HX-Replace-Url"] = page_url
    patch_vary_headers(response, ["HX-Request"])
    context = getattr(response, "context_data", None) or {}
    return _no_store(response, bool(context.get("token_included")))


_previews = LRU(512)  # (API base, scheme, host, query, htmx) -> (fragment, page URL, price)


@require_GET
def snippet_text(request: HtmxHttpRequest, lang: str) -> HttpResponse:
    """One snippet as plain text, for copying, downloading or piping into a shell."""
    if lang not in snippets.LANGUAGES:
        raise Http404("Unknown snippet language.")
    builder = Builder.from_query(request.GET)
    spec = builder.spec
    if spec is None:
        form = builder.active_form
        return not_valid(errors=form.errors if form is not None else {})
    options = _snippet_options(request, builder)
    text = snippets.render(spec, lang, builder.flow, options)
    response = snippet_file(request, text=text,
                            name=snippets.filename(spec, lang, builder.flow))
    return _no_store(response, options.token_mode == "literal")


@require_GET
def import_checkout(request: HtmxHttpRequest) -> HttpResponse:
    """Fill the builder from a marketing checkout link, naming what it could not use."""
    try:
        imported = import_checkout_link(request.GET.get("url", ""))
    except CheckoutLinkError as exc:
        messages.error(request, str(exc))
        return redirect("playground:index")
    builder = Builder.from_query(imported.query)
    messages.success(request, "Imported the checkout link.")
    if imported.unknown:
        messages.warning(request, "Fields this playground does not know, left out: "
                         + ", ".join(imported.unknown) + ". Use Raw JSON to send them.")
    if imported.defaulted:
        messages.info(request, "The link leaves out " + ", ".join(imported.defaulted)
                      + "; the form's defaults fill them in.")
    return redirect(builder.page_url())
