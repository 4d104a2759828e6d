"""One rule for what a country field accepts, used by the builder's form and the sandbox:
every spelling the sandbox takes, the form takes too (and a share link with it opens)."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django_countries import countries
from hypothesis import given
from hypothesis import strategies as st

from playground import catalogue
from playground.builder import Builder
from playground.forms import PRODUCT_FORMS
from playground.sandbox import orders
from tests.html_support import elements, text_of

SPELLINGS = sorted({variant for _code, name in countries
                    for variant in (str(name), str(name).lower(), str(name).upper(),
                                    f"  {name} ")}
                   | set(catalogue.COUNTRY_ALIASES) | {"United States", "UNITED STATES"})


def form_body(country: str) -> dict | None:
    form = PRODUCT_FORMS["new_datacenter_shared"].from_query({"country": country})
    return form.to_body() if form.is_valid() else None


def test_every_spelling_the_sandbox_accepts_the_form_accepts_as_the_lists_name():
    refused = []
    for spelling in SPELLINGS:
        assert orders.country_code(spelling), spelling  # the sandbox takes it
        body = form_body(spelling)
        if body is None or orders.country_code(body["country"]) != orders.country_code(spelling):
            refused.append(spelling)
    assert refused == []


@given(st.text(max_size=40))
def test_the_form_and_the_sandbox_agree_on_any_text(text):
    body = form_body(text)
    sandbox_takes = bool(orders.country_code(text))

    assert (body is not None) == sandbox_takes


def test_united_states_becomes_the_lists_spelling_in_the_body():
    assert form_body("United States")["country"] == "United States of America"
    assert form_body("united states")["country"] == "United States of America"


@pytest.mark.django_db
def test_a_share_link_with_united_states_opens_a_valid_request(client):
    response = client.get("/", {"type": "new_datacenter_shared", "country": "United States",
                                "proxies[us]": "1000"})

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "errors-country") == ""
    assert "is-invalid" not in html and "has-errors" not in html
    chosen = [e["text"] for e in elements(html) if e["tag"] == "option"
              and "selected" in e["attrs"] and "id_country" in e["within"]]
    assert chosen == ["United States of America"]
    assert Builder.from_query(QueryDict("type=new_datacenter_shared&country=United%20States"))\
        .spec.body["country"] == "United States of America"
    assert text_of(html, "price-total") == "26.40 USD"  # us pool: 24.00 + 10 %, no VAT


@pytest.mark.django_db
def test_in_live_mode_an_unlisted_country_is_a_note_not_an_error(client, settings):
    settings.PROXYSCRAPE_API_BASE = "http://upstream.test"
    response = client.get("/", {"type": "new_datacenter_shared", "country": "Narnia",
                                "proxies[mixed]": "1000"})

    html = response.content.decode()
    assert text_of(html, "errors-country") == ""
    assert text_of(html, "price-note-country") == (
        "“Narnia” is not a country name this playground knows; the API decides whether it "
        "takes it.")
    chosen = [e["text"] for e in elements(html) if e["tag"] == "option"
              and "selected" in e["attrs"] and "id_country" in e["within"]]
    assert chosen == ["Narnia (not in the list)"]
    assert '"country": "Narnia"' in " ".join(
        e["text"] for e in elements(html) if e["attrs"].get("id") == "body-json")


@pytest.mark.django_db
def test_in_sandbox_mode_an_unlisted_country_is_an_error_as_the_sandbox_would_refuse_it(client):
    html = client.get("/", {"type": "new_datacenter_shared", "country": "Narnia",
                            "proxies[mixed]": "1000"}).content.decode()

    assert text_of(html, "errors-country") == (
        "“Narnia” is not a country name; pick one from the list.")
