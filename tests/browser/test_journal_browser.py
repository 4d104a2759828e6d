"""The journal in a browser: copy the builder's cURL snippet, run it from a subprocess,
watch the call appear in the open journal page by itself, copy it as cURL, open it in the
builder, and see the comparison; no console error on the way (the CSP is enforced)."""

from __future__ import annotations

import json
import subprocess

from playwright.sync_api import Page, expect

from tests.browser.test_builder_browser import wait_for_builder


def test_a_call_from_a_copied_snippet_appears_in_the_journal_and_opens_in_the_builder(
        app, page: Page, context, page_problems):
    page.goto("/")
    wait_for_builder(page, "new_datacenter_shared")
    page.get_by_role("tab", name="cURL", exact=True).click()
    page.locator("#panel-curl button.copy").click()
    snippet = page.evaluate("navigator.clipboard.readText()")
    assert "<your-api-key>" in snippet

    journal = context.new_page()
    journal.goto("/sandbox/")
    journal.get_by_role("link", name="Journal", exact=True).click()
    expect(journal.locator("tr.journal-row")).to_have_count(0)

    done = subprocess.run(["bash", "-c", snippet.replace("<your-api-key>", "sandbox-full")],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["success"] is True

    row = journal.locator("tr.journal-row")
    expect(row).to_have_count(1, timeout=8000)  # arrives by polling, no reload
    expect(row).to_contain_text("POST /sandbox/v4/account/orders/create")
    expect(row).to_contain_text("sandbox-full")
    row.get_by_role("button", name="Copy as cURL").click()
    copied = journal.evaluate("navigator.clipboard.readText()")
    assert "-H 'api-token: <your-api-key>'" in copied
    assert "sandbox-full" not in copied

    row.get_by_role("link", name="Details and compare").click()
    expect(journal.locator("#compare")).to_be_visible()
    expect(journal.locator("#compare tr.differs")).to_have_count(0)  # the builder's own body
    journal.get_by_role("link", name="Open in builder").click()
    wait_for_builder(journal, "new_datacenter_shared", mode="raw")
    sent = json.loads(journal.locator("textarea[name=body]").input_value())
    assert sent["type"] == "new_datacenter_shared"
    assert sent["proxies[mixed]"] == 1000
    assert page_problems.all() == []
