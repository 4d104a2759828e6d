"""Fixtures shared by the whole suite. Test-specific fixtures live in their own modules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.signals import got_request_exception

from playground import api, money
from playground.sandbox.demo import seed_demo_accounts
from playground.sandbox.models import Account


def pytest_sessionfinish(session, exitstatus):
    """Django deletes the SQLite test database at the end; its -wal and -shm files (WAL
    mode) would stay behind in the project folder, one pair per run."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = database.get("TEST", {}).get("NAME")
    if name and database["ENGINE"] == "django.db.backends.sqlite3" and not Path(name).exists():
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


def pytest_collection_modifyitems(items):
    """A test that uses ``demo`` uses the database: say so with the marker, which is what
    pytest-django reads when it decides whether to set the test database up at all."""
    for item in items:
        if "demo" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
                "django_db"):
            transactional = "live_server" in item.fixturenames or "live_api" in item.fixturenames
            item.add_marker(pytest.mark.django_db(transaction=transactional))


@pytest.fixture
def demo(request) -> dict[str, Account]:
    """The demo accounts, by name, freshly seeded.

    Works with plain ``db`` tests and with live-server (transactional) tests, which flush
    the tables the migrations seeded.
    """
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    request.getfixturevalue("transactional_db" if transactional else "db")
    seed_demo_accounts(Account)
    return {a.name: a for a in Account.objects.all()}


@pytest.fixture
def crashes():
    """Every unhandled exception a view raised (in this process: test client, live server
    threads, the in-process sandbox)."""
    caught: list[BaseException] = []

    def keep(sender, request=None, **kwargs):
        caught.append(sys.exc_info()[1])

    got_request_exception.connect(keep)
    yield caught
    got_request_exception.disconnect(keep)


@pytest.fixture
def fast_processing(settings):
    """Orders fall due quickly, so status tests do not wait long."""
    settings.SANDBOX_PROCESSING_DELAY = 0.2
    settings.SANDBOX_SLOW_DELAY = 3.0
    return settings


@pytest.fixture
def live_api(live_server, demo) -> api.AccountApi:
    """The playground's API client talking real HTTP to the sandbox on a live test server."""
    client = api.AccountApi(f"{live_server.url}/sandbox")
    yield client
    client.close()


@pytest.fixture(autouse=True)
def _fresh_api_clients():
    """Each test builds its clients anew, for whatever API base its settings name."""
    api.clients.override(None)
    money._wallets.clear()  # the price panel's wallet reads, kept per token for seconds
    money._recent.clear()  # and the priced live orders it last read from History
    yield
    api.clients.override(None)
