"""The token panel: keep the user's token (encrypted, in the session) or forget it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from playground import redaction, vault
from playground.builder import AUTH_CHOICES
from playground.owners import owner_for
from playground.sandbox import sandboxes
from playground.views._shared import HtmxHttpRequest, token_context


def _token_fragment(request: HtmxHttpRequest, *, error: str = "", changed: bool = False,
                    auth: str = "", notice: str = "") -> TemplateResponse:
    shown = auth or request.POST.get("auth", "")  # the auth-header control keeps its value
    context = {**token_context(request, error=error, auth=shown), "token_notice": notice}
    response = TemplateResponse(request, "playground/_token.html", context)
    if changed:
        # After the swap, so the builder's preview reads the panel's new "Sent as" control.
        trigger_client_event(response, "token-changed", {"auth": auth} if auth else {},
                             after="swap")
    return response


@require_POST
@sensitive_post_parameters("token")
@redaction.protect_reports
def token_use(request: HtmxHttpRequest) -> HttpResponse:
    """Fragment: keep the token (encrypted, in the session) and show its masked hint."""
    token = request.POST.get("token", "").strip()
    if "sandbox_account" in request.POST:  # one of the person's own sandbox accounts
        token = own_sandbox_token(request, request.POST["sandbox_account"])
    auth = request.POST.get("auth", "api-token")
    if auth not in AUTH_CHOICES:
        auth = "api-token"
    problem = vault.token_problem(token)
    if problem and not request.htmx:
        messages.error(request, problem)
        return redirect("playground:index")
    if problem:
        return _token_fragment(request, error=problem)
    notice = ""
    if auth == "api-token" and vault.looks_like_jwt(token):
        auth = "bearer"
        notice = "This is a JWT, so it goes in the Authorization: Bearer header."
    redaction.remember(token)  # from here on, no log line or error report shows it
    request.session.cycle_key()  # like a sign-in: a session id known before is useless now
    vault.store(request.session, token, auth)
    # The session's owner id is kept from now on, before any (possibly concurrent) send.
    owner_for(request, create=True)
    if not request.htmx:
        return redirect(_local_url(request, request.POST.get("next", "")))
    return _token_fragment(request, changed=True, auth=auth, notice=notice)


def own_sandbox_token(request: HtmxHttpRequest, account_id: str) -> str:
    """The generated token of one of this person's sandbox accounts, or "" (then the
    usual "Enter a token first." answers)."""
    account = sandboxes.own_account(owner_for(request), account_id)
    return (sandboxes.token_of(account) or "") if account is not None else ""


def _local_url(request: HtmxHttpRequest, url: str) -> str:
    """``url`` if it is a path on this site, else the playground (no open redirect; and
    never a bare word, which ``redirect()`` would take for a view name)."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("playground:index")


@require_POST
@redaction.protect_reports
def token_forget(request: HtmxHttpRequest) -> HttpResponse:
    """Fragment: remove the token at once."""
    vault.forget(request.session)
    if not request.htmx:
        return redirect("playground:index")
    return _token_fragment(request, changed=True)
