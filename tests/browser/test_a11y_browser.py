"""Accessibility checked by axe-core (bundled by axe-playwright-python, run in the page
through Playwright's evaluate, so the page's own CSP stays enforced): every main state of
the playground, History, the sandbox console, the login page and the live confirmation,
in the light and the dark colour scheme, with zero violations of any impact."""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from playground.sandbox.models import Order, Sandbox

SCHEMES = ["light", "dark"]
ORDER_TIMEOUT_MS = 15_000
# Every rule axe has, best practices included; nothing is switched off.
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": [
                   "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}

_axe = Axe()


def violations(page: Page) -> list[str]:
    """axe's violations on the page as it is now, one line per rule and element."""
    expect(page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)
    results = _axe.run(page, options=AXE_OPTIONS).response
    return [f"{v['id']} ({v['impact']}): {node['target']} {node['failureSummary']}"
            for v in results["violations"] for node in v["nodes"]]


def open_page(page: Page, scheme: str, url: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    expect(page.locator("#wallet.htmx-request")).to_have_count(0)


def use_demo_token(page: Page, token: str = "sandbox-full") -> None:
    page.locator("form.demo-tokens").get_by_role("button", name=token, exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••" + token[-4:])


def send(page: Page) -> None:
    page.locator("#send-request").click()
    expect(page.locator("#result .result-meta")).to_be_visible()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_builder_by_default_has_no_axe_violations(app, page, scheme):
    open_page(page, scheme, "/")
    assert violations(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_builder_with_invalid_input_has_no_axe_violations(app, page, scheme):
    open_page(page, scheme, "/")
    page.get_by_label("Pool size", exact=True).fill("0")
    expect(page.locator(".field-proxies_size .errorlist li")).to_have_count(1)
    assert violations(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_builder_after_sending_and_when_processed_has_no_axe_violations(app, page,
                                                                           scheme):
    open_page(page, scheme, "/?endpoint=create&type=new_datacenter_shared"
                            "&coupon_code=SANDBOX-SLOW")
    use_demo_token(page)
    send(page)
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    expect(page.locator("#trackers .tracker .status").first).to_have_text("paid")
    assert violations(page) == []

    Order.objects.update(due=time.time())  # falls due now: the next poll finds it
    expect(page.locator("#trackers .tracker-body").first).to_have_attribute(
        "data-status", "processed", timeout=ORDER_TIMEOUT_MS)
    page.locator("#trackers .fetch-proxies").first.click()
    expect(page.locator("#trackers .proxy-lines").first).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_blocked_order_has_no_axe_violations(app, page, scheme):
    open_page(page, scheme, "/?endpoint=create&type=new_datacenter_shared"
                            "&coupon_code=SANDBOX-BLOCK")
    use_demo_token(page)
    send(page)
    expect(page.locator("#trackers .tracker-body").first).to_have_attribute(
        "data-status", "blocked", timeout=ORDER_TIMEOUT_MS)
    assert violations(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_history_has_no_axe_violations(app, page, scheme):
    open_page(page, scheme, "/?endpoint=balance")
    use_demo_token(page)
    send(page)
    open_page(page, scheme, "/history")
    expect(page.locator("table tbody tr")).to_have_count(1)
    assert violations(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_sandbox_console_has_no_axe_violations(app, page, scheme):
    open_page(page, scheme, "/")
    use_demo_token(page)
    send(page)  # a processed order for the console's list, with its Refund button
    expect(page.locator("#trackers .tracker-body").first).to_have_attribute(
        "data-status", "processed", timeout=ORDER_TIMEOUT_MS)
    # The order went to the public demo set (the demo token); this person's own sandbox,
    # which the console opens first, has none yet.
    open_page(page, scheme, f"/sandbox/?sandbox={Sandbox.public().pk}")
    expect(page.get_by_role("button", name="Refund")).to_have_count(1)
    assert violations(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_journal_an_entry_and_the_faults_page_have_no_axe_violations(app, page, scheme):
    open_page(page, scheme, "/?endpoint=balance")
    use_demo_token(page)
    send(page)  # a journalled call in the public demo set
    public = Sandbox.public().pk
    open_page(page, scheme, f"/sandbox/{public}/journal")
    expect(page.locator("table tbody tr").first).to_be_visible()
    assert violations(page) == []
    page.locator("table tbody tr a").first.click()
    expect(page.get_by_role("heading", name="As cURL")).to_be_visible()
    assert violations(page) == []
    open_page(page, scheme, f"/sandbox/{public}/faults")
    assert violations(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_login_page_has_no_axe_violations(app, page, settings, scheme):
    settings.PLAYGROUND_AUTH = "login"
    page.emulate_media(color_scheme=scheme)
    page.goto("/")
    expect(page.get_by_label("Password")).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_live_confirmation_has_no_axe_violations(app, page, settings, scheme):
    settings.PROXYSCRAPE_API_BASE = f"{app}/sandbox"
    open_page(page, scheme, "/")
    page.get_by_role("textbox", name="API token", exact=True).fill("sandbox-full")
    page.get_by_role("button", name="Use token").click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    page.locator("#send-request").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    assert violations(page) == []


def test_the_axe_check_is_not_vacuous_an_unlabelled_field_is_reported(app, page):
    open_page(page, "light", "/")
    page.evaluate("""() => {
        const input = document.createElement("input");
        input.id = "unlabelled-probe";
        document.querySelector("main").appendChild(input);
    }""")
    found = violations(page)
    assert len(found) == 1
    assert found[0].startswith("label (critical): ['#unlabelled-probe']")
