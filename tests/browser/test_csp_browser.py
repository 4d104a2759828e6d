"""The whole flow in Chromium under the enforced Content Security Policy (django-csp):
change the product, use a demo token, send the default order and watch it reach processed,
with no CSP violation on the way (none reported to the page, none in the console)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

# Records every CSP violation the page sees, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`);
});
"""
ORDER_TIMEOUT_MS = 15_000


@pytest.fixture
def csp_console(page: Page) -> list[str]:
    """Console messages about the Content Security Policy (Chromium logs each violation)."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.add_init_script(RECORD_VIOLATIONS)
    return messages


def wait_for_product(page: Page, product: str) -> None:
    expect(page.locator('#builder input[name="shape"]')).to_have_value(
        f"create:{product}:form")
    expect(page.locator("#builder.htmx-settling, #builder.htmx-request")).to_have_count(0)


def test_the_page_is_served_with_a_strict_policy(app, page, csp_console):
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["script-src"][0] == "'self'"
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_a_whole_order_runs_under_the_policy_without_a_violation(app, page, csp_console,
                                                                 page_problems):
    response = page.goto("/")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    wait_for_product(page, "new_datacenter_shared")

    # A product change re-renders the builder through htmx.
    page.get_by_label("Product", exact=True).select_option("new_residential")
    wait_for_product(page, "new_residential")
    expect(page.locator("#body-json")).to_contain_text('"type": "new_residential"')
    page.get_by_label("Product", exact=True).select_option("new_datacenter_shared")
    wait_for_product(page, "new_datacenter_shared")
    expect(page.locator("#body-json")).to_contain_text('"type": "new_datacenter_shared"')

    page.get_by_role("button", name="sandbox-full", exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")

    page.locator("#send-request").click()
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    expect(page.locator("#trackers .tracker .status-processed").first).to_have_text(
        "processed", timeout=ORDER_TIMEOUT_MS)

    assert page.evaluate("window.__cspViolations") == []
    assert csp_console == []
    assert page_problems.all() == []


def test_the_policy_blocks_inline_script_and_the_violation_is_seen(app, page, csp_console,
                                                                   page_problems):
    """The detection above (and every browser test's clean-console check) is not vacuous:
    an inline script is blocked and reported."""
    page.goto("/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.__inlineRan = true;";
            document.body.appendChild(script);
        }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__inlineRan === undefined")
    [violation] = page.evaluate("window.__cspViolations")
    assert violation.startswith("script-src-elem blocked inline")
    assert len(csp_console) == 1
    problems = page_problems.take()
    assert len(problems) == 2  # the console's error and the violation event
    assert any(p.startswith("script-src-elem blocked inline") for p in problems)


def test_an_element_styled_from_script_keeps_the_console_clean_when_htmx_swaps_it(
        app, page, csp_console, page_problems):
    """htmx's settle step copies the old element's settle attributes onto the new one; with
    `style` among them (its default), a style set through the CSSOM (by a script, or by the
    browser when a textarea is resized) becomes a blocked inline style on every re-render.
    The page's htmx-config leaves `style` out."""
    page.goto("/")
    wait_for_product(page, "new_datacenter_shared")
    page.locator("#preview").evaluate("el => { el.style.outlineColor = 'red'; }")
    page.get_by_label("Pool size", exact=True).fill("2000")
    expect(page.locator("#body-json")).to_contain_text('"proxies[mixed]": 2000')
    expect(page.locator("#builder.htmx-settling, #preview.htmx-settling")).to_have_count(0)
    assert page.evaluate("window.__cspViolations") == []
    assert csp_console == []
    assert page_problems.all() == []
