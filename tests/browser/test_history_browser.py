"""History's Re-send and Copy as cURL in a real browser: a read goes out again at once, an
order comes back into the builder and waits for Send; the copied cURL holds a placeholder."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from playground.sandbox.models import Order


def use_demo_token(page, token: str = "sandbox-full") -> None:
    page.locator("form.demo-tokens").get_by_role("button", name=token, exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••" + token[-4:])


def test_resend_brings_an_order_back_to_send_and_reruns_a_read(app, page, page_problems):
    page.goto("/")
    use_demo_token(page)
    page.locator("#send-request").click()
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    page.get_by_label("Balance", exact=True).check()
    expect(page.locator("#request-line .url")).to_contain_text("/balance")
    page.locator("#send-request").click()
    expect(page.locator("#result .http-status")).to_have_text("HTTP 200")
    assert Order.objects.count() == 1

    page.goto("/history")
    create_row = page.locator("tr.history-row[data-endpoint=create]")
    create_row.get_by_role("button", name="Copy as cURL").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("curl ") and f"{app}/sandbox/v4/account/orders/create" in copied
    assert "api-token: <your-api-key>" in copied and "sandbox-full" not in copied
    assert '"proxies[mixed]": 1000' in copied

    create_row.get_by_role("link", name="Re-send").click()
    expect(page.locator("#resend-note")).to_be_visible()
    expect(page.locator("#send-request")).to_be_focused()
    assert not page.url.endswith("#resend")
    expect(page.locator("#request-line .url")).to_contain_text("/orders/create")
    page.wait_for_timeout(500)
    assert Order.objects.count() == 1  # nothing went out by itself
    page.locator("#send-request").click()
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    assert Order.objects.count() == 2

    page.goto("/history")
    page.locator("tr.history-row[data-endpoint=balance]").get_by_role(
        "link", name="Re-send").click()
    expect(page.locator("#result .http-status")).to_have_text("HTTP 200")
    expect(page.locator("#result .endpoint")).to_have_text(
        re.compile(r"GET /v4/account/orders/balance"))
    assert Order.objects.count() == 2
    assert page_problems.all() == []
