"""`make serve` smoke test: the production start command (collectstatic, migrations,
gunicorn with gunicorn.conf.py, DEBUG off) serves the whole flow over real HTTP (page,
token, order, tracker until processed) and serves static files fingerprinted, compressed
and cached for a year."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.html_support import texts_of
from tests.process_support import running_make

START_TIMEOUT = 90.0  # collectstatic and migrations on a loaded 2-core machine
ORDER_TIMEOUT = 20.0
ONE_YEAR = 31_536_000
# The builder's default order (its form fields, as the page posts them).
DEFAULT_ORDER = {
    "type": "new_datacenter_shared", "country": "Belgium", "is_subscription": "true",
    "days": "30", "proxies_location": "mixed", "proxies_size": "1000", "bandwidth": "0",
}
FINGERPRINTED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.(css|js)$")


@dataclass
class Server:
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    # Answered by this test's gunicorn, not by something else on a reused port.
    with running_make("serve", tmp_path_factory.mktemp("serve"), server="gunicorn",
                      start_timeout=START_TIMEOUT, SANDBOX_PROCESSING_DELAY="0.3") as (url, log):
        yield Server(url, log)


@pytest.fixture(scope="module")
def browser(server) -> Iterator[httpx.Client]:
    """A cookie-keeping client, like a browser."""
    with httpx.Client(base_url=server.url, timeout=10.0) as client:
        yield client


@pytest.fixture(scope="module")
def home(browser) -> httpx.Response:
    response = browser.get("/")
    assert response.status_code == 200
    return response


def test_the_health_check_reports_the_database_and_the_embedded_sandbox(server):
    assert httpx.get(f"{server.url}/healthz").json() == {
        "status": "ok", "database": "ok", "version": "0.1.0", "api": "sandbox"}


def test_serve_places_an_order_and_tracks_it_until_processed(server, browser, home):
    csrf = browser.cookies["csrftoken"]
    headers = {"X-CSRFToken": csrf, "HX-Request": "true"}
    key = re.search(r'<input type="hidden" id="submission-key" name="submission_key" '
                    r'value="([0-9a-f]{32})">', home.text)
    assert key, "the page has no submission key"

    token = browser.post("/token", data={"token": "sandbox-full"}, headers=headers)
    assert token.status_code == 200
    assert "••••full" in texts_of(token.text, "code", "token-hint")

    sent = browser.post("/send", data={**DEFAULT_ORDER, "submission_key": key.group(1)},
                        headers=headers)
    assert sent.status_code == 200
    assert "Order placed." in texts_of(sent.text, "p", "result-title")
    order_id = re.search(r"Order id ([0-9a-f-]{36})\.", sent.text).group(1)

    deadline = time.monotonic() + ORDER_TIMEOUT
    while True:
        tracked = browser.get(f"/orders/{order_id}/tracker", headers={"HX-Request": "true"})
        assert tracked.status_code in (200, 286), tracked.text
        if tracked.status_code == 286:
            break
        assert time.monotonic() < deadline, f"still polling after {ORDER_TIMEOUT} s"
        time.sleep(0.3)
    assert "processed" in texts_of(tracked.text, "span", "status", "status-processed")


def test_serve_logs_one_json_line_per_request(server, browser, home):
    lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    pages = [line for line in lines if line.get("path") == "/" and line.get("method") == "GET"]
    assert pages, server.output()
    assert pages[0]["status"] == 200
    assert pages[0]["user"] == "anonymous"
    assert pages[0]["level"] == "INFO"
    assert re.fullmatch(r"[0-9a-f]{32}", pages[0]["request_id"])


def test_serve_leaves_no_control_socket_for_another_server_to_clash_with(server):
    assert "Control socket" not in server.output()
    assert "Listening at: " in server.output()


def test_serve_runs_with_debug_off(server, browser):
    response = browser.get("/no-such-page")
    assert response.status_code == 404
    assert "Traceback" not in response.text and "URLconf" not in response.text


def _static_urls(page: str) -> list[str]:
    return sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page)))


def test_the_page_links_only_fingerprinted_static_files(home):
    urls = _static_urls(home.text)
    assert len(urls) >= 3, urls  # the stylesheet, htmx and the page's script at least
    assert [url for url in urls if not FINGERPRINTED.match(url)] == []


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_static_files_are_compressed_and_cached_for_a_year(server, home, encoding):
    for url in _static_urls(home.text):
        plain = httpx.get(f"{server.url}{url}", headers={"Accept-Encoding": "identity"})
        packed = httpx.get(f"{server.url}{url}", headers={"Accept-Encoding": encoding})
        assert packed.status_code == 200, url
        assert packed.headers["content-encoding"] == encoding, url
        assert int(packed.headers["content-length"]) < len(plain.content), url
        assert packed.content == plain.content, url  # httpx decodes it
        cache = packed.headers["cache-control"]
        max_age = int(re.search(r"max-age=(\d+)", cache).group(1))
        assert max_age >= ONE_YEAR, (url, cache)
        assert "public" in cache and "immutable" in cache, (url, cache)


@pytest.mark.parametrize(("path", "content_type", "reason"), [
    ("/token", "application/x-www-form-urlencoded; charset=utf-16",
     "The form was sent as “utf-16”, but this site reads forms in UTF-8 only."),
    ("/send", "application/x-www-form-urlencoded; charset=nope",
     "The form was sent as “nope”, but this site reads forms in UTF-8 only."),
    ("/sandbox/console/top-up", "application/x-www-form-urlencoded; charset=rot13",
     "The form was sent as “rot13”, but this site reads forms in UTF-8 only."),
    ("/?type=new_serp", "text/plain; charset=rot13",
     "The request declares the charset “rot13”, which is not a text encoding."),
])
def test_a_request_in_a_charset_the_server_cannot_read_gets_its_own_400_page(
        server, browser, home, path, content_type, reason):
    csrf = browser.cookies["csrftoken"]
    method = "GET" if path.startswith("/?") else "POST"
    response = browser.request(method, path, content=f"csrfmiddlewaretoken={csrf}&token=x",
                               headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert reason in " ".join(response.text.split())
