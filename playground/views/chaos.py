"""The sandbox console's faults page: arm a fault for a sandbox's next calls, disarm it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from playground import journal_console
from playground.owners import owner_for
from playground.sandbox import chaos
from playground.sandbox.fault_forms import ArmFaultForm
from playground.sandbox.models import ArmedFault, Sandbox
from playground.views._shared import HtmxHttpRequest
from playground.views.journal import visible_sandbox


def _page(request: HtmxHttpRequest, sandbox: Sandbox, *, form: ArmFaultForm | None = None,
          status: int = 200) -> HttpResponse:
    return TemplateResponse(request, "sandbox/faults.html", {
        "sandbox": sandbox, "form": form or ArmFaultForm(),
        "faults": sandbox.armed_faults.all(), "kinds": chaos.KINDS,
        "endpoints": chaos.ENDPOINTS,
        "may_arm": journal_console.may_arm(owner_for(request), sandbox),
    }, status=status)


@require_GET
def faults_page(request: HtmxHttpRequest, sandbox_id: int) -> HttpResponse:
    return _page(request, visible_sandbox(request, sandbox_id))


@require_POST
def faults_arm(request: HtmxHttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox = visible_sandbox(request, sandbox_id)
    if not journal_console.may_arm(owner_for(request), sandbox):
        return HttpResponse("Only this sandbox's owner (or staff) may arm its faults.",
                            status=403, content_type="text/plain; charset=utf-8")
    form = ArmFaultForm(request.POST)
    if not form.is_valid():
        return _page(request, sandbox, form=form, status=400)
    if sandbox.armed_faults.filter(remaining__gt=0).count() >= chaos.MAX_ARMED:
        form.add_error(None, f"A sandbox may have {chaos.MAX_ARMED} faults armed at once: "
                             "disarm one first.")
        return _page(request, sandbox, form=form, status=400)
    data = form.cleaned_data
    fault = chaos.arm(sandbox.pk, kind=data["kind"], endpoint=data["endpoint"],
                      calls=data["calls"], seconds=data["seconds"])
    messages.success(request, f"Armed: {chaos.KINDS[fault.kind].label}, on "
                              f"{chaos.ENDPOINTS[fault.endpoint]}, for the next "
                              f"{fault.remaining} call(s).")
    return redirect("playground:sandbox_faults", sandbox_id=sandbox.pk)


@require_POST
def faults_disarm(request: HtmxHttpRequest, sandbox_id: int, fault_id: int) -> HttpResponse:
    sandbox = visible_sandbox(request, sandbox_id)
    if not journal_console.may_arm(owner_for(request), sandbox):
        return HttpResponse("Only this sandbox's owner (or staff) may disarm its faults.",
                            status=403, content_type="text/plain; charset=utf-8")
    ArmedFault.objects.filter(sandbox=sandbox, pk=fault_id).delete()
    messages.success(request, "Disarmed.")
    return redirect("playground:sandbox_faults", sandbox_id=sandbox.pk)
