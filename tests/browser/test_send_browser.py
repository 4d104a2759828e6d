"""Sending from a real browser: enter a demo token, press "Send request" on the default
order, see it processed with its AccountID within 5 s, the header balance drop by the
order's price, and the subaccount's proxy list."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from playground.sandbox import services
from playground.sandbox.models import Order

TOKEN = "sandbox-full"
START_BALANCE = Decimal("250.00")
# The default order (datacenter shared, 1000 mixed proxies, Belgium): 24.00 + 21 % VAT.
DEFAULT_ORDER_PRICE = Decimal("29.04")
PROCESSED_WITHIN_MS = 5_000


def balance_of(page: Page) -> Decimal:
    text = page.locator("#wallet-balance").text_content()
    match = re.fullmatch(r"([\d,]+\.\d\d) USD", text.strip())
    assert match, text
    return Decimal(match.group(1).replace(",", ""))


def assert_token_not_in_page(page: Page) -> None:
    """The token appears nowhere in the page, except as the sandbox's public demo buttons."""
    html = page.content()
    demo_buttons = page.locator("form.demo-tokens").evaluate("form => form.outerHTML")
    assert html.count(demo_buttons) == 1
    assert TOKEN not in html.replace(demo_buttons, "")
    # Once a token is stored the field sits under the panel's closed "Change".
    assert page.locator("#token-panel input#api-token").input_value() == ""


def token_in_use(page: Page) -> None:
    """The panel shows the masked hint and the header the wallet of that token."""
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••" + TOKEN[-4:])
    expect(page.locator("#wallet-balance")).to_have_text(f"{START_BALANCE} USD")
    assert balance_of(page) == START_BALANCE


def send_default_order_and_fetch_proxies(page: Page) -> None:
    before = balance_of(page)
    page.get_by_role("button", name="Send request").click()

    tracker = page.locator("#trackers .tracker").first
    expect(tracker.locator(".tracker-body")).to_have_attribute(
        "data-status", "processed", timeout=PROCESSED_WITHIN_MS)
    expect(tracker.locator(".tracker-head .status")).to_have_text("processed")
    account_id = tracker.locator(".account-id")
    expect(account_id).to_be_visible()

    order = Order.objects.get()
    assert order.status == Order.PROCESSED
    assert order.price == DEFAULT_ORDER_PRICE
    assert tracker.get_attribute("id") == f"tracker-{order.id}"
    assert account_id.text_content() == str(order.subaccount_id)
    expect(page.locator("#result")).to_contain_text(str(order.id))

    expect(page.locator("#wallet-balance")).to_have_text(f"{before - order.price} USD")
    assert balance_of(page) == START_BALANCE - DEFAULT_ORDER_PRICE == Decimal("220.96")

    # The next step's code: picking Python there shows the proxy-list call in Python.
    card = tracker.locator(".subaccount-card")
    card.get_by_role("tab", name="Python").click()
    python = card.locator(f"#panel-python-{order.id}")
    expect(python).to_be_visible()
    expect(card.locator(f"#panel-curl-{order.id}")).to_be_hidden()
    expect(python.locator(".code")).to_contain_text(
        f"/v4/account/{order.subaccount_id}/datacenter_shared/proxy-list?type=getproxies")
    expect(python.get_by_role("link", name="Download proxy-list.py")).to_be_visible()

    tracker.get_by_role("button", name="Fetch proxy list").click()
    proxies = tracker.locator(f"#proxies-{order.id}")
    lines = services.proxy_lines(order)
    expect(proxies.locator(".proxy-count")).to_have_text(str(len(lines)))
    assert proxies.locator(".proxy-lines").text_content().split() == lines


def test_use_token_send_default_order_see_it_processed_and_fetch_proxies(app, page,
                                                                           page_problems):
    page.goto("/")
    expect(page.locator("#wallet")).to_contain_text("No token yet")
    page.get_by_role("textbox", name="API token", exact=True).fill(TOKEN)
    page.get_by_role("button", name="Use token").click()
    token_in_use(page)
    assert_token_not_in_page(page)

    send_default_order_and_fetch_proxies(page)

    assert_token_not_in_page(page)
    assert page_problems.all() == []


def test_one_click_demo_token_then_send(app, page, page_problems):
    page.goto("/")
    expect(page.locator("#wallet")).to_contain_text("No token yet")
    page.locator("form.demo-tokens").get_by_role("button", name=TOKEN, exact=True).click()
    token_in_use(page)

    send_default_order_and_fetch_proxies(page)

    assert_token_not_in_page(page)
    assert page_problems.all() == []
