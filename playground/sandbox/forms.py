from decimal import Decimal

from django import forms

from playground.sandbox.clock import ADVANCE_MAX
from playground.sandbox.models import Account, Order
from playground.sandbox.sandboxes import NAME_MAX_LENGTH

JWT_LIFETIMES = [
    (900, "15 minutes"),
    (3600, "1 hour"),
    (60, "1 minute"),
    (-60, "Already expired (to see the 401)"),
]


class _Scoped(forms.Form):
    """A console form whose account (or order) must be one the owner may act on:
    ``accounts`` (or ``orders``) is the queryset that validates; ``shown`` the accounts
    its list offers (the current sandbox's)."""

    def __init__(self, *args, accounts=None, orders=None, shown=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "account" in self.fields and accounts is not None:
            field = self.fields["account"]
            field.queryset = accounts  # type: ignore[attr-defined]
            if shown is not None:
                field.widget.choices = [(a.pk, a.name) for a in shown]
        if "order" in self.fields and orders is not None:
            self.fields["order"].queryset = orders  # type: ignore[attr-defined]


class TopUpForm(_Scoped):
    account = forms.ModelChoiceField(queryset=Account.objects.all())
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_value=Decimal("100000"),
                                max_digits=9, decimal_places=2, initial=Decimal("50.00"))


class RefundForm(_Scoped):
    order = forms.ModelChoiceField(queryset=Order.objects.all(), to_field_name="pk")


class JwtForm(_Scoped):
    account = forms.ModelChoiceField(queryset=Account.objects.all())
    lifetime = forms.TypedChoiceField(choices=JWT_LIFETIMES, coerce=int, initial=900)


class NewSandboxForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, strip=True)


class AdvanceForm(forms.Form):
    seconds = forms.IntegerField(min_value=1, max_value=ADVANCE_MAX, initial=60)


ORDER_ACTIONS = [("release", "Release"), ("processed", "Settle as processed"),
                 ("blocked", "Settle as blocked"), ("failed", "Settle as failed")]


class OrderClockForm(forms.Form):
    order = forms.UUIDField()
    action = forms.ChoiceField(choices=ORDER_ACTIONS)
