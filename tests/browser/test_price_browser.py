"""Prices in a real browser: the panel follows the pool size and the coupon, the order is
charged exactly the panel's total, and a short wallet's top-up link fills the console."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect

from playground.sandbox.models import Order

# 2,500 mixed proxies: 54.00, SAVE10 48.60, Belgium's 21 % VAT 10.21 -> 58.81
PRICE = Decimal("58.81")


def use_demo_token(page: Page, token: str) -> None:
    change = page.locator("#token-panel .token-change:not([open]) summary")
    if change.count():  # a token is stored: the demo tokens are under "Change"
        change.click()
    page.locator("form.demo-tokens").get_by_role("button", name=token, exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••" + token[-4:])


def test_the_price_follows_the_form_and_is_what_the_wallet_pays(app, page, page_problems):
    page.goto("/")
    total = page.locator("#price-total")
    expect(total).to_have_text("29.04 USD")
    expect(page.locator("#discount-note")).to_have_text("No token: discount not applied.")

    page.locator("#id_proxies_size").fill("2500")
    expect(total).to_have_text("65.34 USD")
    page.locator("#id_proxies_size").fill("1234")
    expect(page.locator("#price-note-proxies_size")).to_have_text(
        "1,234 is not a package size on sale; nearest: 1,000, 2,500.")
    expect(page.locator("#send-warning")).to_contain_text("cannot price this body")
    page.locator("#id_proxies_size").fill("2500")
    page.locator("#id_coupon_code").fill("SAVE10")
    expect(total).to_have_text(f"{PRICE} USD")
    expect(page.locator("#price-note-proxies_size")).to_have_text("")

    use_demo_token(page, "sandbox-full")
    expect(page.locator("#price-leaves")).to_have_text(
        f"this order would leave {Decimal('250.00') - PRICE} USD")
    page.get_by_role("button", name="Send request").click()

    expect(page.locator("#trackers .tracker .tracker-price")).to_contain_text(f"{PRICE} USD")
    order = Order.objects.get()
    assert order.price == PRICE
    expect(page.locator(f"#charged-{order.id}")).to_have_text(f"{PRICE} USD")
    expect(page.locator("#balance-before")).to_have_text("250.00 USD")
    expect(page.locator("#balance-after")).to_have_text(f"{Decimal('250.00') - PRICE} USD")
    expect(page.locator("#wallet-balance")).to_have_text(f"{Decimal('250.00') - PRICE} USD")

    # polling has stopped before the page is left (a poll cut short is a console error)
    expect(page.locator("#trackers .tracker .tracker-body")).to_have_attribute(
        "data-status", "processed")

    use_demo_token(page, "sandbox-empty")
    expect(page.locator("#price-short")).to_have_text(f"short by {PRICE} USD")
    page.locator("#topup-link").click()

    expect(page).to_have_url(f"{app}/sandbox/?account=sandbox-empty%40example.com"
                             f"&amount={PRICE}#top-up")
    form = page.locator("#top-up")
    expect(form.locator("select[name=account] option:checked")).to_have_text("sandbox-empty")
    expect(form.locator("input[name=amount]")).to_have_value(str(PRICE))
    assert page_problems.all() == []
