"""Faults on demand under the production server (`make serve`: gunicorn, threaded workers):
faults armed through the console's faults page; a dropped connection and "lose the answer"
reach httpx and curl as a connection closed with no answer, and gunicorn logs no error."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from tests.process_support import running_make

pytestmark = pytest.mark.fault

CREATE = "/sandbox/v4/account/orders/create"
BALANCE = "/sandbox/v4/account/orders/balance"
TOKEN = {"api-token": "sandbox-full"}
ORDER = json.dumps({"type": "new_datacenter_shared", "country": "Belgium",
                    "is_subscription": True, "days": 30, "proxies[mixed]": 1000,
                    "bandwidth": 0})


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, object]]:
    with running_make("serve", tmp_path_factory.mktemp("chaos"), server="gunicorn",
                      start_timeout=90.0) as (url, log):
        yield url, log


def arm(url: str, kind: str, endpoint: str = "create") -> None:
    """Arm through the console's page, as a person does."""
    with httpx.Client(base_url=url, timeout=10, follow_redirects=True) as browser:
        page = browser.get("/sandbox/current/faults")
        assert page.status_code == 200
        action = re.search(r'action="(/sandbox/\d+/faults/arm)"', page.text)[1]
        armed = browser.post(action, data={"kind": kind, "endpoint": endpoint, "calls": 1,
                                           "seconds": 0},
                             headers={"X-CSRFToken": browser.cookies["csrftoken"]})
        assert armed.status_code == 200
        assert "Armed:" in armed.text


def balance(url: str) -> float:
    return httpx.get(f"{url}{BALANCE}", headers=TOKEN).json()["data"]["balance"]


def journal_faults(url: str) -> list[tuple[str, str, int | None]]:
    entries = httpx.get(f"{url}/sandbox/journal?limit=500", headers=TOKEN).json()["data"]
    return [(e["endpoint"], e["fault"], e["status"]) for e in entries["entries"] if e["fault"]]


def test_a_dropped_connection_reaches_httpx_and_curl_as_no_answer(server):
    url, log = server
    before = balance(url)
    arm(url, "drop")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(f"{url}{CREATE}", content=ORDER,
                   headers={**TOKEN, "Content-Type": "application/json"})
    arm(url, "drop")
    done = subprocess.run(["curl", "-sS", "--max-time", "20", "-H", "api-token: sandbox-full",
                           "-H", "Content-Type: application/json", "--data-raw", ORDER,
                           f"{url}{CREATE}"], capture_output=True, text=True, timeout=30,
                          check=False)
    assert done.returncode == 52, done.stderr  # "Empty reply from server"
    assert balance(url) == before  # nothing was placed
    assert journal_faults(url)[-2:] == [("create", "drop", None)] * 2
    assert "Traceback" not in log.read_text()


def test_lose_the_answer_places_the_order_once_under_gunicorn(server):
    url, log = server
    before = balance(url)
    arm(url, "lose-answer")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(f"{url}{CREATE}", content=ORDER,
                   headers={**TOKEN, "Content-Type": "application/json"})
    assert round(before - balance(url), 2) == 29.04  # debited exactly once
    assert journal_faults(url)[-1] == ("create", "lose-answer", None)
    assert "Traceback" not in log.read_text()
