"""The sandbox as a team's test double, end to end in a browser: create one's own sandbox,
copy one of its tokens, place an order with the builder's copied cURL snippet from a
subprocess (as the team's own code would), watch the call arrive in that sandbox's journal
by itself, and open it in the builder; the public demo set's journal never sees it."""

from __future__ import annotations

import json
import subprocess

from playwright.sync_api import Page, expect

from playground.sandbox.models import JournalEntry, Order, Sandbox
from tests.browser.test_builder_browser import wait_for_builder


def test_own_sandbox_token_copied_snippet_order_shows_in_its_journal_and_opens_in_builder(
        app, page: Page, context, page_problems):
    page.goto("/sandbox/")
    page.locator("#new-sandbox").get_by_role("button", name="Create").click()
    expect(page.locator("#current-sandbox")).to_have_text("My sandbox")
    sandbox = Sandbox.objects.exclude(owner="").get()
    full = sandbox.accounts.get(kind="full")
    page.locator(f"td:has(code:text-is('{full.name}'))").get_by_role(
        "button", name="Show token").click()
    expect(page.locator(f"#token-{full.pk}")).to_be_visible()
    page.get_by_role("button", name="Copy").click()
    token = page.evaluate("navigator.clipboard.readText()")
    assert token.startswith("sbx_")

    journal = context.new_page()
    journal.goto("/sandbox/")
    journal.get_by_role("link", name="Journal", exact=True).click()
    expect(journal).to_have_url(f"{app}/sandbox/{sandbox.pk}/journal")
    expect(journal.locator("tr.journal-row")).to_have_count(0)

    page.goto("/")
    wait_for_builder(page, "new_datacenter_shared")
    page.get_by_role("tab", name="cURL", exact=True).click()
    page.locator("#panel-curl button.copy").click()
    snippet = page.evaluate("navigator.clipboard.readText()")
    done = subprocess.run(["bash", "-c", snippet.replace("<your-api-key>", token)],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    placed = json.loads(done.stdout)
    assert placed["success"] is True
    assert Order.objects.get(pk=placed["data"]).account_id == full.pk

    row = journal.locator("tr.journal-row")
    expect(row).to_have_count(1, timeout=8000)  # arrives by polling, no reload
    expect(row).to_contain_text("POST /sandbox/v4/account/orders/create")
    expect(row).to_contain_text(full.name)
    assert token not in journal.content()
    assert JournalEntry.objects.filter(sandbox=Sandbox.public()).count() == 0

    row.get_by_role("link", name="Open in builder").click()
    wait_for_builder(journal, "new_datacenter_shared", mode="raw")
    sent = json.loads(journal.locator("textarea[name=body]").input_value())
    assert sent["type"] == "new_datacenter_shared" and sent["proxies[mixed]"] == 1000
    assert page_problems.all() == []
