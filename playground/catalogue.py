"""The product catalogue: every order `type`, its fields, choices and labels.

This module is the single source of truth shared by the playground's forms and the
sandbox's validation. Entries marked ``assumed=True`` are not fixed by the vendor's page
(see CONTRACT.md section 4 and the README): change them here when the real behaviour
is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from django_countries import countries

# Pool locations of the datacenter products, in the vendor's order.
LOCATIONS: dict[str, str] = {
    "mixed": "Mixed (worldwide)",
    "us": "United States",
    "gb": "United Kingdom",
    "de": "Germany",
    "fr": "France",
    "ca": "Canada",
    "es": "Spain",
    "it": "Italy",
    "br": "Brazil",
    "th": "Thailand",
}

DURATIONS: dict[str, str] = {"30d": "30 days", "60d": "60 days", "90d": "90 days"}

# Residential Unlimited server locations (assumed ids: the real list lives in the dashboard).
SERVER_LOCATIONS: dict[int, str] = {
    1: "US East (Ashburn)",
    2: "US West (Los Angeles)",
    3: "Germany (Frankfurt)",
    4: "Singapore",
}

# The package sizes the builder suggests for each product, smallest first: exactly the sizes
# the sandbox sells (playground/sandbox/prices.py prices each; tests/test_sandbox_pricing.py
# holds the two lists together). Any other size can still be typed.
PACKAGE_SIZES: dict[str, tuple[int, ...]] = {
    "new_datacenter_shared": (1000, 2500, 5000, 10000),  # proxies in the pool
    "new_datacenter_dedicated": (5, 10, 25, 50, 100),  # IPs
    "new_residential": (1, 5, 10, 25, 50),  # GB
    "new_residential_unlimited": (1, 7, 30),  # days
    "new_serp": (1000, 10000, 50000, 100000),  # requests
}

POOL_FIELD = re.compile(r"^proxies\[([a-z]+)\]$")
OVERRIDE_FIELDS = ("email", "fname", "lname")
SHARED_OPTIONAL_FIELDS = ("coupon_code", *OVERRIDE_FIELDS)


def pool_field(location: str) -> str:
    return f"proxies[{location}]"


@dataclass(frozen=True)
class Field:
    """One product-specific field of an order body, named exactly as the API names it.

    kind: ``country`` (full name), ``bool``, ``int``, ``choice`` (one of ``choices``), or
    ``pool`` (the ``proxies[<location>]`` pair: a location and a size).
    """

    name: str
    label: str
    kind: str
    help: str = ""
    required: bool = True
    choices: dict = field(default_factory=dict)
    suggestions: tuple[int, ...] = ()
    default: object = None
    minimum: int = 0


@dataclass(frozen=True)
class Product:
    type: str
    label: str
    account_type: str
    summary: str
    fields: tuple[Field, ...]
    assumed: bool = False

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


COUNTRY = Field(
    "country",
    "Country",
    "country",
    help="Billing country, by full name (\u201cBelgium\u201d, not \u201cBE\u201d). "
         "VAT follows from it.",
    default="Belgium",
)


def _datacenter(type_: str, label: str, account_type: str, size_label: str, summary: str, *,
                assumed=False, default_size=None) -> Product:
    return Product(
        type=type_,
        label=label,
        account_type=account_type,
        summary=summary,
        assumed=assumed,
        fields=(
            COUNTRY,
            Field("is_subscription", "Subscription", "bool",
                  help="Renew automatically every period.", default=True),
            Field("days", "Days", "choice", help="Length of the period.",
                  choices={30: "30 days"}, default=30),
            Field("proxies", size_label, "pool",
                  help="How many, at the chosen location.",
                  choices=LOCATIONS, suggestions=PACKAGE_SIZES[type_], default=default_size,
                  minimum=1),
            Field("bandwidth", "Bandwidth", "choice", help="0 means unlimited.",
                  choices={0: "Unlimited"}, default=0),
        ),
    )


PRODUCTS: dict[str, Product] = {
    p.type: p
    for p in (
        _datacenter(
            "new_datacenter_shared", "Datacenter proxies (shared)", "datacenter_shared",
            "Pool size",
            "A shared pool of datacenter IPs, billed per period.", default_size=1000,
        ),
        _datacenter(
            "new_datacenter_dedicated", "Datacenter proxies (dedicated)", "datacenter_dedicated",
            "Dedicated IPs",
            "Datacenter IPs for your use only, billed per period.", assumed=True, default_size=10,
        ),
        Product(
            type="new_residential",
            label="Residential proxies",
            account_type="residential",
            summary="A bandwidth pack of residential traffic.",
            fields=(
                COUNTRY,
                Field("bandwidth", "Bandwidth (GB)", "int",
                      help="Size of the bandwidth pack in GB.",
                      suggestions=PACKAGE_SIZES["new_residential"], default=1, minimum=1),
                Field("duration", "Duration", "choice", required=False,
                      help="Leave empty for a pack that never expires.", choices=DURATIONS),
            ),
        ),
        Product(
            type="new_residential_unlimited",
            label="Residential unlimited",
            account_type="residential_unlimited",
            summary="Unmetered residential traffic through one server location.",
            assumed=True,
            fields=(
                COUNTRY,
                Field("location", "Server location", "int",
                      help="Server-location id, as listed on the dashboard's Residential "
                           "Unlimited page.",
                      choices=SERVER_LOCATIONS, suggestions=tuple(SERVER_LOCATIONS), default=1,
                      minimum=1),
                Field("days", "Days", "int", help="Length of the period in days.",
                      suggestions=PACKAGE_SIZES["new_residential_unlimited"], default=1,
                      minimum=1),
            ),
        ),
        Product(
            type="new_serp",
            label="SERP API requests",
            account_type="serp",
            summary="A pack of search-engine result requests.",
            assumed=True,
            fields=(
                COUNTRY,
                Field("requests", "Requests", "int", help="Number of requests in the pack.",
                      suggestions=PACKAGE_SIZES["new_serp"], default=1000, minimum=1),
                Field("duration", "Duration", "choice", required=False,
                      help="Leave empty for a pack that never expires.", choices=DURATIONS),
            ),
        ),
    )
}

DEFAULT_PRODUCT = "new_datacenter_shared"


@cache
def country_names() -> frozenset[str]:
    """Every country's full English name, from django-countries."""
    return frozenset(str(name) for _code, name in countries)


