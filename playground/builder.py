"""The builder's state, read from a query string and written back as one.

A page URL, a preview request and a snippet download all carry the same query string,
so a link reproduces the request exactly. It never carries a token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote, urlencode

from django.http import QueryDict

from playground import catalogue
from playground.forms import PRODUCT_FORMS, OrderIdForm, ProductForm, RawBodyForm
from playground.spec import ENDPOINTS, RequestSpec, body_text
from playground.web.reversing import fixed_url

MODES = ("form", "raw")
AUTH_CHOICES = {"api-token": "api-token header", "bearer": "Authorization: Bearer"}
# "mine" (the stored token in what the user sees) is never written back into a query string.
TOKEN_CHOICES = {"placeholder": "Placeholder", "env": "From $PROXYSCRAPE_API_TOKEN",
                 "mine": "My stored token (never in links)"}
FLOW_CHOICES = {"single": "Single call", "full": "Complete script"}
# Query keys that are not part of the request itself.
OPTION_KEYS = ("auth", "token", "flow", "include_token")
STRUCTURE_KEYS = ("endpoint", "mode", "shape")


# The one input the builder reads, by endpoint: a product's form or the raw body (create),
# the order id (status), nothing (balance).
InputForm = ProductForm | RawBodyForm | OrderIdForm


def _pick(query: QueryDict, key: str, allowed, default: str) -> str:
    value = query.get(key, default)
    return value if value in allowed else default


@dataclass
class Builder:
    endpoint: str
    product_type: str
    mode: str
    auth: str
    token: str
    flow: str
    query: QueryDict
    active_form: InputForm | None = None
    notices: list[str] = field(default_factory=list)
    # "Include my token": the user's stored token in the snippets they see. Deliberately
    # not part of query_string(), so no link or URL ever asks for it.
    include_token: bool = False

    # --- reading -----------------------------------------------------------------------

    @classmethod
    def from_query(cls, query: QueryDict) -> Builder:
        endpoint = _pick(query, "endpoint", ENDPOINTS, "create")
        product_type = _pick(query, "type", catalogue.PRODUCTS, catalogue.DEFAULT_PRODUCT)
        builder = cls(
            endpoint=endpoint,
            product_type=product_type,
            mode=_pick(query, "mode", MODES, "form"),
            auth=_pick(query, "auth", AUTH_CHOICES, "api-token"),
            token=_pick(query, "token", TOKEN_CHOICES, "placeholder"),
            flow=_pick(query, "flow", FLOW_CHOICES, "single"),
            query=query,
            include_token=query.get("include_token") in ("1", "on", "true")
            or query.get("token") == "mine",
        )
        if builder.token == "mine":  # the mode snippets fall back to without a stored token
            builder.token = "placeholder"
        if endpoint == "create" and builder.mode == "raw":
            text = query.get("body")
            if text is None:  # switching from the form: start from its body
                form = PRODUCT_FORMS[product_type].from_query(query)
                text = body_text(form.to_body() if form.is_valid() else
                                 catalogue.default_body(product_type))
            builder.active_form = RawBodyForm({"body": text})
        elif endpoint == "create":
            query = _from_raw_body(query, builder)
            builder.product_type = _pick(query, "type", catalogue.PRODUCTS, product_type)
            query = _on_product_switch(query, builder.product_type)
            builder.active_form = PRODUCT_FORMS[builder.product_type].from_query(query)
        elif endpoint == "status":
            builder.active_form = OrderIdForm({"order_id": query.get("order_id", "")})
        return builder

    @property
    def shape(self) -> str:
        """What the rendered form looks like: a change means the whole builder re-renders."""
        return f"{self.endpoint}:{self.product_type}:{self.mode}"

    @property
    def form(self) -> ProductForm | None:
        """The product's form, when the body is built field by field."""
        return self.active_form if isinstance(self.active_form, ProductForm) else None

    @property
    def raw_form(self) -> RawBodyForm | None:
        """The body as JSON text, in Raw JSON mode."""
        return self.active_form if isinstance(self.active_form, RawBodyForm) else None

    @property
    def order_form(self) -> OrderIdForm | None:
        """The order id, for the status endpoint."""
        return self.active_form if isinstance(self.active_form, OrderIdForm) else None

    @property
    def is_valid(self) -> bool:
        form = self.active_form
        return form is None or form.is_valid()

    @cached_property
    def spec(self) -> RequestSpec | None:
        """The request, or None while the input is invalid. Worked out once: a builder is
        complete when ``from_query`` returns it, and a preview asks for it several times."""
        if not self.is_valid:
            return None
        form = self.active_form
        if isinstance(form, OrderIdForm):
            return RequestSpec.status(str(form.cleaned_data["order_id"]))
        if isinstance(form, RawBodyForm):
            return RequestSpec.create(form.cleaned_data["body"])
        if isinstance(form, ProductForm):
            return RequestSpec.create(form.to_body())
        return RequestSpec.balance()

    @property
    def product(self) -> catalogue.Product:
        return catalogue.PRODUCTS[self.product_type]

    # --- writing -------------------------------------------------------------------------

    def options_items(self) -> list[tuple[str, str]]:
        items = []
        if self.auth != "api-token":
            items.append(("auth", self.auth))
        if self.token != "placeholder":
            items.append(("token", self.token))
        if self.flow != "single":
            items.append(("flow", self.flow))
        return items

    def request_items(self) -> list[tuple[str, str]]:
        """The request part of the query: the API's own field names for a valid body."""
        spec = self.spec
        if self.endpoint == "balance":
            return [("endpoint", "balance")]
        if self.endpoint == "status":
            return [("endpoint", "status"), ("order_id", self.query.get("order_id", ""))]
        if isinstance(self.active_form, RawBodyForm):
            return [("mode", "raw"), ("body", self.active_form.data["body"])]
        if spec is None:  # invalid input: keep what was typed, as typed
            return [(k, self.query.get(k, "")) for k in self.query
                    if k not in (*OPTION_KEYS, *STRUCTURE_KEYS)]
        return [(k, _query_value(v)) for k, v in (spec.body or {}).items()]

    def query_string(self) -> str:
        return self._query_string

    @cached_property
    def _query_string(self) -> str:
        return urlencode(self.request_items() + self.options_items(), quote_via=_quote)

    def page_url(self) -> str:
        query = self.query_string()
        page = fixed_url("playground:index")
        return f"{page}?{query}" if query else page


