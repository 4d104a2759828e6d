"""Two `make serve` servers (each its own gunicorn with several workers) on one PostgreSQL
database, and one browser-like client that alternates between them for every request.

Both servers run in live mode against a real HTTP API: the embedded sandbox of server A
(`PROXYSCRAPE_API_BASE=http://<A>/sandbox`), which keeps its orders in the same shared
database. So the live-order rate limit applies, and everything either server knows comes
from the database, or is per-process state that must not matter. Both take their secrets
from the worktree's one `.serve.env`, as two servers of one team must share SECRET_KEY and
TOKEN_ENCRYPTION_KEY.

The test makes a database of its own next to the one DATABASE_URL names (and drops it
afterwards); it is skipped unless DATABASE_URL names PostgreSQL (`make test-postgres`).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.process_support import free_port, running_make

DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="two servers share one PostgreSQL database: set DATABASE_URL=postgres://... "
           "(make test-postgres does)")

RATE_LIMIT = 3
ORDER = {
    "endpoint": "create", "type": "new_datacenter_shared", "country": "Belgium",
    "is_subscription": "true", "days": "30", "proxies_location": "mixed",
    "proxies_size": "1000", "bandwidth": "0", "confirm": "yes",
}
KEY = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')
ORDER_ID = re.compile(r"Order id ([0-9a-f-]{36})\.")
RATE_LIMITED = "Too many live orders: wait a minute."


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A fresh database beside the one DATABASE_URL names, dropped afterwards."""
    import psycopg

    name = f"{urlsplit(DATABASE_URL).path.lstrip('/')}_two_servers_{os.getpid()}"
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(DATABASE_URL, name)
    finally:
        with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def servers(database, tmp_path_factory) -> Iterator[list[str]]:
    tmp = tmp_path_factory.mktemp("two-servers")
    port_a = free_port()
    upstream = f"http://127.0.0.1:{port_a}/sandbox"
    common = {"PROXYSCRAPE_API_BASE": upstream, "ORDER_RATE_LIMIT": str(RATE_LIMIT),
              "SANDBOX_PROCESSING_DELAY": "0.3", "WEB_CONCURRENCY": "2",
              "GUNICORN_THREADS": "4"}
    with ExitStack() as stack:
        # One after the other: the first migrates the fresh database, the second finds
        # nothing to do.
        a, _ = stack.enter_context(running_make("serve", tmp, server="gunicorn", port=port_a,
                                                database_url=database, **common))
        b, _ = stack.enter_context(running_make("serve", tmp, server="gunicorn",
                                                database_url=database, **common))
        yield [a, b]


def rows(database: str, sql: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(database) as connection:
        return connection.execute(sql, params).fetchall()


class Alternating:
    """One browser (one cookie jar) whose every request goes to the next server."""

    def __init__(self, urls: list[str]):
        self.urls = urls
        self.turn = 0
        self.client = httpx.Client(timeout=20.0)

    def next_url(self) -> str:
        url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        return url

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.client.get(self.next_url() + path, **kwargs)

    def post(self, path: str, data: dict, url: str | None = None) -> httpx.Response:
        headers = {"X-CSRFToken": self.client.cookies["csrftoken"], "HX-Request": "true"}
        return self.client.post((url or self.next_url()) + path, data=data, headers=headers)

    def fresh_key(self) -> str:
        page = self.get("/")
        assert page.status_code == 200
        return KEY.search(page.text).group(1)


@pytest.fixture
def browser(servers):
    alternating = Alternating(servers)
    yield alternating
    alternating.client.close()  # its keep-alive sockets to both servers


def test_two_servers_on_one_database_behave_as_one(servers, database, browser):
    a, b = servers

    # A token stored through one server is used through the other.
    browser.fresh_key()  # A: the CSRF cookie
    stored = browser.post("/token", {"token": "sandbox-full"})  # B
    assert stored.status_code == 200
    assert '<code class="token-hint">••••full</code>' in browser.get("/").text  # A

    # An order placed through one server is tracked through both, to the end.
    key = browser.fresh_key()  # B
    placed = browser.post("/send", {**ORDER, "submission_key": key})  # A
    assert placed.status_code == 200, placed.text
    assert '<p class="result-title">Order placed.</p>' in placed.text
    order_id = ORDER_ID.search(placed.text).group(1)
    deadline = time.monotonic() + 20
    while True:
        tracked = browser.get(f"/orders/{order_id}/tracker", headers={"HX-Request": "true"})
        assert tracked.status_code in (200, 204, 286), tracked.text
        if tracked.status_code == 286:
            break
        assert time.monotonic() < deadline, "still polling after 20 s"
        time.sleep(0.2)
    assert '<span class="status status-processed">processed</span>' in tracked.text
    for url in (a, b):  # both servers' History tell the same
        history = browser.client.get(f"{url}/history", params={"order_status": "processed"})
        assert history.text.count('class="history-row"') == 2  # the create, the change
    assert rows(database, "SELECT order_status FROM playground_call WHERE order_id = %s "
                          "ORDER BY id", order_id) == [("processed",), ("processed",)]

    # One rendered form sent to both servers at once: one order, one history row.
    key = browser.fresh_key()
    answers: dict[str, httpx.Response] = {}

    def submit(url: str) -> None:
        answers[url] = browser.post("/send", {**ORDER, "submission_key": key}, url=url)

    threads = [threading.Thread(target=submit, args=(url,)) for url in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [answers[url].status_code for url in (a, b)] == [200, 200]
    assert rows(database, "SELECT count(*) FROM playground_call WHERE submission_key = %s",
                key) == [(1,)]
    assert rows(database, "SELECT count(*) FROM sandbox_order") == [(2,)]
    ids = {m.group(1) for r in answers.values() if (m := ORDER_ID.search(r.text))}
    assert len(ids) == 1  # whichever answers with the order names the same one

    # The live-order rate limit counts both servers' orders: the third passes, the
    # fourth is refused, whichever server it goes to.
    third = browser.post("/send", {**ORDER, "submission_key": browser.fresh_key()})
    assert '<p class="result-title">Order placed.</p>' in third.text
    fourth = browser.post("/send", {**ORDER, "submission_key": browser.fresh_key()})
    assert RATE_LIMITED in fourth.text
    assert rows(database, "SELECT count(*) FROM sandbox_order") == [(RATE_LIMIT,)]
    assert rows(database, "SELECT count(*) FROM playground_call WHERE endpoint = 'create' "
                          "AND outcome = 'ok'") == [(RATE_LIMIT,)]
