"""`make run` on a clean environment (no DEBUG, no secrets set): it migrates, seeds the demo
accounts and serves the playground and the sandbox, as the README's first line promises."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest

from tests.process_support import ROOT, STAMP, clean_env, free_port
from tests.test_serve import _stop

START_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("run")
    port = free_port()
    log = tmp / "run.log"
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp / 'run.sqlite3'}")
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", STAMP, "run", "HOST=127.0.0.1",
             f"PORT={port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"make run exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"make run did not answer in {START_TIMEOUT:.0f} s:\n"
                            f"{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        _stop(process)


def test_make_run_serves_the_playground_and_the_console(dev_server):
    page = httpx.get(f"{dev_server}/")
    assert page.status_code == 200 and "Build an API order" in page.text
    assert httpx.get(f"{dev_server}/sandbox/").status_code == 200


def test_make_run_seeds_the_demo_accounts_for_curl(dev_server):
    response = httpx.get(f"{dev_server}/sandbox/v4/account/orders/balance",
                         headers={"api-token": "sandbox-full"})
    assert response.json() == {"success": True, "data": {"balance": 250.0, "currency": "USD"}}
