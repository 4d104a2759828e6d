from decimal import Decimal

from django import forms

from playground.sandbox.models import Account, Order

JWT_LIFETIMES = [
    (900, "15 minutes"),
    (3600, "1 hour"),
    (60, "1 minute"),
    (-60, "Already expired (to see the 401)"),
]


class TopUpForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.all())
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_value=Decimal("100000"),
                                max_digits=9, decimal_places=2, initial=Decimal("50.00"))


class RefundForm(forms.Form):
    order = forms.ModelChoiceField(queryset=Order.objects.all(), to_field_name="pk")


class JwtForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.all())
    lifetime = forms.TypedChoiceField(choices=JWT_LIFETIMES, coerce=int, initial=900)
