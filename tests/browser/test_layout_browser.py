"""The builder's layout in a real browser: the request line (method, full URL, Send) on one
line at the top; from 1000 px the builder on the left and the code with the response on
the right, that pane staying in view while the page scrolls; on a phone one column in the
order request, code, response."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DESKTOP = {"width": 1366, "height": 700}
PHONE = {"width": 390, "height": 844}


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not displayed"
    return found


def middle(b: dict) -> float:
    return b["y"] + b["height"] / 2


def test_method_full_url_and_send_share_one_line_at_the_top(app, page, page_problems):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    line = page.locator("#request-line")
    expect(line.locator(".method")).to_have_text("POST")
    expect(line.locator(".url")).to_have_text(f"{app}/sandbox/v4/account/orders/create")
    method, url, send = box(page, "#request-line .method"), box(page, "#request-line .url"), \
        box(page, "#send-request")
    for other in (url, send):  # one line: each crosses the method's vertical middle
        assert other["y"] <= middle(method) <= other["y"] + other["height"]
    assert method["x"] < url["x"] < send["x"]
    # Above the headers, the body and the code.
    assert send["y"] + send["height"] <= box(page, "#builder")["y"]
    for below in ("#request-headers", "#body-json", "#code-curl"):
        assert send["y"] + send["height"] <= box(page, below)["y"]
    expect(page.locator("#request-headers")).to_have_text(
        "api-token<your-api-key>Content-Typeapplication/json")


def test_the_request_line_follows_the_endpoint(app, page, page_problems):
    page.goto("/")
    page.get_by_label("Order status", exact=True).check()
    # The endpoint's own form replaces the builder; type into that one, not the old one.
    expect(page.locator('#builder input[name="shape"]')).to_have_value(re.compile(r"^status:"))
    expect(page.locator("#builder.htmx-request")).to_have_count(0)
    page.get_by_label("Order id", exact=True).fill("3f0c2b8e-8d1a-4c4e-9a57-0a8f6f1b2c3d")
    url = page.locator("#request-line .url")
    expect(url).to_have_text(
        f"{app}/sandbox/v4/account/orders/3f0c2b8e-8d1a-4c4e-9a57-0a8f6f1b2c3d/status")
    expect(page.locator("#request-line .method")).to_have_text("GET")
    page.get_by_label("Balance", exact=True).check()
    expect(url).to_have_text(f"{app}/sandbox/v4/account/orders/balance")
    assert page_problems.all() == []


def test_wide_screen_puts_the_code_beside_the_builder_and_keeps_it_in_view(app, page,
                                                                           page_problems):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    builder, pane = box(page, "#builder"), box(page, ".pane-output")
    assert builder["x"] + builder["width"] <= pane["x"]
    assert abs(builder["y"] - pane["y"]) < 2
    assert pane["width"] > builder["width"]
    # The form is longer than the window: scroll the page, and the pane stays in view.
    scrolled = page.evaluate("() => { window.scrollTo(0, 600); return window.scrollY; }")
    assert scrolled >= 300
    moved = box(page, ".pane-output")
    assert 0 <= moved["y"] <= 20
    assert moved["y"] + moved["height"] <= DESKTOP["height"]
    assert page_problems.all() == []


def test_a_phone_shows_one_column_request_then_code_then_response(app, page, page_problems):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    page.get_by_label("Balance", exact=True).check()
    expect(page.locator("#request-line .url")).to_contain_text("/balance")
    page.locator("#send-request").click()
    expect(page.locator("#result .http-status")).to_have_text("HTTP 200")
    request, code, response = (box(page, ".request-bar"), box(page, "#preview"),
                               box(page, "#result"))
    builder = box(page, "#builder")
    assert request["y"] + request["height"] <= builder["y"]
    assert builder["y"] + builder["height"] <= code["y"]
    assert code["y"] + code["height"] <= response["y"]
    for b in (request, builder, code, response):
        assert b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"]
    assert page_problems.all() == []


def test_a_new_result_scrolls_into_the_right_pane(app, page, page_problems):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    page.locator("#send-request").click()
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    pane = box(page, ".pane-output")
    expect(page.locator("#result")).to_be_in_viewport()
    result = box(page, "#result")  # its top in the pane's visible part (at the very top
    assert pane["y"] - 1 <= result["y"] < pane["y"] + pane["height"] / 2  # if it can scroll)
    assert page_problems.all() == []
