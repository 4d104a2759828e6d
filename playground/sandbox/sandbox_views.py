"""Console actions on sandboxes and their tokens: create, switch, reset, delete; reveal
and regenerate a token. Each POST names what it acts on, and each is checked against the
owner: a sandbox or account they may not touch is a 404 and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from playground.sandbox import sandboxes
from playground.sandbox.forms import NewSandboxForm
from playground.sandbox.models import Sandbox
from playground.sandbox.views import console_owner, console_page, remember, sandbox_page

NOT_YOURS = "No such sandbox among yours."


def _named(request: HttpRequest, *, manage: bool) -> Sandbox:
    owner = console_owner(request)
    wanted = request.POST.get("sandbox", "")
    found = (sandboxes.managed(owner, wanted) if manage
             else sandboxes.viewable(owner, wanted))
    if found is None:
        raise Http404(NOT_YOURS)
    return found


@sandbox_page
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    form = NewSandboxForm(request.POST)
    if form.is_valid():
        try:
            made = sandboxes.create(console_owner(request), form.cleaned_data["name"])
        except sandboxes.SandboxRefused as refused:
            form.add_error("name", str(refused))
        else:
            remember(request, made)
            messages.success(request, f"Made the sandbox “{made.name}”, with six new tokens.")
            return redirect("sandbox:console")
    return console_page(request, new_sandbox_form=form, status=400)


@sandbox_page
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    remember(request, _named(request, manage=False))
    return redirect("sandbox:console")


@sandbox_page
@require_POST
def reset(request: HttpRequest) -> HttpResponse:
    sandbox = _named(request, manage=True)
    sandboxes.reset_sandbox(sandbox)
    remember(request, sandbox)
    messages.success(request, f"Reset “{sandbox.name}”: seeded wallets, no orders, the clock "
                              f"automatic.")
    return redirect("sandbox:console")


@sandbox_page
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    sandbox = _named(request, manage=True)
    try:
        sandboxes.delete_sandbox(sandbox)
    except sandboxes.SandboxRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Deleted “{sandbox.name}” with its accounts and orders.")
    return redirect("sandbox:console")


def _own_account(request: HttpRequest):
    account = sandboxes.own_account(console_owner(request), request.POST.get("account", ""))
    if account is None:
        raise Http404("No such account in your sandboxes.")
    return account


@sandbox_page
@require_POST
def reveal(request: HttpRequest) -> HttpResponse:
    """The console with one account's token shown (asked for, so only then in the page)."""
    account = _own_account(request)
    remember(request, account.sandbox)
    token = sandboxes.token_of(account)
    if token is None:
        messages.error(request, "That token cannot be read any more (the encryption key "
                                "changed): regenerate it.")
        return redirect("sandbox:console")
    return console_page(request, revealed={account.pk: token})


@sandbox_page
@require_POST
def regenerate(request: HttpRequest) -> HttpResponse:
    account = _own_account(request)
    remember(request, account.sandbox)
    token = sandboxes.regenerate(account)
    messages.success(request, f"New token for {account.name}; the old one no longer works.")
    return console_page(request, revealed={account.pk: token})
