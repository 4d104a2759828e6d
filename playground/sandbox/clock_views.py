"""Console actions on a sandbox's clock: hold, resume, advance; release or settle orders.
Only the sandbox's owner (or staff) may; anything else is a 404 and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from playground.sandbox import clock
from playground.sandbox.forms import AdvanceForm, OrderClockForm
from playground.sandbox.models import Sandbox
from playground.sandbox.sandbox_views import _named
from playground.sandbox.views import console_page, remember, sandbox_page


def _managed(request: HttpRequest) -> Sandbox:
    sandbox = _named(request, manage=True)
    remember(request, sandbox)
    return sandbox


@sandbox_page
@require_POST
def hold(request: HttpRequest) -> HttpResponse:
    sandbox = _managed(request)
    clock.hold(sandbox)
    messages.success(request, f"“{sandbox.name}” is held: paid orders stay paid until you "
                              f"release them or advance the clock.")
    return redirect("sandbox:console")


@sandbox_page
@require_POST
def resume(request: HttpRequest) -> HttpResponse:
    sandbox = _managed(request)
    clock.resume(sandbox)
    messages.success(request, f"“{sandbox.name}” processes orders by itself again.")
    return redirect("sandbox:console")


@sandbox_page
@require_POST
def advance(request: HttpRequest) -> HttpResponse:
    sandbox = _managed(request)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        return console_page(request, advance_form=form, status=400)
    seconds = form.cleaned_data["seconds"]
    clock.advance(sandbox, seconds)
    messages.success(request, f"Moved the clock of “{sandbox.name}” on by {seconds} s.")
    return redirect("sandbox:console")


@sandbox_page
@require_POST
def release_all(request: HttpRequest) -> HttpResponse:
    sandbox = _managed(request)
    ended = clock.release(sandbox)
    messages.success(request, f"Released {ended} paid order{'' if ended == 1 else 's'}.")
    return redirect("sandbox:console")


@sandbox_page
@require_POST
def order_action(request: HttpRequest) -> HttpResponse:
    """Release one paid order, or settle it as processed, blocked or failed."""
    sandbox = _managed(request)
    form = OrderClockForm(request.POST)
    if not form.is_valid():
        raise Http404("No such paid order in this sandbox.")
    order_id, action = form.cleaned_data["order"], form.cleaned_data["action"]
    done = (clock.release(sandbox, order_id) == 1 if action == "release"
            else clock.settle_now(sandbox, order_id, action))
    if not done:
        messages.error(request, f"Order {order_id} is not a paid order of “{sandbox.name}”.")
    elif action == "release":
        messages.success(request, f"Released order {order_id}.")
    else:
        messages.success(request, f"Settled order {order_id} as {action}.")
    return redirect("sandbox:console")
