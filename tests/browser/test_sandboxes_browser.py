"""A person's own sandbox in a real browser: create it from the console, show a token and
copy it, then use that account from the playground's token panel; no console errors under
the enforced CSP."""

from __future__ import annotations

from playwright.sync_api import expect

from playground.sandbox.models import Sandbox


def test_create_a_sandbox_show_and_copy_a_token_then_use_it_in_the_playground(
        app, page, page_problems):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app)
    page.goto("/sandbox/")
    expect(page.locator("#current-sandbox")).to_have_text("Public demo")
    page.locator("#new-sandbox").get_by_role("button", name="Create").click()
    expect(page.locator("#current-sandbox")).to_have_text("My sandbox")
    sandbox = Sandbox.objects.exclude(owner="").get()
    full = sandbox.accounts.get(kind="full")

    page.locator(f"td:has(code:text-is('{full.name}'))").get_by_role(
        "button", name="Show token").click()
    shown = page.locator(f"#token-{full.pk}")
    expect(shown).to_be_visible()
    token = shown.inner_text()
    assert token.startswith("sbx_") and token.endswith(full.token_hint)
    page.get_by_role("button", name="Copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == token

    page.goto("/")
    page.locator("form.demo-tokens").get_by_role(
        "button", name=f"full ••••{full.token_hint}").click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••" + token[-4:])
    assert token not in page.content()
    assert page_problems.all() == []
