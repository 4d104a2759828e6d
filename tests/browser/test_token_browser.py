"""The token panel in a real browser: one line once a token is stored, and one control for
the auth header and one for the token in code, so the page says what is sent and shown."""

from __future__ import annotations

from playwright.sync_api import expect


def test_stored_token_panel_is_one_line_and_its_auth_control_drives_code_and_send(
        app, page, page_problems):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    panel = page.locator("#token-panel")
    expect(panel.locator(".token-hint")).to_have_text("••••full")
    parts = [panel.locator(sel).bounding_box() for sel in
             ("#token-h", ".token-hint", "#opt-auth", ".token-change summary", "#forget-token")]
    middle = parts[0]["y"] + parts[0]["height"] / 2
    for part in parts[1:]:  # one line: each crosses the heading's middle
        assert part["y"] <= middle <= part["y"] + part["height"]
    expect(panel.locator("#api-token")).to_be_hidden()
    expect(page.locator("select[name=auth]")).to_have_count(1)

    panel.get_by_label("Sent as").select_option("bearer")
    curl = page.locator("#code-curl")
    expect(curl).to_contain_text("Authorization: Bearer <your-jwt>")
    page.get_by_label("Token in code").select_option("mine")
    expect(curl).to_contain_text("Authorization: Bearer sandbox-full")
    expect(page.locator("#preview .token-included")).to_be_visible()
    assert "sandbox-full" not in page.url and "mine" not in page.url
    page.get_by_label("Balance", exact=True).check()
    expect(page.locator("#request-line .url")).to_contain_text("/balance")
    page.locator("#send-request").click()
    expect(page.locator("#result .auth-form")).to_have_text("sent with Authorization: Bearer")
    expect(panel.get_by_label("Sent as")).to_have_value("bearer")
    expect(page.get_by_label("Token in code")).to_have_value("mine")

    page.get_by_label("Token in code").select_option("placeholder")
    expect(curl).to_contain_text("Authorization: Bearer <your-jwt>")
    panel.locator(".token-change summary").click()
    expect(panel.locator("#api-token")).to_be_visible()
    panel.get_by_role("button", name="Forget token").click()
    expect(panel.locator(".token-hint")).to_have_count(0)
    expect(panel.get_by_label("Sent as")).to_have_value("bearer")
    assert page_problems.all() == []
