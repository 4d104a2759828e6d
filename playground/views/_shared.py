"""Plain helpers more than one view module uses. Shared helpers take keyword-only
arguments after the request."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django_htmx.middleware import HtmxDetails

from playground import api, highlighting, snippets, tracking, vault
from playground.builder import AUTH_CHOICES
from playground.models import Call
from playground.owners import Owner, owner_for
from playground.sandbox import sandboxes
from playground.sandbox.demo import DEMO_TOKENS
from playground.sandbox.views import CURRENT_KEY
from playground.spec import RequestSpec
from playground.web.sandbox_url import sandbox_api_base


class HtmxHttpRequest(HttpRequest):
    """A request as the views see it, for type checking: django-htmx's middleware has set
    ``request.htmx`` (django-htmx leaves this class to the project)."""

    htmx: HtmxDetails


LANGUAGE_LABELS = {"curl": "cURL", "python": "Python", "node": "Node"}


def snippet_base_url(request: HtmxHttpRequest) -> str:
    """The base URL a copied snippet calls: the live API, or this server's own sandbox."""
    if api.is_sandbox():
        return sandbox_api_base(request)
    return settings.PROXYSCRAPE_API_BASE


def snippet_panels(*, spec: RequestSpec, flavour: str, file_flavour: str,
                   options: snippets.SnippetOptions, download_url: Callable[[str], str],
                   id_suffix: str = "", code_prefix: str = "",
                   label_order: str = "") -> list[dict[str, str]]:
    """One tab panel per language: the ``flavour`` snippet highlighted, the download name
    of its ``file_flavour`` and ``download_url(lang)``. A snippet holding the user's token
    is highlighted fresh, never kept in the highlighter's cache.

    A second set on the same page (a tracker's proxy list) passes an ``id_suffix`` and a
    ``code_prefix``, so no element id repeats, and the ``label_order`` whose id ends the code
    regions' names, so no two regions share one. The ids are worked out here, once, rather
    than pieced together in the template (the preview renders on every keystroke)."""
    cache = options.token_mode != "literal"
    # Every value is escaped here, once, and handed over as safe: the template then writes
    # each as it is (through the template engine's escaping they cost twice as much).
    suffix, prefix, order = escape(id_suffix), escape(code_prefix), escape(label_order)
    panels: list[dict[str, str]] = []
    for index, lang in enumerate(snippets.LANGUAGES):
        label = LANGUAGE_LABELS[lang]
        panels.append({
            "lang": SafeString(lang),
            "label": SafeString(label),
            "html": SafeString(highlighting.highlight(
                snippets.render(spec, lang, flavour, options), lang, cache=cache)),
            "filename": escape(snippets.filename(spec, lang, file_flavour)),
            "download_url": escape(download_url(lang)),
            "tab_id": SafeString(f"tab-{lang}{suffix}"),
            "panel_id": SafeString(f"panel-{lang}{suffix}"),
            "code_id": SafeString(f"{prefix}code-{lang}{suffix}"),
            "region_label": SafeString(f"{label} code, proxy list of order {order}"
                                       if label_order else f"{label} code"),
            "selected": SafeString("true" if index == 0 else "false"),
            "hidden": SafeString("hidden" if index else ""),
        })
    return panels


def owned_order_or_404(*, owner: Owner, order_id: str) -> Call:
    """The create call that placed this order, if ``owner`` may see it; else a 404, whether
    the order exists or not."""
    call = tracking.owned_order(owner, order_id)
    if call is None:
        raise Http404("No such order in your history.")
    return call


def token_context(request: HtmxHttpRequest, *, error: str = "",
                  auth: str = "api-token") -> dict[str, object]:
    """What the token panel shows: the stored token's hint, an error, the demo tokens (the
    person's own sandbox accounts first, by id: their tokens never enter the page), and the
    one auth-header control (set to ``auth``, a key of AUTH_CHOICES)."""
    in_sandbox = api.is_sandbox() and settings.SANDBOX_ENABLED
    own = sandboxes.offered(owner_for(request), request.session.get(CURRENT_KEY)) \
        if in_sandbox else []
    return {"vault": vault.hint(request.session), "token_error": error,
            "own_demo_accounts": own,
            "demo_tokens": DEMO_TOKENS if api.is_sandbox() else (),
            "auth_choices": AUTH_CHOICES,
            "token_auth": auth if auth in AUTH_CHOICES else "api-token"}


def message(request: HtmxHttpRequest, *, tone: str, title: str, detail: str = "",
            **extra: object) -> TemplateResponse:
    """A one-line result: the fragment for htmx, a page of its own otherwise."""
    template = "playground/_message.html" if request.htmx else "playground/message_page.html"
    return TemplateResponse(request, template, {"tone": tone, "title": title,
                                                "detail": detail, **extra})


def not_valid(*, errors: Mapping[str, Iterable[Any]]) -> HttpResponse:
    """A 400 in plain text naming each field's errors."""
    listed = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in errors.items())
    return HttpResponse(f"The request is not valid: {listed}\n", status=400,
                        content_type="text/plain; charset=utf-8")


def snippet_file(request: HtmxHttpRequest, *, text: str, name: str) -> HttpResponse:
    """A snippet as plain text; an attachment named ``name`` when ``download`` is asked."""
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

