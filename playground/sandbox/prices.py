"""The sandbox's price list, VAT table and coupons, and the order arithmetic.

All figures are the sandbox's own (CONTRACT.md section 5), loosely anchored on public
pricing; the real API prices orders itself. Money is Decimal, rounded to cents at every
step, half up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from playground.catalogue import country_code

CENT = Decimal("0.01")
D = Decimal

# Datacenter: price of a pool (shared) or of a number of IPs (dedicated) at the
# `mixed` location, for one 30-day period. A single-country location costs 10 % more.
DATACENTER_SHARED = {1000: D("24.00"), 2500: D("54.00"), 5000: D("99.00"), 10000: D("179.00")}
DATACENTER_DEDICATED = {5: D("12.00"), 10: D("22.00"), 25: D("50.00"), 50: D("95.00"),
                        100: D("180.00")}
SINGLE_COUNTRY_MARKUP = D("1.10")

# Residential: GB pack -> price of a pack that never expires; expiring packs are cheaper.
RESIDENTIAL = {1: D("4.00"), 5: D("17.50"), 10: D("32.00"), 25: D("75.00"), 50: D("140.00")}
DURATION_FACTOR = {None: D("1.00"), "30d": D("0.80"), "60d": D("0.90"), "90d": D("0.95")}

# Residential unlimited: days -> price, the same at every server location.
RESIDENTIAL_UNLIMITED = {1: D("25.00"), 7: D("120.00"), 30: D("399.00")}

# SERP: requests in the pack -> price of a pack that never expires.
SERP = {1000: D("2.50"), 10000: D("20.00"), 50000: D("85.00"), 100000: D("150.00")}

# Each product's price table: package size -> price. The sizes are exactly those the builder
# suggests (catalogue.PACKAGE_SIZES); any other size is the pricing 400.
PACKAGE_PRICES: dict[str, dict[int, Decimal]] = {
    "new_datacenter_shared": DATACENTER_SHARED,
    "new_datacenter_dedicated": DATACENTER_DEDICATED,
    "new_residential": RESIDENTIAL,
    "new_residential_unlimited": RESIDENTIAL_UNLIMITED,
    "new_serp": SERP,
}

# EU standard VAT rates (percent) by ISO code; every other country pays none.
VAT_RATES = {
    "AT": D("20"), "BE": D("21"), "BG": D("20"), "HR": D("25"), "CY": D("19"), "CZ": D("21"),
    "DK": D("25"), "EE": D("24"), "FI": D("25.5"), "FR": D("20"), "DE": D("19"), "GR": D("24"),
    "HU": D("27"), "IE": D("23"), "IT": D("22"), "LV": D("21"), "LT": D("21"), "LU": D("17"),
    "MT": D("18"), "NL": D("21"), "PL": D("23"), "PT": D("23"), "RO": D("21"), "SK": D("23"),
    "SI": D("22"), "ES": D("21"), "SE": D("25"),
}


@dataclass(frozen=True)
class Coupon:
    code: str
    description: str
    percent_off: Decimal = D("0")
    amount_off: Decimal = D("0")
    scenario: str = ""  # "", "blocked", "failed" or "slow"


COUPONS = {
    c.code: c
    for c in (
        Coupon("SAVE10", "10 % off the package price.", percent_off=D("10")),
        Coupon("FIVEOFF", "5.00 off the package price (never below zero).", amount_off=D("5.00")),
        Coupon("SANDBOX-BLOCK", "The order ends blocked, with a block_reason; money returned.",
               scenario="blocked"),
        Coupon("SANDBOX-FAIL", "The order ends failed; money returned.", scenario="failed"),
        Coupon("SANDBOX-SLOW", "Processing takes 20 seconds instead of under one.",
               scenario="slow"),
    )
}
INVALID_COUPON = "Invalid coupon code."  # (assumed) error text


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def find_coupon(code: str) -> Coupon | None:
    return COUPONS.get(code.strip().upper())


def vat_rate(country_name: str) -> Decimal:
    return VAT_RATES.get(country_code(country_name), D("0"))


@dataclass(frozen=True)
class Quote:
    package: Decimal
    after_coupon: Decimal
    after_discount: Decimal
    vat_percent: Decimal
    vat: Decimal
    total: Decimal


def quote(package: Decimal, *, coupon: Coupon | None, discount_percent: Decimal,
          country: str) -> Quote:
    """Package price, then the coupon, then the account discount, then VAT."""
    after_coupon = package
    if coupon is not None:
        after_coupon = cents(package * (100 - coupon.percent_off) / 100)
        after_coupon = max(after_coupon - coupon.amount_off, D("0.00"))
    after_discount = cents(after_coupon * (100 - discount_percent) / 100)
    rate = vat_rate(country)
    vat = cents(after_discount * rate / 100)
    return Quote(package, after_coupon, after_discount, rate, vat, after_discount + vat)
