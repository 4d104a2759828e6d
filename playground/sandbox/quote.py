"""The quote: what an order body costs in the sandbox, line by line, or why it cannot be
bought. One pure function for the builder's price panel and for the sandbox's own debit,
so the two cannot disagree. No request, no database: the discount is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from playground.catalogue import LOCATIONS, POOL_FIELD, PRODUCTS, SERVER_LOCATIONS
from playground.sandbox import orders, prices
from playground.spec import ERROR_PRICING


@dataclass(frozen=True)
class Line:
    label: str
    amount: Decimal  # negative for what is taken off


@dataclass(frozen=True)
class Priced:
    package: orders.Package
    coupon: prices.Coupon | None
    steps: prices.Quote
    currency: str
    discount_percent: Decimal

    @property
    def total(self) -> Decimal:
        return self.steps.total

    @property
    def lines(self) -> list[Line]:
        q = self.steps
        lines = [Line(f"Package: {self.package.product.label}", q.package)]
        if self.coupon is not None:
            lines.append(Line(f"Coupon {self.coupon.code}", q.after_coupon - q.package))
        lines.append(Line(f"API-ordering discount {self.discount_percent.normalize():f} %",
                          q.after_discount - q.after_coupon))
        lines.append(Line(f"VAT {q.vat_percent.normalize():f} % ({self.package.country})", q.vat))
        return lines


@dataclass(frozen=True)
class Problem:
    """Why a body cannot be bought: the API's error text, and, where one field is the cause,
    that field's name in the builder's form and the nearest buyable values."""

    error: str
    field: str = ""
    note: str = ""
    nearest: tuple = ()


def quote_body(body: dict, *, discount_percent: Decimal,
               currency: str = "USD") -> Priced | Problem:
    """The sandbox's price for an order body, as it will debit it, or the refusal."""
    package = orders.read_package(body)
    if package is None:
        return diagnose(body) or Problem(ERROR_PRICING)
    coupon = None
    code = body.get("coupon_code")
    if code not in (None, ""):
        coupon = prices.find_coupon(code) if isinstance(code, str) else None
        if coupon is None:
            return Problem(prices.INVALID_COUPON, "coupon_code",
                           "Not a sandbox coupon; known: " + ", ".join(prices.COUPONS) + ".")
    steps = prices.quote(package.price, coupon=coupon, discount_percent=discount_percent,
                         country=package.country)
    return Priced(package, coupon, steps, currency, discount_percent)


# --- which field makes a body unbuyable ------------------------------------------------------

# The field that sizes each product's package, and its price table.
SIZE_FIELDS = {
    "new_datacenter_shared": "proxies",
    "new_datacenter_dedicated": "proxies",
    "new_residential": "bandwidth",
    "new_residential_unlimited": "days",
    "new_serp": "requests",
}


def nearest(value: int, sizes) -> tuple[int, ...]:
    """The buyable sizes just below and just above ``value``."""
    below = [s for s in sizes if s < value]
    above = [s for s in sizes if s > value]
    return tuple(x for x in (max(below, default=None), min(above, default=None))
                 if x is not None)


def _sizes_text(sizes) -> str:
    return ", ".join(f"{s:,}" for s in sizes)


def size_problem(product_type: str, value: object) -> Problem | None:
    """A package size the price list does not sell, with the nearest ones that it does."""
    sizes = tuple(prices.PACKAGE_PRICES[product_type])
    if type(value) is not int or value in sizes:
        return None
    field = "proxies_size" if SIZE_FIELDS[product_type] == "proxies" \
        else SIZE_FIELDS[product_type]
    close = nearest(value, sizes)
    return Problem(ERROR_PRICING, field,
                   f"{value:,} is not a package size on sale; nearest: {_sizes_text(close)}.",
                   close)


def diagnose(body: dict) -> Problem | None:
    """The first field of a body that makes it unbuyable, or None when none is to blame."""
    product_type = body.get("type")
    product = PRODUCTS.get(product_type) if isinstance(product_type, str) else None
    if product is None:
        return Problem(ERROR_PRICING, "type", "Not a product the sandbox sells.")
    for f in product.fields:
        if f.kind == "pool":
            entries = [(m.group(1), body[k]) for k in body if (m := POOL_FIELD.match(k))]
            if len(entries) != 1:
                return Problem(ERROR_PRICING, "proxies_location",
                               "Exactly one proxies[<location>] entry is needed.")
            location, size = entries[0]
            if location not in LOCATIONS:
                return Problem(ERROR_PRICING, "proxies_location",
                               f"Unknown location; on sale: {', '.join(LOCATIONS)}.")
            found = size_problem(product.type, size)
            if found is not None:
                return found
            continue
        value = body.get(f.name)
        if value is None:
            if f.required:
                return Problem(ERROR_PRICING, f.name, "Required.")
            continue
        if f.kind == "country" and not (isinstance(value, str) and orders.country_code(value)):
            return Problem(ERROR_PRICING, f.name, "Not a country name the sandbox knows.")
        if f.name == SIZE_FIELDS[product.type]:
            found = size_problem(product.type, value)
            if found is not None:
                return found
        if f.name == "location" and not (type(value) is int and value in SERVER_LOCATIONS):
            close = nearest(value, SERVER_LOCATIONS) if type(value) is int else ()
            return Problem(ERROR_PRICING, f.name,
                           f"No server location {value}; on sale: "
                           f"{_sizes_text(SERVER_LOCATIONS)}.", close)
        if f.kind == "choice" and not any(type(value) is type(k) and value == k
                                          for k in f.choices):
            return Problem(ERROR_PRICING, f.name,
                           "On sale: " + ", ".join(str(k) for k in f.choices) + ".",
                           tuple(f.choices))
    return None
