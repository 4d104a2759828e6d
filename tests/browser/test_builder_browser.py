"""The builder in a real browser: each product's form drives the JSON body and the three
snippets through the debounced htmx preview, the share link reproduces the state, field
errors appear beside their field, and Raw JSON names the parser's line and column."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

LANGS = {"curl": "cURL", "python": "Python", "node": "Node"}
# A preview waits 250 ms after the last keystroke, then renders in a few ms.
PREVIEW_TIMEOUT_MS = 5_000

# product value -> ({field label: value to set}, the body the form must then produce)
PRODUCTS = {
    "new_datacenter_shared": (
        {"Location": "us", "Pool size": "5000", "Country": "Germany",
         "Coupon code": "SPRING10"},
        {"type": "new_datacenter_shared", "country": "Germany", "is_subscription": True,
         "days": 30, "proxies[us]": 5000, "bandwidth": 0, "coupon_code": "SPRING10"},
    ),
    "new_datacenter_dedicated": (
        {"Subscription": "false", "Dedicated IPs": "25", "Country": "France"},
        {"type": "new_datacenter_dedicated", "country": "France", "is_subscription": False,
         "days": 30, "proxies[mixed]": 25, "bandwidth": 0},
    ),
    "new_residential": (
        {"Bandwidth (GB)": "5", "Duration": "30d", "Country": "Netherlands"},
        {"type": "new_residential", "country": "Netherlands", "bandwidth": 5,
         "duration": "30d"},
    ),
    "new_residential_unlimited": (
        {"Server location": "3", "Days": "7", "Coupon code": "UNLTD"},
        {"type": "new_residential_unlimited", "country": "Belgium", "location": 3, "days": 7,
         "coupon_code": "UNLTD"},
    ),
    "new_serp": (
        {"Requests": "25000", "Country": "Spain"},
        {"type": "new_serp", "country": "Spain", "requests": 25000},
    ),
}


def snippet_fragment(lang: str, key: str, value) -> str:
    """How one body member reads in a language's snippet."""
    if lang == "python":
        literal = repr(value) if isinstance(value, bool) else json.dumps(value)
        return f"{json.dumps(key)}: {literal}"
    if lang == "node" and re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", key):
        return f"{key}: {json.dumps(value)}"
    return f"{json.dumps(key)}: {json.dumps(value)}"  # cURL sends the JSON text itself


def wait_for_body(page: Page, expected: dict) -> None:
    """Wait until #body-json holds exactly ``expected`` (same members, same JSON types)."""
    body = page.locator("#body-json")
    try:
        page.wait_for_function(
            """([expected]) => {
                const el = document.querySelector("#body-json");
                try { return JSON.stringify(JSON.parse(el.textContent)) === expected; }
                catch (e) { return false; }
            }""",
            arg=[json.dumps(expected, separators=(",", ":"))],
            timeout=PREVIEW_TIMEOUT_MS,
        )
    except Exception:  # show a readable difference instead of a bare timeout
        assert json.loads(body.text_content()) == expected
        raise


