"""The console's form for arming a fault (playground/sandbox/chaos.py does the arming)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from playground.sandbox import chaos


class ArmFaultForm(forms.Form):
    kind = forms.ChoiceField(label="Fault", choices=[(k, v.label) for k, v in chaos.KINDS.items()])
    endpoint = forms.ChoiceField(label="Endpoint", choices=list(chaos.ENDPOINTS.items()))
    calls = forms.IntegerField(label="For the next calls", min_value=1, max_value=chaos.MAX_CALLS,
                               initial=1)
    seconds = forms.FloatField(label="Seconds (latency, or Retry-After)", min_value=0,
                               required=False, initial=0)

    def clean_seconds(self) -> float:
        seconds = self.cleaned_data.get("seconds") or 0.0
        if self.cleaned_data.get("kind") == chaos.LATENCY \
                and seconds > settings.SANDBOX_FAULT_MAX_LATENCY:
            raise forms.ValidationError(
                f"At most {settings.SANDBOX_FAULT_MAX_LATENCY:g} s (SANDBOX_FAULT_MAX_LATENCY).")
        if seconds > 86400:
            raise forms.ValidationError("At most 86400 s.")
        return seconds
