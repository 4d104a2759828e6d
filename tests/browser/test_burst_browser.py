"""A burst of clicks on Send places one order; placing the same order again takes a
deliberate click on "Place another order"."""

from __future__ import annotations

from playwright.sync_api import expect

from playground.sandbox.models import Order


def test_a_double_click_and_four_more_place_one_order_then_another_is_deliberate(
        app, page, page_problems):
    page.goto("/")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    send = page.locator("#send-request")
    expect(send).to_have_text("Send request")
    where = send.bounding_box()
    x, y = where["x"] + where["width"] / 2, where["y"] + where["height"] / 2
    page.mouse.dblclick(x, y)
    for _ in range(4):  # the rest of the burst, as a hurried hand does it
        page.wait_for_timeout(250)
        page.mouse.click(x, y)
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    expect(send).to_have_text("Place another order")
    page.wait_for_timeout(1000)
    assert Order.objects.count() == 1
    assert page.locator("#trackers .tracker").count() == 1

    page.wait_for_timeout(600)  # a pause: the next click is the user's decision
    send.click()
    expect(page.locator("#trackers .tracker")).to_have_count(2)
    assert Order.objects.count() == 2
    expect(send).to_have_text("Place another order")
    assert page_problems.all() == []


def test_changing_the_request_after_an_order_sends_it_at_once(app, page, page_problems):
    page.goto("/")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    page.locator("#send-request").click()
    expect(page.locator("#send-request")).to_have_text("Place another order")
    page.get_by_label("Balance", exact=True).check()
    expect(page.locator("#send-request")).to_have_text("Send request")
    page.locator("#send-request").click()
    expect(page.locator("#result .endpoint")).to_have_text("GET /v4/account/orders/balance")
    assert Order.objects.count() == 1
    assert page_problems.all() == []
