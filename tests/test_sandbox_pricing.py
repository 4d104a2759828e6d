"""Price arithmetic: package, then coupon, then the account discount, then VAT, each step
rounded half up to the cent. Every expected figure is worked out by hand in the test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from playground import catalogue
from playground.forms import PRODUCT_FORMS
from playground.sandbox import orders, prices
from playground.sandbox.models import Order
from tests.test_sandbox_support import (
    SHARED_1000,
    auth_headers,
    balance_of,
    place,
    status_url,
)

pytestmark = pytest.mark.django_db

D = Decimal


def _shared(location="mixed", size=1000, **fields):
    body = {k: v for k, v in SHARED_1000.items() if k != "proxies[mixed]"}
    return {**body, f"proxies[{location}]": size, **fields}


def _dedicated(location, size, country):
    return {**_shared(location, size, country=country), "type": "new_datacenter_dedicated"}


def _residential(bandwidth, country="Belgium", duration=None, **fields):
    body = {"type": "new_residential", "country": country, "bandwidth": bandwidth, **fields}
    return body if duration is None else {**body, "duration": duration}


def _serp(requests, country="Belgium", duration=None, **fields):
    body = {"type": "new_serp", "country": country, "requests": requests, **fields}
    return body if duration is None else {**body, "duration": duration}


# account, body, price the API reports (worked out step by step in the comment)
CASES = {
    # 24.00; VAT 21 % = 5.04
    "shared mixed 1000, Belgium": ("sandbox-full", _shared(), "29.04"),
    # 54.00; VAT 21 % = 11.34
    "shared mixed 2500, Belgium": ("sandbox-full", _shared(size=2500), "65.34"),
    # 24.00 * 1.10 = 26.40; no VAT outside the EU
    "shared us 1000, United States": ("sandbox-full", _shared("us", country="United States"),
                                      "26.40"),
    # the playground's spelling of the same country
    "shared us 1000, United States of America": (
        "sandbox-full", _shared("us", country="United States of America"), "26.40"),
    # 26.40; VAT 21 % = 5.544 -> 5.54
    "shared us 1000, Belgium": ("sandbox-full", _shared("us"), "31.94"),
    # 179.00 * 1.10 = 196.90; VAT 19 % = 37.411 -> 37.41
    "shared de 10000, Germany": ("sandbox-full", _shared("de", 10000, country="Germany"),
                                 "234.31"),
    # 24.00 - 10 % = 21.60; VAT 21 % = 4.536 -> 4.54
    "SAVE10, Belgium": ("sandbox-full", _shared(coupon_code="SAVE10"), "26.14"),
    # 24.00 - 5.00 = 19.00; VAT 21 % = 3.99
    "FIVEOFF, Belgium": ("sandbox-full", _shared(coupon_code="FIVEOFF"), "22.99"),
    # 24.00 - 10 % discount = 21.60; VAT 21 % = 4.536 -> 4.54
    "discount only, Belgium": ("sandbox-discount", _shared(), "26.14"),
    # 24.00 -> SAVE10 21.60 -> discount 10 % 19.44 -> VAT 21 % 4.0824 -> 4.08
    "SAVE10 then discount, Belgium": ("sandbox-discount", _shared(coupon_code="SAVE10"),
                                      "23.52"),
    # 24.00 -> FIVEOFF 19.00 -> discount 10 % 17.10 -> VAT 21 % 3.591 -> 3.59
    "FIVEOFF then discount, Belgium": ("sandbox-discount", _shared(coupon_code="FIVEOFF"),
                                       "20.69"),
    # 2.50; VAT 21 % = 0.525 -> 0.53 (half up; half even would say 0.52)
    "serp 1000, VAT rounds half up": ("sandbox-full", _serp(1000), "3.03"),
    # 2.50 -> SAVE10 2.25 -> discount 2.025 -> 2.03 (half up) -> VAT 0.4263 -> 0.43
    "serp 1000, discount rounds half up": ("sandbox-discount", _serp(1000, coupon_code="SAVE10"),
                                           "2.46"),
    # 17.50 * 0.95 = 16.625 -> 16.63 (half up); VAT 21 % = 3.4923 -> 3.49
    "residential 5 GB 90d, package rounds half up": (
        "sandbox-full", _residential(5, duration="90d"), "20.12"),
    # 16.63 -> SAVE10 14.967 -> 14.97 -> discount 13.473 -> 13.47 -> VAT 2.8287 -> 2.83
    "residential 5 GB 90d, every step rounds": (
        "sandbox-discount", _residential(5, duration="90d", coupon_code="SAVE10"), "16.30"),
    # 4.00 * 0.80 = 3.20 -> FIVEOFF would go below zero: 0.00; VAT 0.00
    "FIVEOFF never goes below zero": ("sandbox-full",
                                      _residential(1, "Germany", "30d", coupon_code="FIVEOFF"),
                                      "0.00"),
    # 32.00 * 0.90 = 28.80; VAT 25.5 % = 7.344 -> 7.34
    "residential 10 GB 60d, Finland 25.5 %": ("sandbox-full",
                                              _residential(10, "Finland", "60d"), "36.14"),
    # 12.00 * 1.10 = 13.20; VAT 19 % = 2.508 -> 2.51
    "dedicated de 5, Germany": ("sandbox-full", _dedicated("de", 5, "Germany"), "15.71"),
    # 22.00; VAT 20 % = 4.40
    "dedicated mixed 10, France": ("sandbox-full", _dedicated("mixed", 10, "France"), "26.40"),
    # 120.00; VAT 20 % = 24.00
    "residential unlimited 7 days, France": (
        "sandbox-full", {"type": "new_residential_unlimited", "country": "France", "location": 3,
                         "days": 7}, "144.00"),
    # 20.00 * 0.90 = 18.00; VAT 27 % = 4.86
    "serp 10000 60d, Hungary": ("sandbox-full", _serp(10000, "Hungary", "60d"), "22.86"),
    # country names are matched case-insensitively: 24.00 + 5.04
    "lower-case country": ("sandbox-full", _shared(country="belgium"), "29.04"),
    # Switzerland is not in the EU: 24.00, no VAT
    "Switzerland pays no VAT": ("sandbox-full", _shared(country="Switzerland"), "24.00"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_order_price_is_coupon_then_discount_then_vat_and_the_wallet_pays_it(client, demo,
                                                                                 case):
    account, body, expected = CASES[case]
    before = balance_of(account)

    order_id = place(client, body, account)
    data = client.get(status_url(order_id), headers=auth_headers(account)).json()["data"]

    assert data["price"] == expected
    assert Order.objects.get(pk=order_id).price == D(expected)
    assert balance_of(account) == before - D(expected)


def test_the_discount_account_gets_ten_percent_off_after_the_coupon(client, demo):
    full = place(client, _shared(coupon_code="SAVE10"), "sandbox-full")
    discounted = place(client, _shared(coupon_code="SAVE10"), "sandbox-discount")

    # both 21.60 after the coupon; the discount account then 19.44, i.e. 10 % of 21.60 off
    assert Order.objects.get(pk=full).price == D("26.14")  # 21.60 + 4.54
    assert Order.objects.get(pk=discounted).price == D("23.52")  # 19.44 + 4.08


@pytest.mark.parametrize("amounts, coupon, discount, country, parts", [
    # package, after coupon, after discount, VAT %, VAT, total
    (D("24.00"), "SAVE10", D("10"), "Belgium",
     (D("24.00"), D("21.60"), D("19.44"), D("21"), D("4.08"), D("23.52"))),
    (D("24.00"), "FIVEOFF", D("10"), "Belgium",
     (D("24.00"), D("19.00"), D("17.10"), D("21"), D("3.59"), D("20.69"))),
    (D("2.50"), "SAVE10", D("10"), "Belgium",
     (D("2.50"), D("2.25"), D("2.03"), D("21"), D("0.43"), D("2.46"))),
    (D("2.50"), None, D("0"), "Belgium",
     (D("2.50"), D("2.50"), D("2.50"), D("21"), D("0.53"), D("3.03"))),
    (D("4.00"), "FIVEOFF", D("0"), "Belgium",
     (D("4.00"), D("0.00"), D("0.00"), D("21"), D("0.00"), D("0.00"))),
    (D("99.00"), None, D("12.5"), "Ireland",  # 86.625 -> 86.63; VAT 23 % 19.9249 -> 19.92
     (D("99.00"), D("99.00"), D("86.63"), D("23"), D("19.92"), D("106.55"))),
    (D("54.00"), "SAVE10", D("0"), "Japan",
     (D("54.00"), D("48.60"), D("48.60"), D("0"), D("0.00"), D("48.60"))),
])
def test_quote_shows_every_step_exactly(amounts, coupon, discount, country, parts):
    quote = prices.quote(amounts, coupon=prices.find_coupon(coupon) if coupon else None,
                         discount_percent=discount, country=country)

    assert (quote.package, quote.after_coupon, quote.after_discount, quote.vat_percent,
            quote.vat, quote.total) == parts
    assert all(type(value) is Decimal for value in (quote.after_coupon, quote.after_discount,
                                                    quote.vat, quote.total))
    assert quote.total.as_tuple().exponent == -2


def test_the_price_list_anchors_from_the_contract():
    assert prices.DATACENTER_SHARED[1000] == D("24.00")
    assert prices.DATACENTER_SHARED[2500] == D("54.00")
    assert prices.cents(prices.DATACENTER_SHARED[1000] * prices.SINGLE_COUNTRY_MARKUP) == D("26.40")
    assert prices.vat_rate("Belgium") == D("21")
    assert prices.vat_rate("United States of America") == D("0")


# The builder's input that carries each product's package size.
SIZE_INPUTS = {
    "new_datacenter_shared": ("proxies_size", "proxies[mixed]"),
    "new_datacenter_dedicated": ("proxies_size", "proxies[mixed]"),
    "new_residential": ("bandwidth", "bandwidth"),
    "new_residential_unlimited": ("days", "days"),
    "new_serp": ("requests", "requests"),
}


def test_the_builder_suggests_exactly_the_package_sizes_the_sandbox_prices():
    suggested = {product_type: PRODUCT_FORMS[product_type].base_fields[name].widget.suggestions
                 for product_type, (name, _key) in SIZE_INPUTS.items()}
    priced = {product_type: tuple(table) for product_type, table in prices.PACKAGE_PRICES.items()}

    assert suggested == catalogue.PACKAGE_SIZES
    assert priced == catalogue.PACKAGE_SIZES
    assert set(catalogue.PACKAGE_SIZES) == set(catalogue.PRODUCTS)


@pytest.mark.parametrize("product_type", sorted(SIZE_INPUTS))
def test_every_suggested_size_is_buyable_at_its_listed_price_and_a_larger_one_is_not(
        product_type):
    key = SIZE_INPUTS[product_type][1]
    sizes = catalogue.PACKAGE_SIZES[product_type]
    for size in sizes:
        package = orders.read_package({**catalogue.default_body(product_type), key: size})

        assert package is not None
        assert (package.size, package.price) == (size,
                                                  prices.PACKAGE_PRICES[product_type][size])

    assert orders.read_package({**catalogue.default_body(product_type), key: max(sizes) + 1}) \
        is None


def test_scenario_coupons_cost_nothing_extra(client, demo):
    order_id = place(client, _shared(coupon_code="SANDBOX-SLOW"))

    assert Order.objects.get(pk=order_id).price == D("29.04")
