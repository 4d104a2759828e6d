"""The price panel before sending: the sandbox's own quote, line by line, beside the form;
unbuyable packages marked beside their field; the wallet beside the total."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from playground import catalogue, money
from playground.builder import _query_value
from playground.sandbox.models import Account, Order
from tests.html_support import by_id, elements, text_of
from tests.live_support import HX, use_token

pytestmark = pytest.mark.django_db

D = Decimal
SHAPE = "create:{}:form"


def preview(client, query: dict):
    query = {"shape": SHAPE.format(query["type"]), **query}
    response = client.get("/preview", query, **HX)
    assert response.status_code == 200
    return response.content.decode()


def body_query(body: dict) -> dict:
    return {k: _query_value(v) for k, v in body.items()}


def panel_total(html: str) -> str | None:
    return text_of(html, "price-total")


# --- every product, package, coupon, discount account and country ---------------------------

COUNTRIES = ("Belgium", "Finland", "Germany", "Hungary", "Switzerland", "Japan",
             "United States", "united states", "United States of America")
COUPONS = (None, "SAVE10", "FIVEOFF", "SANDBOX-BLOCK", "SANDBOX-FAIL", "save10")


@st.composite
def bodies(draw):
    product_type = draw(st.sampled_from(sorted(catalogue.PRODUCTS)))
    body = catalogue.default_body(product_type)
    body["country"] = draw(st.sampled_from(COUNTRIES))
    size = draw(st.sampled_from(catalogue.PACKAGE_SIZES[product_type]))
    if product_type.startswith("new_datacenter"):
        del body["proxies[mixed]"]
        body[catalogue.pool_field(draw(st.sampled_from(sorted(catalogue.LOCATIONS))))] = size
    elif product_type == "new_residential":
        body["bandwidth"] = size
    elif product_type == "new_residential_unlimited":
        body["days"] = size
        body["location"] = draw(st.sampled_from(sorted(catalogue.SERVER_LOCATIONS)))
    else:
        body["requests"] = size
    if product_type in ("new_residential", "new_serp"):
        duration = draw(st.sampled_from((None, *catalogue.DURATIONS)))
        if duration:
            body["duration"] = duration
    coupon = draw(st.sampled_from(COUPONS))
    if coupon:
        body["coupon_code"] = coupon
    return body


@hsettings(max_examples=60, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies(), account=st.sampled_from(("sandbox-full", "sandbox-discount")))
def test_the_panels_total_is_the_price_the_sandbox_then_charges_to_the_cent(
        client, demo, body, account):
    Account.objects.filter(name=account).update(balance=D("100000.00"))
    money._wallets.clear()
    use_token(client, account)

    html = preview(client, body_query(body))
    shown = panel_total(html)
    response = client.post("/sandbox/v4/account/orders/create", body,
                           content_type="application/json", headers={"api-token": account})
    order_id = response.json()["data"]
    status = client.get(f"/sandbox/v4/account/orders/{order_id}/status",
                        headers={"api-token": account}).json()["data"]

    assert shown == f"{status['price']} {status['currency']}"
    assert Order.objects.get(pk=order_id).price == D(status["price"])


def test_the_panel_lists_package_coupon_discount_vat_and_total(client, demo):
    use_token(client, "sandbox-discount")

    html = preview(client, {"type": "new_datacenter_shared", "country": "Belgium",
                            "proxies_location": "mixed", "proxies_size": "1000",
                            "coupon_code": "SAVE10"})

    lines = [e["text"] for e in _rows(html)]
    # 24.00 -> SAVE10 21.60 -> discount 10 % 19.44 -> VAT 21 % 4.08 -> 23.52
    assert lines == ["Package: Datacenter proxies (shared) 24.00", "Coupon SAVE10 -2.40",
                     "API-ordering discount 10 % -2.16", "VAT 21 % (Belgium) 4.08",
                     "Total 23.52 USD"]


def _rows(html: str) -> list[dict]:
    return [e for e in elements(html) if e["tag"] == "tr"
            and set(e["attrs"].get("class", "").split()) & {"price-line", "price-total"}]


def test_without_a_token_the_discount_is_not_applied_and_the_panel_says_so(client, demo):
    html = preview(client, {"type": "new_datacenter_shared", "country": "Belgium",
                            "proxies_location": "mixed", "proxies_size": "1000"})

    assert text_of(html, "discount-note") == "No token: discount not applied."
    assert panel_total(html) == "29.04 USD"
    assert text_of(html, "panel-balance") is None


def test_the_panel_follows_the_pool_size_and_the_coupon(client, demo):
    base = {"type": "new_datacenter_shared", "country": "Belgium", "proxies_location": "mixed"}

    assert panel_total(preview(client, {**base, "proxies_size": "1000"})) == "29.04 USD"
    assert panel_total(preview(client, {**base, "proxies_size": "2500"})) == "65.34 USD"
    assert panel_total(preview(client, {**base, "proxies_size": "2500",
                                        "coupon_code": "FIVEOFF"})) == "59.29 USD"


def test_the_discount_is_the_stored_tokens_even_when_the_preview_is_cached(client, demo):
    query = {"type": "new_datacenter_shared", "country": "Belgium",
             "proxies_location": "mixed", "proxies_size": "1000"}
    use_token(client, "sandbox-discount")
    assert panel_total(preview(client, query)) == "26.14 USD"

    use_token(client, "sandbox-full")  # same query: the preview comes from the cache

    assert panel_total(preview(client, query)) == "29.04 USD"


# --- unbuyable packages --------------------------------------------------------------------

def test_an_unbuyable_pool_size_is_marked_beside_its_field_with_the_nearest_sizes(client, demo):
    html = preview(client, {"type": "new_datacenter_shared", "country": "Belgium",
                            "proxies_location": "mixed", "proxies_size": "1234"})

    assert text_of(html, "price-note-proxies_size") == (
        "1,234 is not a package size on sale; nearest: 1,000, 2,500.")
    assert text_of(html, "price-note-country") == ""
    assert "Missing or invalid pricing configuration." in text_of(html, "price-problem")
    assert text_of(html, "send-warning") == ("The sandbox cannot price this body: Send still "
                                             "sends it, to show the API's own error.")
    assert panel_total(html) is None


@pytest.mark.parametrize("query, field, note", [
    ({"type": "new_datacenter_shared", "days": "31"}, "days", "On sale: 30."),
    ({"type": "new_residential_unlimited", "location": "9"}, "location",
     "No server location 9; on sale: 1, 2, 3, 4."),
    ({"type": "new_residential", "bandwidth": "7"}, "bandwidth",
     "7 is not a package size on sale; nearest: 5, 10."),
    ({"type": "new_serp", "requests": "200000"}, "requests",
     "200,000 is not a package size on sale; nearest: 100,000."),
    ({"type": "new_datacenter_shared", "coupon_code": "NOPE"}, "coupon_code",
     "Not a sandbox coupon; known: SAVE10, FIVEOFF, SANDBOX-BLOCK, SANDBOX-FAIL, SANDBOX-SLOW."),
])
def test_each_unbuyable_field_is_the_one_marked(client, demo, query, field, note):
    html = preview(client, query)

    assert text_of(html, f"price-note-{field}") == note


def test_an_unbuyable_body_can_still_be_sent_and_gets_the_apis_error(client, demo):
    from tests.live_support import send

    use_token(client, "sandbox-full")
    response = send(client, {"endpoint": "create", "type": "new_datacenter_shared",
                             "country": "Belgium", "is_subscription": "true", "days": "30",
                             "proxies_location": "mixed", "proxies_size": "1234",
                             "bandwidth": "0"})

    assert response.status_code == 200
    assert "Missing or invalid pricing configuration." in response.content.decode()


def test_live_mode_gives_a_soft_note_for_an_unknown_size_and_blocks_nothing(client, demo,
                                                                          settings):
    settings.PROXYSCRAPE_API_BASE = "http://upstream.test"
    html = preview(client, {"type": "new_datacenter_shared", "country": "Belgium",
                            "proxies_location": "mixed", "proxies_size": "1234"})

    assert text_of(html, "price-note-proxies_size") == (
        "1,234 is not one of the sizes this playground knows (1,000, 2,500, 5,000, 10,000); "
        "the API decides.")
    assert text_of(html, "send-warning") == ""
    assert text_of(html, "price-problem") is None
    assert text_of(html, "no-quote") == money.NO_QUOTE
    assert by_id(html, "body-json")  # the request is valid and previewed


# --- the wallet beside the total -------------------------------------------------------------

def test_a_full_wallet_says_what_the_order_would_leave(client, demo):
    use_token(client, "sandbox-full")
    html = preview(client, {"type": "new_datacenter_shared", "country": "United States",
                            "proxies_location": "us", "proxies_size": "1000"})

    assert text_of(html, "panel-balance") == "250.00 USD"
    assert text_of(html, "price-leaves") == "this order would leave 223.60 USD"  # 250 - 26.40


def test_a_short_wallet_offers_a_top_up_of_the_missing_amount(client, demo):
    Account.objects.filter(name="sandbox-empty").update(balance=D("26.00"))
    use_token(client, "sandbox-empty")
    html = preview(client, {"type": "new_datacenter_shared", "country": "United States",
                            "proxies_location": "us", "proxies_size": "1000"})

    assert text_of(html, "price-short") == "short by 0.40 USD"
    link = by_id(html, "topup-link")[0]["attrs"]["href"]
    parts = urlsplit(link)
    assert parts.path == "/sandbox/"
    assert parse_qs(parts.query) == {"account": ["sandbox-empty@example.com"],
                                     "amount": ["0.40"]}

    console = client.get(link.partition("#")[0]).content.decode()
    topup = [e for e in elements(console) if "top-up" in e["within"]]
    chosen = [e["text"] for e in topup if e["tag"] == "option" and "selected" in e["attrs"]]
    assert chosen == ["sandbox-empty"]
    assert [e["attrs"]["value"] for e in topup if e["attrs"].get("name") == "amount"] == ["0.40"]


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


@hsettings(max_examples=300, deadline=None)
@given(product=st.sampled_from(sorted(catalogue.PRODUCTS)),
       fields=st.dictionaries(st.sampled_from(("country", "days", "bandwidth", "location",
                                               "requests", "duration", "is_subscription",
                                               "proxies[mixed]", "proxies[xx]", "coupon_code")),
                              JSON, max_size=6))
def test_any_json_body_gets_a_quote_or_a_reason_never_an_exception(product, fields):
    from playground.sandbox import quote

    result = quote.quote_body({**catalogue.default_body(product), **fields},
                              discount_percent=D("0"))

    assert isinstance(result, quote.Priced | quote.Problem)
