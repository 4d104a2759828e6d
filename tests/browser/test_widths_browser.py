"""No page is wider than the window at 320, 390 and 1366 px: code blocks and tables scroll
inside their own box, the grid's children may shrink, the import field fits."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

WIDTHS = (320, 390, 1366)
WIDER = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# For the failure message: the first elements whose right edge is past the window's.
OFFENDERS = """() => Array.from(document.querySelectorAll("body *"))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 8).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className ? "." + String(el.className).split(" ").join(".") : ""))"""


def assert_fits(page: Page, what: str) -> None:
    scroll_width, inner_width = page.evaluate(WIDER)
    offenders = page.evaluate(OFFENDERS) if scroll_width > inner_width else []
    assert scroll_width <= inner_width, \
        f"{what}: {scroll_width} px wide in {inner_width} px; past the edge: {offenders}"


def use_demo_token(page: Page) -> None:
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_playground_fits_the_window_in_its_main_states(app, page, page_problems, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/")
    assert_fits(page, "/ (default)")
    page.get_by_label("Pool size", exact=True).fill("0")
    expect(page.locator("#preview-status")).to_have_text(
        "The current input is invalid; the preview still shows the last valid request.")
    assert_fits(page, "/ (invalid input)")
    page.get_by_label("Pool size", exact=True).fill("1000")
    use_demo_token(page)
    assert_fits(page, "/ (token stored)")
    page.locator("#token-panel .token-change summary").click()
    assert_fits(page, "/ (changing the token)")
    page.locator("#send-request").click()
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    tracker = page.locator("#trackers .tracker").first
    expect(tracker.locator(".tracker-head .status")).to_have_text("processed")
    tracker.get_by_role("button", name="Fetch proxy list").click()
    expect(tracker.locator(".proxy-count")).not_to_have_text("")
    assert_fits(page, "/ (sent, tracked to processed, proxies fetched)")
    page.get_by_label("Raw JSON", exact=True).check()
    expect(page.get_by_label("JSON body", exact=True)).to_be_visible()
    assert_fits(page, "/ (raw JSON)")
    page.goto("/history")
    expect(page.locator("tr.history-row").first).to_be_visible()
    assert_fits(page, "/history with rows")
    assert page_problems.all() == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/sandbox/", "/accounts/login/", "/check", "/export",
                                  "/history"])
def test_the_other_pages_fit_the_window(app, page, page_problems, width, path):
    page.set_viewport_size({"width": width, "height": 844})
    response = page.goto(path)
    assert response is not None and response.status == 200
    assert_fits(page, path)
    assert page_problems.all() == []