def _from_raw_body(query: QueryDict, builder: Builder) -> QueryDict:
    """Coming back from Raw JSON: the form takes what it knows of the body; the rest is
    named in a notice, not silently dropped."""
    text = query.get("body")
    if text is None:
        return query
    form = RawBodyForm({"body": text})
    if not form.is_valid() or form.cleaned_data["body"].get("type") not in catalogue.PRODUCTS:
        builder.notices.append("The raw body was not a known product's order, so the form "
                               "starts from its defaults.")
        return QueryDict(mutable=True)
    body = form.cleaned_data["body"]
    unknown = [k for k in body if k not in catalogue.PRODUCTS[body["type"]].field_names
               and k not in ("type", *catalogue.SHARED_OPTIONAL_FIELDS)
               and not catalogue.POOL_FIELD.match(k)]
    if unknown:
        builder.notices.append("Not in this form, so left out: " + ", ".join(unknown)
                               + ". Switch to Raw JSON to send them.")
    converted = QueryDict(mutable=True)
    for key, value in body.items():
        if key not in unknown:
            converted[key] = _query_value(value)
    return converted


def _on_product_switch(query: QueryDict, product_type: str) -> QueryDict:
    """Just switched product in the form: keep what every product shares (country, coupon,
    overrides, options) and start the rest from the new product's defaults. A field of the
    same name can mean something else (datacenter ``bandwidth`` 0 is unlimited; residential
    needs at least 1 GB), so carrying it over would show an error nobody typed."""
    endpoint, _, rest = query.get("shape", "").partition(":")
    previous, _, mode = rest.partition(":")
    if endpoint != "create" or mode != "form" or previous in ("", product_type):
        return query
    kept = QueryDict(mutable=True)
    for key in ("type", "country", *catalogue.SHARED_OPTIONAL_FIELDS, *OPTION_KEYS,
                *STRUCTURE_KEYS):
        if key in query:
            kept.setlist(key, query.getlist(key))
    return kept


def _query_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _quote(value, safe="", encoding=None, errors=None):
    """Percent-encoding that keeps ``[`` and ``]`` readable, as in ``proxies[mixed]``."""
    return quote(value, safe="[]", encoding=encoding, errors=errors)


@dataclass
class CheckoutImport:
    query: QueryDict
    unknown: list[str]
    defaulted: list[str]


class CheckoutLinkError(ValueError):
    pass


def import_checkout_link(url: str) -> CheckoutImport:
    """The builder query for a marketing checkout link such as
    ``https://proxyscrape.com/purchase?type=new_residential&bandwidth=1``.

    Fields the catalogue does not know are returned in ``unknown``; required fields the
    link leaves out take the form's defaults and are returned in ``defaulted``.
    """
    from urllib.parse import parse_qsl, urlsplit

    url = url.strip()
    if not url:
        raise CheckoutLinkError("Paste a checkout link first.")
    try:
        parts = urlsplit(url if "://" in url or url.startswith("?") else f"https://{url}")
    except ValueError:  # e.g. an unclosed IPv6 bracket: "https://[::1/purchase?..."
        raise CheckoutLinkError("That is not a link this playground can read.") from None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not pairs:
        raise CheckoutLinkError("That link has no query string (nothing after “?”) to import.")
    values = dict(pairs)
    product = catalogue.PRODUCTS.get(values.get("type", ""))
    if product is None:
        known = ", ".join(catalogue.PRODUCTS)
        raise CheckoutLinkError(
            f"The link's type “{values.get('type', '')}” is not a product this playground knows "
            f"({known}).")
    query = QueryDict(mutable=True)
    unknown = []
    for key, value in pairs:
        name = "proxies" if catalogue.POOL_FIELD.match(key) else key
        if key == "type" or name in catalogue.SHARED_OPTIONAL_FIELDS:
            query[key] = value
        elif name in product.field_names:
            kind = product.field(name).kind
            query[key] = ("true" if value.lower() in ("1", "true", "yes", "on") else "false") \
                if kind == "bool" else value
        else:
            unknown.append(key)
    present = {("proxies" if catalogue.POOL_FIELD.match(k) else k) for k in query}
    defaulted = [f.name if f.kind != "pool" else "proxies[<location>]"
                 for f in product.fields if f.required and f.name not in present]
    return CheckoutImport(query, unknown, defaulted)