@cache
def country_choices() -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(name)) for _code, name in countries)


# Common full names that django-countries spells differently (assumed: the vendor's own list
# of accepted names is not public). Matched case-insensitively, like every other name.
COUNTRY_ALIASES = {"united states": "US"}


def country_code(name: str) -> str:
    """The ISO code of a full country name, or "" when it names no country: the one rule
    for what a ``country`` field accepts, used by the builder's form and by the sandbox.
    Case and surrounding spaces do not matter; the aliases above count as names."""
    name = name.strip()
    return _country_code(name) if 0 < len(name) <= 100 else ""


@lru_cache(maxsize=1024)
def _country_code(name: str) -> str:
    return countries.by_name(name) or COUNTRY_ALIASES.get(name.casefold(), "")


def country_name(name: str) -> str:
    """The list's own spelling of a country name the rule accepts ("" for none):
    "united states" gives "United States of America"."""
    code = country_code(name)
    return str(countries.name(code)) if code else ""


def default_body(product_type: str = DEFAULT_PRODUCT) -> dict:
    """The body a product form starts from (for datacenter shared, the vendor's example)."""
    product = PRODUCTS[product_type]
    body: dict = {"type": product.type}
    for f in product.fields:
        if f.default is None:
            continue
        if f.kind == "pool":
            body[pool_field("mixed")] = f.default
        else:
            body[f.name] = f.default
    return body
