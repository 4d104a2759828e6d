"""The sandbox console in a real browser: an issued JWT is shown once near the top after a
redirect, with Copy and Use in the playground; Refund asks first; the proxy list copies."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from playground.sandbox.models import Order
from tests.test_sandbox_support import SHARED_1000


def test_an_issued_jwt_shows_once_copies_and_becomes_the_bearer_token(app, page,
                                                                     page_problems):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/sandbox/")
    form = page.locator("form[action$='/console/jwt']")
    form.locator("select[name=account]").select_option(label="sandbox-full")
    form.get_by_role("button", name="Issue JWT").click()
    expect(page).to_have_url(f"{app}/sandbox/#jwt-issued")
    issued = page.locator("#issued-jwt")
    token = issued.input_value()
    assert token.count(".") == 2 and token not in page.url
    assert issued.bounding_box()["y"] < 900  # near the top, no scrolling needed
    page.locator("#jwt-issued").get_by_role("button", name="Copy").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == token
    page.reload()
    expect(page.locator("#issued-jwt")).to_have_count(0)  # shown once; nothing re-posted

    form.locator("select[name=account]").select_option(label="sandbox-full")
    form.get_by_role("button", name="Issue JWT").click()
    token = page.locator("#issued-jwt").input_value()
    page.get_by_role("button", name="Use in the playground").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(app)}/\?(.+&)?auth=bearer(&|$)"))
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••" + token[-4:])
    expect(page.get_by_label("Sent as")).to_have_value("bearer")
    assert token not in page.content()
    assert page_problems.all() == []


def test_refund_asks_for_confirmation_and_cancel_changes_nothing(app, page, page_problems):
    placed = httpx.post(f"{app}/sandbox/v4/account/orders/create", json=SHARED_1000,
                        headers={"api-token": "sandbox-full"}).json()
    order_id = placed["data"]
    page.wait_for_timeout(400)  # the sandbox processes it after 0.2 s here
    page.goto("/sandbox/")
    row = page.locator("tr", has_text=order_id)
    row.get_by_role("button", name="Refund").click()
    expect(page.get_by_role("heading", name="Refund this order?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(f"{app}/sandbox/")
    expect(row.locator(".status")).to_have_text("processed")
    row.get_by_role("button", name="Refund").click()
    page.get_by_role("button", name=re.compile(r"^Refund 29\.04 USD$")).click()
    expect(page.locator(".messages")).to_contain_text(f"Refunded order {order_id}")
    expect(row.locator(".status")).to_have_text("refunded")
    assert Order.objects.get(pk=order_id).status == "refunded"
    assert page_problems.all() == []


def test_the_proxy_list_has_a_copy_button(app, page, page_problems):
    page.goto("/")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    page.locator("#send-request").click()
    tracker = page.locator("#trackers .tracker").first
    expect(tracker.locator(".tracker-head .status")).to_have_text("processed")
    tracker.get_by_role("button", name="Fetch proxy list").click()
    lines = tracker.locator(".proxy-lines")
    expect(lines).not_to_have_text("")
    tracker.locator(".proxies").get_by_role("button", name="Copy").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == \
        lines.text_content().rstrip("\n")
    assert page_problems.all() == []
