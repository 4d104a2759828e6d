"""`make bench` row 7: what the journal costs the sandbox API.

Two servers on one database, one with the journal on (the default) and one with
``SANDBOX_JOURNAL=0``, answer the same calls taking turns: a sandbox create, then a status
read of the order it placed. The figure is each server's own time (Server-Timing ``app``),
median, and the ratio on to off.
"""

from __future__ import annotations

import json
import statistics
import subprocess
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = 100
WARM_UP = 10
BODY = json.dumps({"type": "new_datacenter_shared", "country": "Belgium",
                   "is_subscription": True, "days": 30, "proxies[mixed]": 1000,
                   "bandwidth": 0})
HEADERS = {"api-token": "sandbox-full", "Content-Type": "application/json"}
FILL_WALLET = ("from playground.sandbox.models import Account; "
               "Account.objects.filter(name='sandbox-full').update(balance=900000)")


def measure_journal(python: str, env: dict, on_url: str, off_url: str,
                    server_ms) -> dict[str, tuple[float, float]]:
    """{measure: (median with the journal on, median with it off)} in ms."""
    subprocess.run([python, "manage.py", "shell", "-c", FILL_WALLET], cwd=ROOT, env=env,
                   check=True)
    times: dict[str, dict[str, list[float]]] = {
        "create": {on_url: [], off_url: []}, "status": {on_url: [], off_url: []}}
    clients = {url: httpx.Client(base_url=f"{url}/sandbox", headers=HEADERS, timeout=30)
               for url in (on_url, off_url)}
    try:
        for sample in range(SAMPLES + WARM_UP):
            for url, client in clients.items():
                created = client.post("/v4/account/orders/create", content=BODY)
                if created.status_code != 200:
                    raise RuntimeError(f"sandbox create: {created.status_code} {created.text}")
                status = client.get(f"/v4/account/orders/{created.json()['data']}/status")
                if status.status_code != 200:
                    raise RuntimeError(f"sandbox status: {status.status_code}")
                if sample >= WARM_UP:
                    times["create"][url].append(server_ms(created.headers))
                    times["status"][url].append(server_ms(status.headers))
    finally:
        for client in clients.values():
            client.close()
    return {name: (statistics.median(by[on_url]), statistics.median(by[off_url]))
            for name, by in times.items()}
