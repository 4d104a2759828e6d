"""Reading an order body: which product and package it asks for, and at what price.

The rules follow CONTRACT.md sections 2 and 4. Anything that does not describe a
buyable package answers ``None``; the caller turns that into the pricing 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django_countries import countries

from playground import catalogue
from playground.catalogue import LOCATIONS, POOL_FIELD, PRODUCTS, SERVER_LOCATIONS, Field, Product
from playground.sandbox import prices


@dataclass(frozen=True)
class Package:
    product: Product
    price: Decimal
    country: str
    size: int  # pool size, IPs, GB, days or requests: what the proxy list is sized by


def country_code(name: str) -> str:
    """The ISO code of a full country name, or "" (the catalogue's one rule)."""
    return catalogue.country_code(name)


def _is_int(value) -> bool:
    return type(value) is int  # bool is an int subclass; JSON booleans are not numbers


def _valid(f: Field, value) -> bool:
    if f.kind == "country":
        return isinstance(value, str) and bool(value.strip()) and bool(country_code(value))
    if f.kind == "bool":
        return isinstance(value, bool)
    if f.kind == "int":
        return _is_int(value) and value >= f.minimum
    if f.kind == "choice":
        return any(type(value) is type(key) and value == key for key in f.choices)
    raise ValueError(f.kind)


def _pool(body: dict) -> tuple[str, int] | None:
    """The one ``proxies[<location>]`` entry of a datacenter body."""
    entries = [(m.group(1), body[key]) for key in body if (m := POOL_FIELD.match(key))]
    if len(entries) != 1:
        return None
    location, size = entries[0]
    if location not in LOCATIONS or not _is_int(size) or size < 1:
        return None
    return location, size


def read_package(body: dict) -> Package | None:
    product_type = body.get("type")
    product = PRODUCTS.get(product_type) if isinstance(product_type, str) else None
    if product is None:
        return None
    values: dict[str, Any] = {}  # JSON values, each checked against its field's kind
    for f in product.fields:
        if f.kind == "pool":
            pool = _pool(body)
            if pool is None:
                return None
            values[f.name] = pool
            continue
        value = body.get(f.name)
        if value is None:
            if f.required:
                return None
            values[f.name] = None
            continue
        if not _valid(f, value):
            return None
        values[f.name] = value
    price = _price(product.type, values)
    if price is None:
        return None
    size = values["proxies"][1] if "proxies" in values else next(
        v for k, v in values.items() if k in ("bandwidth", "days", "requests"))
    return Package(product, price, countries.name(country_code(values["country"])), size)


def _price(product_type: str, v: dict) -> Decimal | None:
    if product_type in ("new_datacenter_shared", "new_datacenter_dedicated"):
        table = (prices.DATACENTER_SHARED if product_type == "new_datacenter_shared"
                 else prices.DATACENTER_DEDICATED)
        location, size = v["proxies"]
        base = table.get(size)
        if base is None:
            return None
        return base if location == "mixed" else prices.cents(base * prices.SINGLE_COUNTRY_MARKUP)
    if product_type in ("new_residential", "new_serp"):
        table = prices.RESIDENTIAL if product_type == "new_residential" else prices.SERP
        amount = v["bandwidth"] if product_type == "new_residential" else v["requests"]
        base = table.get(amount)
        if base is None:
            return None
        return prices.cents(base * prices.DURATION_FACTOR[v["duration"]])
    if product_type == "new_residential_unlimited":
        if v["location"] not in SERVER_LOCATIONS:
            return None
        return prices.RESIDENTIAL_UNLIMITED.get(v["days"])
    return None