def by_label(page: Page, label: str):
    """A form field by its label text; optional fields say "(optional)" after it."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\(optional\))?$"))


def set_field(page: Page, label: str, value: str) -> None:
    field = by_label(page, label)
    if field.evaluate("el => el.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def wait_for_builder(page: Page, product: str, mode: str = "form") -> None:
    """The builder re-rendered for this product and mode (and htmx finished settling)."""
    expect(page.locator('#builder input[name="shape"]')).to_have_value(
        f"create:{product}:{mode}", timeout=PREVIEW_TIMEOUT_MS)
    expect(page.locator("#builder.htmx-settling, #builder.htmx-request")).to_have_count(0)


def check_snippets(page: Page, expected: dict) -> None:
    for lang, label in LANGS.items():
        page.get_by_role("tab", name=label, exact=True).click()
        panel = page.locator(f"#panel-{lang}")
        expect(panel).to_be_visible()
        expect(page.locator(f"#panel-{lang} ~ [role=tabpanel]:visible")).to_have_count(0)
        code = page.locator(f"#code-{lang}")
        for key, value in expected.items():
            expect(code).to_contain_text(snippet_fragment(lang, key, value))
    page.get_by_role("tab", name="cURL", exact=True).click()


def copy_share_link(page: Page) -> str:
    page.get_by_role("button", name="Copy share link").click()
    expect(page.locator("#copy-link")).to_have_text("Link copied")
    return page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize("product", list(PRODUCTS))
def test_each_product_drives_body_snippets_and_share_link(app, page, context, page_problems,
                                                          product):
    fields, expected = PRODUCTS[product]
    page.goto("/")
    wait_for_builder(page, "new_datacenter_shared")
    expect(page.locator("#body-json")).to_contain_text('"type": "new_datacenter_shared"')

    if product != "new_datacenter_shared":
        page.get_by_label("Product", exact=True).select_option(product)
        wait_for_builder(page, product)
        expect(page.locator("#body-json")).to_contain_text(f'"type": "{product}"')
    for label, value in fields.items():
        set_field(page, label, value)
    wait_for_body(page, expected)
    check_snippets(page, expected)
    expect(page.locator("#preview-status")).to_have_class(re.compile(r"\bok\b"))

    # The share link is the page's own URL, in the API's field names, and reopens the state.
    expect(page).to_have_url(re.compile(re.escape(f"type={product}")))
    link = copy_share_link(page)
    assert link == page.url
    for key in expected:
        assert f"{key}=" in link, key
    assert "token" not in link

    again = context.new_page()
    again.goto(link)
    wait_for_builder(again, product)
    for label, value in fields.items():
        expect(by_label(again, label)).to_have_value(value)
    wait_for_body(again, expected)
    assert again.locator("#body-json").text_content() == page.locator(
        "#body-json").text_content()
    check_snippets(again, expected)

    assert page_problems.all() == []


def test_invalid_input_shows_the_error_beside_the_field_and_keeps_the_last_body(
        app, page, page_problems):
    page.goto("/")
    wait_for_builder(page, "new_datacenter_shared")
    page.get_by_label("Pool size", exact=True).fill("2000")
    valid = {"type": "new_datacenter_shared", "country": "Belgium", "is_subscription": True,
             "days": 30, "proxies[mixed]": 2000, "bandwidth": 0}
    wait_for_body(page, valid)

    page.get_by_label("Pool size", exact=True).fill("0")
    field = page.locator(".field-proxies_size")
    expect(field.locator(".errorlist")).to_have_text(
        "Ensure this value is greater than or equal to 1.", timeout=PREVIEW_TIMEOUT_MS)
    expect(page.locator("#preview-status")).to_have_text(
        "The current input is invalid; the preview still shows the last valid request.")
    expect(page.locator("#preview-status")).to_have_class(re.compile(r"\binvalid\b"))
    assert json.loads(page.locator("#body-json").text_content()) == valid
    expect(page.locator("#code-curl")).to_contain_text('"proxies[mixed]": 2000')

    # Fixing it clears the error and the preview follows again.
    page.get_by_label("Pool size", exact=True).fill("3000")
    wait_for_body(page, {**valid, "proxies[mixed]": 3000})
    expect(field.locator(".errorlist li")).to_have_count(0)
    expect(page.locator("#preview-status")).to_have_class(re.compile(r"\bok\b"))

    assert page_problems.all() == []


def test_raw_json_mode_names_line_and_column_of_broken_json(app, page, page_problems):
    page.goto("/?type=new_serp&requests=5000")
    wait_for_builder(page, "new_serp")
    start = {"type": "new_serp", "country": "Belgium", "requests": 5000}
    wait_for_body(page, start)

    page.get_by_label("Raw JSON", exact=True).check()
    wait_for_builder(page, "new_serp", mode="raw")
    raw = page.get_by_label("JSON body", exact=True)
    assert json.loads(raw.input_value()) == start

    raw.evaluate("el => { el.dataset.typedIn = 'yes'; }")
    raw.fill('{\n  "type": "new_serp",\n  "requests": 7000\n}')
    wait_for_body(page, {"type": "new_serp", "requests": 7000})
    # The preview follows without re-rendering the textarea being typed in.
    expect(page.locator("textarea[data-typed-in=yes]")).to_have_count(1)

    broken = '{\n  "type": "new_serp",\n  "requests": \n}'
    try:
        json.loads(broken)
    except json.JSONDecodeError as exc:
        message = f"Invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
    assert "line 4, column 1" in message
    raw.fill(broken)
    expect(page.locator(".field-body .errorlist")).to_have_text(message,
                                                                 timeout=PREVIEW_TIMEOUT_MS)
    expect(page.locator("#preview-status")).to_have_text(re.compile("current input is invalid"))
    assert json.loads(page.locator("#body-json").text_content()) == {
        "type": "new_serp", "requests": 7000}

    assert page_problems.all() == []
