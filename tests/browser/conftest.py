"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

Chromium comes from the distribution (``apt-get install chromium``), never from
``playwright install``. Without it the browser tests are skipped, except under CI (the
``CI`` environment variable set), where a missing browser is a failure.

Every test here is marked ``browser`` and runs after the rest of the suite: Playwright's
sync API keeps an asyncio loop running in the test thread for as long as it lives, so
Django's ORM needs ``DJANGO_ALLOW_ASYNC_UNSAFE`` while it does; running these tests last
keeps that switch away from the other tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = f"Chromium not found at {CHROMIUM}; install Debian's chromium package"
HERE = Path(__file__).parent
# Playwright's own timeout for actions and expect(); tests pass shorter ones where it matters.
DEFAULT_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    """Mark everything under tests/browser ``browser`` and move it to the end of the run."""
    browser, other = [], []
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            browser.append(item)
        else:
            other.append(item)
    items[:] = other + browser


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{MISSING} (CI is set, so browser tests may not be skipped).",
                        pytrace=False)
        pytest.skip(MISSING)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # tests only; see the module docstring
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(chromium_path),
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Reports every Content Security Policy violation a page sees, from before its first script
# runs, through a binding the test process receives (a binding is not subject to the CSP).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and CSP violations seen on any page of a test's
    context. Every browser test fails if any is left at its end (``clean_console``)."""

    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.console, *self.exceptions, *self.csp]

    def take(self) -> list[str]:
        """Everything seen so far, forgotten: for a test that provokes a problem on purpose
        and asserts it."""
        seen = self.all()
        self.console.clear()
        self.exceptions.clear()
        self.csp.clear()
        return seen


def _ignored(message) -> bool:
    """A browser asking for /favicon.ico and getting a 404 is not the page's fault."""
    return message.location.get("url", "").endswith("/favicon.ico")


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture(autouse=True)
def clean_console(page_problems) -> Iterator[None]:
    """Every browser test ends with a clean console: no error logged, no uncaught
    exception, no CSP violation on any page it opened (checked after its context closed)."""
    yield
    left = page_problems.all()
    if left:
        pytest.fail("The browser reported problems:\n" + "\n".join(left), pytrace=False)


@pytest.fixture
def context(browser, live_server, page_problems) -> Iterator:
    """A fresh browser context per test, allowed to use the clipboard on the live server."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    def on_console(message):
        if message.type == "error" and not _ignored(message):
            page_problems.console.append(f"{message.text} ({message.location.get('url')})")

    context.on("console", on_console)
    context.on("weberror", lambda error: page_problems.exceptions.append(str(error.error)))
    context.expose_binding("__reportCspViolation",
                           lambda _source, text: page_problems.csp.append(text))
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page in the test's context; see ``page_problems`` for what went wrong on it."""
    from playwright.sync_api import expect

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def app(live_server, demo, fast_processing):
    """The app under test: the live server with freshly seeded demo accounts and orders
    that process quickly. Returns the live server's base URL."""
    return live_server.url


# Screenshots of the main states, for a reviewer to look at: one folder per test run.
_screenshots: list[Path] = []


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots", numbered=False)
    _screenshots.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter):
    for folder in _screenshots:
        terminalreporter.write_line(f"Screenshots of the main states: {folder}")
