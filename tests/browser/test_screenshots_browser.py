"""Screenshots of the main states at desktop (1366x900) and phone (390x844) sizes, written
to the run's temporary folder (its path is printed at the end of the run)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def shoot(page: Page, folder: Path, name: str, size: str) -> Path:
    path = folder / f"{name}-{size}.png"
    # caret="initial": hiding the caret puts a style attribute on every input, which htmx
    # then copies when it settles a swap (a CSP violation the page itself never causes).
    page.screenshot(path=str(path), caret="initial")
    assert png_size(path) == SIZES[size]
    return path


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_the_main_states(app, page, page_problems, screenshot_dir, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/")
    expect(page.locator("#body-json")).to_contain_text('"type"')
    shoot(page, screenshot_dir, "playground-default", size)

    page.get_by_label("Pool size", exact=True).fill("0")
    expect(page.locator("#preview-status")).to_have_class("preview-status invalid")
    page.get_by_label("Pool size", exact=True).scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "playground-invalid", size)
    page.get_by_label("Pool size", exact=True).fill("1000")
    expect(page.locator("#preview-status")).to_have_class("preview-status ok")

    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    page.evaluate("() => window.scrollTo(0, 0)")
    shoot(page, screenshot_dir, "playground-token", size)
    page.locator("#send-request").click()
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    tracker = page.locator("#trackers .tracker").first
    expect(tracker.locator(".tracker-head .status")).to_have_text("processed")
    page.evaluate("() => window.scrollTo(0, 0)")
    shoot(page, screenshot_dir, "playground-sent", size)
    page.locator("#result").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "playground-result", size)

    page.get_by_label("Balance", exact=True).check()
    expect(page.locator("#send-request")).to_have_text("Send request")
    page.locator("#send-request").click()
    expect(page.locator("#result .endpoint")).to_have_text("GET /v4/account/orders/balance")
    page.locator("#result").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "playground-balance", size)

    for name, path in (("history", "/history"), ("sandbox-console", "/sandbox/"),
                       ("login", "/accounts/login/")):
        page.goto(path)
        shoot(page, screenshot_dir, name, size)
    assert len(list(screenshot_dir.glob(f"*-{size}.png"))) == 9
    assert page_problems.all() == []
