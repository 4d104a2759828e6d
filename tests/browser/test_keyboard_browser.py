"""The playground by keyboard alone: skip links, Send within three keystrokes of loading,
Ctrl+Enter (Cmd+Enter) sending from anywhere in the builder, and the whole flow (build,
send, the live dialog cancelled with Escape and confirmed with Enter, the result, then
resuming the order's tracking from History) with the focused element checked at each
step."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from playground.sandbox.models import Order

PREVIEW_TIMEOUT_MS = 5_000


def active(page: Page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
        return {id: el.id, tag: el.tagName, text: (el.textContent || "").trim(),
                inResult: !!el.closest("#result")}; }""")


def tab_to(page: Page, predicate, *, limit: int, key: str = "Tab") -> int:
    """Press Tab (or ``key``) until ``predicate(active(page))`` holds; returns how many
    presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if predicate(active(page)):
            return presses
    raise AssertionError(f"not reached in {limit} Tab presses; focus is on {active(page)}")


def wait_for_body(page: Page, member: str) -> None:
    expect(page.locator("#body-json")).to_contain_text(member, timeout=PREVIEW_TIMEOUT_MS)
    expect(page.locator("#builder.htmx-request, #builder.htmx-settling")).to_have_count(0)


def test_the_first_tab_stops_are_the_skip_links_and_send_is_three_keys_away(app, page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Skip to main content"
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Skip to Send"
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Send request")).to_be_focused()


def test_skip_to_main_content_moves_focus_to_the_main_region(app, page):
    page.goto("/history")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")  # the first control of the page's own content
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("where", ["Requests", "Product", "Raw JSON"])
def test_ctrl_enter_sends_from_anywhere_in_the_builder(app, page, where):
    page.goto("/?endpoint=create&type=new_serp&requests=10000")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    if where == "Raw JSON":
        page.get_by_label("Raw JSON", exact=True).check()
        expect(page.locator('#builder input[name="shape"]')).to_have_value(
            "create:new_serp:raw")
        field = page.get_by_role("textbox", name="JSON body", exact=True)
        before = field.input_value()
    elif where == "Requests":
        field = page.get_by_label("Requests", exact=True)
    else:
        field = page.get_by_label("Product", exact=True)
    field.focus()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    expect(page.locator("#result")).to_be_focused()
    assert Order.objects.count() == 1
    if where == "Raw JSON":
        assert field.input_value() == before  # no newline typed into the body


def test_meta_enter_sends_too(app, page):
    page.goto("/?endpoint=balance")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    page.get_by_role("radio", name="Balance").focus()
    page.keyboard.press("Meta+Enter")
    expect(page.locator("#result .http-status")).to_have_text("HTTP 200")


def test_keyboard_only_build_send_confirm_cancel_and_resume_tracking_from_history(
        app, page, settings):
    settings.PROXYSCRAPE_API_BASE = f"{app}/sandbox"  # live mode: each order is confirmed
    page.goto("/")
    expect(page.locator("#wallet.htmx-request")).to_have_count(0)

    # The token, typed in.
    tab_to(page, lambda a: a["id"] == "api-token", limit=15)
    page.keyboard.type("sandbox-full")
    page.keyboard.press("Enter")
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    # The field folds into the closed "Change": focus moves to the panel's first control.
    expect(page.locator("#opt-auth")).to_be_focused()

    # Build: the pool size, replaced by keystrokes.
    tab_to(page, lambda a: a["id"] == "id_proxies_size", limit=30)
    page.keyboard.press("Control+A")
    page.keyboard.type("2500")
    wait_for_body(page, '"proxies[mixed]": 2500')
    assert active(page)["id"] == "id_proxies_size"

    # Send with Ctrl+Enter: the live dialog takes focus; Escape cancels back to Send.
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-live")).to_be_focused()
    assert json.loads(dialog.get_by_role("region", name="The order's body").text_content())[
        "proxies[mixed]"] == 2500
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator("#send-request")).to_be_focused()
    assert Order.objects.count() == 0

    # Enter on Send opens it again; Enter confirms; focus lands on the result.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-live")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    expect(page.locator("#result")).to_be_focused()
    order = Order.objects.get()
    page.keyboard.press("Tab")
    assert active(page)["inResult"]

    # History, reached back up in the header's links, and its Track link.
    tab_to(page, lambda a: a["tag"] == "A" and a["text"] == "History", limit=80,
           key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{app}/history")
    tab_to(page, lambda a: a["tag"] == "A" and a["text"] == "Track", limit=40)
    page.keyboard.press("Enter")

    tracker = page.locator(f"#tracker-{order.id}")
    expect(tracker).to_be_focused()
    expect(tracker).to_be_in_viewport()
    expect(tracker.locator(".tracker-body")).to_have_attribute("data-status", "processed")
    assert active(page)["id"] == f"tracker-{order.id}"
