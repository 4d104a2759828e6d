"""The builder's forms: one Form class per product, each turning its input into an order body.

Fields, choices, help texts and limits come from ``playground.catalogue``. Field names in
the body are exactly the API's; booleans and numbers become JSON booleans and numbers.
Known package sizes are offered as suggestions only: the API decides what is buyable.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from playground import catalogue, strictjson
from playground.api import is_sandbox
from playground.catalogue import PRODUCTS, Product, pool_field
from playground.spec import AUTH_FORMS

MAX_NUMBER = 1_000_000_000  # larger numbers are a typo, not an order
BOOL_CHOICES = [("true", "Yes"), ("false", "No")]


class SuggestionsInput(forms.NumberInput):
    """A number input with a <datalist> of known sizes; any other size can be typed."""

    template_name = "playground/widgets/number_with_suggestions.html"

    def __init__(self, suggestions=(), attrs=None):
        super().__init__(attrs)
        self.suggestions = tuple(suggestions)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["suggestions"] = self.suggestions
        if self.suggestions:
            list_id = f"{attrs.get('id', name)}-suggestions"
            context["widget"]["list_id"] = list_id
            context["widget"]["attrs"]["list"] = list_id
        return context


class CountrySelect(forms.Select):
    """The country <select>, its 249 options rendered in Python and cached per selection
    (through the template engine they cost tens of milliseconds a page)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # "united states" selects "United States of America": the rule's own spelling
        selected = catalogue.country_name(str(value or "")) or str(value or "")
        unlisted = format_html('<option value="{}" selected>{} (not in the list)</option>',
                               selected, selected) if selected and not catalogue.country_code(
            selected) and not is_sandbox() else ""
        return mark_safe(f"<select{flatatt(final_attrs)}>{unlisted}{_country_options(selected)}"
                         "</select>")


@lru_cache(maxsize=32)
def _country_options(selected: str) -> str:
    return "".join(
        format_html('<option value="{}"{}>{}</option>', value,
                    mark_safe(" selected") if value == selected else "", label)
        for value, label in catalogue.country_choices())


class CountryField(forms.ChoiceField):
    """A country by full name, from django-countries' list.

    The choices are a callable, so building a form does not copy 249 of them, and a
    value is checked against a set rather than the list.
    """

    default_error_messages = {
        "invalid_choice": "“%(value)s” is not a country name; pick one from the list.",
    }

    widget = CountrySelect

    def __init__(self, **kwargs):
        super().__init__(choices=catalogue.country_choices, **kwargs)

    def valid_value(self, value) -> bool:
        """A name the one rule knows; in live mode also any other plausible name (the API
        decides: the price panel notes it), never in sandbox mode, where it would fail."""
        if catalogue.country_code(value):
            return True
        return not is_sandbox() and unlisted_country_ok(value)

    def clean(self, value):
        """Any spelling the sandbox accepts (catalogue.country_code), as the list spells it."""
        value = super().clean(value)
        return (catalogue.country_name(value) or value.strip()) if value else value


def unlisted_country_ok(value: str) -> bool:
    """A name outside the list that live mode lets through: printable, not blank, short."""
    return isinstance(value, str) and value.strip() != "" and len(value) <= 100 \
        and value.isprintable()


def _bool(value) -> bool:
    return value in (True, "true", "True", "1", "on", "yes")


def _number_field(f: catalogue.Field) -> forms.IntegerField:
    """A number; known values are suggested, any other can be typed."""
    labels = {} if f.kind == "pool" else f.choices
    help_text = f.help
    if labels:
        help_text += " Known: " + ", ".join(f"{k} = {v}" for k, v in labels.items()) + "."
    elif f.suggestions:
        help_text += " Known sizes: " + ", ".join(f"{s:,}" for s in f.suggestions) + "."
    return forms.IntegerField(
        label=f.label,
        required=f.required,
        min_value=f.minimum,
        max_value=MAX_NUMBER,
        help_text=help_text,
        initial=f.default,
        widget=SuggestionsInput(f.suggestions or tuple(labels)),
    )


def _form_fields(product: Product) -> dict[str, forms.Field]:
    """Django form fields for one product, named as the query string names them."""
    fields: dict[str, forms.Field] = {
        "type": forms.CharField(widget=forms.HiddenInput, initial=product.type)}
    for f in product.fields:
        if f.kind == "country":
            fields[f.name] = CountryField(label=f.label, help_text=f.help, initial=f.default)
        elif f.kind == "bool":
            fields[f.name] = forms.TypedChoiceField(
                label=f.label, choices=BOOL_CHOICES, coerce=_bool, help_text=f.help,
                initial="true" if f.default else "false")
        elif f.kind == "pool":
            fields["proxies_location"] = forms.ChoiceField(
                label="Location", choices=list(f.choices.items()), initial="mixed",
                help_text="One location per order; the body says proxies[<location>].")
            fields["proxies_size"] = _number_field(f)
        elif f.kind == "choice" and all(isinstance(k, str) for k in f.choices):
            fields[f.name] = forms.ChoiceField(
                label=f.label, required=f.required, help_text=f.help,
                choices=[("", "Never expires" if f.name == "duration" else "—"),
                         *f.choices.items()])
        else:  # numbers: "int", and "choice" with numeric keys (days, bandwidth)
            fields[f.name] = _number_field(f)
    fields["coupon_code"] = forms.CharField(
        label="Coupon code", required=False, max_length=64,
        help_text="Optional. Applied before any API-ordering discount.")
    fields["email"] = forms.EmailField(
        label="Email", required=False, max_length=254,
        help_text="Optional. Overrides the email of the authenticated identity.")
    fields["fname"] = forms.CharField(label="First name", required=False, max_length=100)
    fields["lname"] = forms.CharField(label="Last name", required=False, max_length=100)
    return fields


