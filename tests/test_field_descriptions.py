"""Every input the builder renders names, in aria-describedby, only ids that exist on the
page: its help text, its error list and its price note, in every product, mode and
endpoint, with and without errors (Django's own ``<id>_error`` would name a missing id)."""

from __future__ import annotations

import pytest

from playground import catalogue
from tests.html_support import elements

PAGES = [
    *(f"/?type={product}" for product in catalogue.PRODUCTS),
    "/?type=new_datacenter_shared&proxies_size=0&country=Atlantis",  # errors, rendered whole
    "/?type=new_serp&mode=raw",
    "/?endpoint=status&order_id=not-a-uuid",
    "/?endpoint=status",
    "/?endpoint=balance",
]


def described_inputs(html: str) -> list[tuple[str, list[str]]]:
    return [(e["attrs"].get("id", e["attrs"].get("name", "")),
             e["attrs"]["aria-describedby"].split())
            for e in elements(html) if "aria-describedby" in e["attrs"]]


@pytest.mark.parametrize("url", PAGES)
def test_aria_describedby_names_only_ids_on_the_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    ids = {e["attrs"]["id"] for e in elements(html) if "id" in e["attrs"]}
    described = described_inputs(html)
    assert described  # the token field at least
    for name, refs in described:
        assert [ref for ref in refs if ref not in ids] == [], name


def test_an_invalid_field_is_described_by_its_error_list_and_marked_invalid(client, db):
    html = client.get("/?type=new_datacenter_shared&proxies_size=0").content.decode()
    [field] = [e for e in elements(html) if e["attrs"].get("id") == "id_proxies_size"]
    assert field["attrs"]["aria-invalid"] == "true"
    assert field["attrs"]["aria-describedby"].split() == [
        "id_proxies_size_helptext", "errors-proxies_size", "price-note-proxies_size"]
    [errors] = [e for e in elements(html) if e["attrs"].get("id") == "errors-proxies_size"]
    assert errors["text"] == "Ensure this value is greater than or equal to 1."
