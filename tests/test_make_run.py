"""`make run` on a clean environment (no DEBUG, no secrets set): it migrates, seeds the demo
accounts and serves the playground and the sandbox, as the README's first line promises."""

from __future__ import annotations

import httpx
import pytest

from tests.process_support import running_make


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory):
    with running_make("run", tmp_path_factory.mktemp("run")) as (url, _log):
        yield url


def test_make_run_serves_the_playground_and_the_console(dev_server):
    page = httpx.get(f"{dev_server}/")
    assert page.status_code == 200 and "Build an API order" in page.text
    assert httpx.get(f"{dev_server}/sandbox/").status_code == 200


def test_make_run_seeds_the_demo_accounts_for_curl(dev_server):
    response = httpx.get(f"{dev_server}/sandbox/v4/account/orders/balance",
                         headers={"api-token": "sandbox-full"})
    assert response.json() == {"success": True, "data": {"balance": 250.0, "currency": "USD"}}
