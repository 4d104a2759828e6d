"""Field errors tied to their inputs while typing: the preview's answer replaces the error
list out of band, and the input beside it gets aria-invalid="true" and the red border the
status line speaks of; both clear once the value is fixed. Every aria-describedby on the
page names elements that exist, before and after."""

from __future__ import annotations

from playwright.sync_api import Page, expect

MISSING_REFERENCES = """() => Array.from(document.querySelectorAll("[aria-describedby]"))
    .flatMap(el => el.getAttribute("aria-describedby").split(/\\s+/)
    .filter(id => id && !document.getElementById(id)).map(id => `${el.id} -> ${id}`))"""


def border_colour(page: Page, selector: str) -> str:
    return page.locator(selector).evaluate("el => getComputedStyle(el).borderTopColor")


def test_typing_an_invalid_value_marks_the_input_and_fixing_it_clears_the_mark(app, page):
    page.goto("/")
    pool = page.get_by_label("Pool size", exact=True)
    expect(page.locator("#builder.htmx-request")).to_have_count(0)
    normal = border_colour(page, "#id_proxies_size")
    assert pool.get_attribute("aria-invalid") is None
    assert page.evaluate(MISSING_REFERENCES) == []

    pool.fill("0")
    errors = page.locator("#errors-proxies_size")
    expect(errors).to_have_text("Ensure this value is greater than or equal to 1.")
    expect(pool).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-proxies_size")).to_have_class("field field-proxies_size has-errors")
    assert pool.get_attribute("aria-describedby").split() == [
        "id_proxies_size_helptext", "errors-proxies_size", "price-note-proxies_size"]
    bad = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bad')")
    red = page.evaluate("""(colour) => { const probe = document.createElement("i");
        probe.style.color = colour; document.body.append(probe);
        const rgb = getComputedStyle(probe).color; probe.remove(); return rgb; }""",
                        bad.strip())
    assert border_colour(page, "#id_proxies_size") == red != normal
    assert page.evaluate(MISSING_REFERENCES) == []

    pool.fill("2000")
    expect(errors.locator("li")).to_have_count(0)
    expect(pool).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-proxies_size")).to_have_class("field field-proxies_size")
    assert border_colour(page, "#id_proxies_size") == normal
    assert page.evaluate(MISSING_REFERENCES) == []


def test_raw_json_errors_mark_the_textarea_while_typing(app, page):
    page.goto("/?type=new_serp&mode=raw")
    raw = page.get_by_role("textbox", name="JSON body", exact=True)
    raw.fill('{"type": ')
    expect(page.locator("#errors-body li")).to_have_count(1)
    expect(raw).to_have_attribute("aria-invalid", "true")
    raw.fill('{"type": "new_serp", "requests": 5000}')
    expect(page.locator("#errors-body li")).to_have_count(0)
    expect(raw).not_to_have_attribute("aria-invalid", "true")
    assert page.evaluate(MISSING_REFERENCES) == []