class DescribedField(forms.BoundField):
    """A builder field described by its help text, its error list and its price note: the
    ids ``_field.html`` renders beside every field (the list and the note even when empty),
    so ``aria-describedby`` never names a missing element."""

    @property
    def aria_describedby(self) -> str:
        ids = [f"{self.auto_id}_helptext"] if self.help_text else []
        return " ".join([*ids, f"errors-{self.html_name}", f"price-note-{self.html_name}"])


class SharedFields(dict):
    """A product form's fields, shared by its instances rather than deep-copied for each.

    Django copies a form's fields per instance so that one instance may change its own; the
    builder never does, and copying eleven fields was a fifth of a keystroke's preview. So
    nothing may change a field of a ProductForm instance (tests/test_builder_forms.py checks
    that building, validating and rendering forms leaves every field as it was)."""

    def __deepcopy__(self, memo):
        return dict(self)


class ProductFormMetaclass(forms.forms.DeclarativeFieldsMetaclass):
    """Declares a product form's fields from the catalogue entry it names."""

    def __new__(mcs, name, bases, attrs):
        product = attrs.get("product")
        if product is not None:
            attrs = {**_form_fields(product), **attrs}
        cls = super().__new__(mcs, name, bases, attrs)
        if product is not None:
            cls.base_fields = SharedFields(cls.base_fields)
        return cls


class ProductForm(forms.Form, metaclass=ProductFormMetaclass):
    """Base of the per-product forms; a subclass names its ``product``."""

    product: Product
    advanced_fields = ("email", "fname", "lname")
    bound_field_class = DescribedField

    @classmethod
    def from_query(cls, query) -> ProductForm:
        """A bound form from a query string; fields it does not name take their defaults.

        Accepts the API's own ``proxies[<location>]=<size>`` as well as the form's inputs.
        """
        data = {name: query.get(name) for name in cls.base_fields if name in query}
        for key in query:
            match = catalogue.POOL_FIELD.match(key)
            if match and "proxies_location" in cls.base_fields:
                data.setdefault("proxies_location", match.group(1))
                data.setdefault("proxies_size", query.get(key))
        for name, field in cls.base_fields.items():
            if name not in data and field.initial is not None:
                data[name] = field.initial
        data["type"] = cls.product.type
        return cls(data)

    def clean_type(self):
        return self.product.type

    def to_body(self) -> dict:
        """The order body for valid input, in the catalogue's field order."""
        data = self.cleaned_data
        body: dict = {"type": self.product.type}
        for f in self.product.fields:
            if f.kind == "pool":
                body[pool_field(data["proxies_location"])] = data["proxies_size"]
            elif data.get(f.name) not in (None, ""):
                body[f.name] = data[f.name]
        for name in catalogue.SHARED_OPTIONAL_FIELDS:
            if data.get(name):
                body[name] = data[name]
        return body

    @property
    def main_fields(self):
        return [self[n] for n in self.fields if n != "type" and n not in
                (*self.advanced_fields, "coupon_code")]


class DatacenterSharedForm(ProductForm):
    product = PRODUCTS["new_datacenter_shared"]


class DatacenterDedicatedForm(ProductForm):
    product = PRODUCTS["new_datacenter_dedicated"]


class ResidentialForm(ProductForm):
    product = PRODUCTS["new_residential"]


class ResidentialUnlimitedForm(ProductForm):
    product = PRODUCTS["new_residential_unlimited"]


class SerpForm(ProductForm):
    product = PRODUCTS["new_serp"]


PRODUCT_FORMS: dict[str, type[ProductForm]] = {
    form.product.type: form
    for form in (DatacenterSharedForm, DatacenterDedicatedForm, ResidentialForm,
                 ResidentialUnlimitedForm, SerpForm)
}


class OrderIdForm(forms.Form):
    bound_field_class = DescribedField
    order_id = forms.UUIDField(
        label="Order id", help_text="The id that placing an order returned.",
        error_messages={"invalid": "Enter an order id: a UUID such as "
                                   "0bc1a40f-2a17-4c84-9b2b-f4b9d3e0b3a1."})


class RawBodyForm(forms.Form):
    """The body as JSON text, for fields the product forms do not know."""

    bound_field_class = DescribedField

    body = forms.CharField(
        label="JSON body", strip=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "mono"}))

    def clean_body(self):
        text = self.cleaned_data["body"]
        try:
            value = strictjson.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                "Invalid JSON: %(msg)s at line %(line)s, column %(col)s.",
                params={"msg": exc.msg, "line": exc.lineno, "col": exc.colno},
                code="json") from None
        except ValueError as exc:
            raise forms.ValidationError(f"Invalid JSON: {exc}.", code="json") from None
        except RecursionError:
            raise forms.ValidationError("Invalid JSON: nested too deeply.", code="json") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("The body must be a JSON object ({ ... }).",
                                        code="object")
        problem = strictjson.problem(value)  # the sandbox refuses the same bodies
        if problem is not None:
            raise forms.ValidationError(f"The body {problem}; the API cannot take it.",
                                        code="unsendable")
        return value


def _printable(value: str) -> None:
    if not value.isprintable():
        raise forms.ValidationError("Use printable characters only.", code="printable")


class ProxyListSnippetForm(forms.Form):
    """Which subaccount a proxy-list script is for: its ids as the status answer gave them."""

    account_id = forms.CharField(label="AccountID", max_length=100, validators=[_printable])
    account_type = forms.CharField(label="AccountType", max_length=100,
                                   validators=[_printable])
    auth = forms.ChoiceField(choices=[(a, a) for a in AUTH_FORMS], required=False)
    flavour = forms.ChoiceField(choices=[("single", "single"), ("full", "full")],
                                required=False)
