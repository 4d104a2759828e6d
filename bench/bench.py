"""`make bench`: the playground's speed, measured against its targets, in one table.

It starts the production server (the same `bin/start` and gunicorn.conf.py as the image and
`make serve`) pointed at a separate fake upstream: the sandbox in its own gunicorn process,
answering every API call after SANDBOX_RESPONSE_DELAY seconds. Then it measures:

1. the preview fragment (body plus every highlighted snippet) against GET /healthz;
2. an order-status poll through the playground against the same call made directly;
3. 300 browser tabs, each polling its own order every 1.5 s for 30 s, upstream at 150 ms;
4. the first page load: compressed bytes of the page and every static asset it links.

Server time is the app's own figure from the Server-Timing header (everything between the
first middleware and the last); round trips over loopback are printed beside it.
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ORDER_FORM = {
    "type": "new_datacenter_shared", "country": "Belgium", "is_subscription": "true",
    "days": "30", "proxies_location": "mixed", "proxies_size": "1000", "bandwidth": "0",
}
BENCH_TOKEN = "bench-token-0123456789abcdef"
TABS = int(os.environ.get("BENCH_TABS", "300"))
TAB_SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
POLL_EVERY = 1.5
UPSTREAM_DELAY = 0.150
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "600"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def server_ms(response: httpx.Response) -> float:
    match = re.search(r"app;dur=([0-9.]+)", response.headers.get("server-timing", ""))
    if not match:
        raise RuntimeError(f"no Server-Timing on {response.request.url}")
    return float(match.group(1))


class Server:
    def __init__(self, name: str, env: dict, workdir: Path):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        full_env = {**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(self.port),
                    "PYTHON": PY}
        self.process = subprocess.Popen(["./bin/start"], cwd=ROOT, env=full_env,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see its log")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start in {timeout} s")

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def common_env(database: Path) -> dict:
    from cryptography.fernet import Fernet

    return {
        "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50,
        "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{database}", "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0", "LOG_LEVEL": "INFO",
    }


def make_bench_account(env: dict) -> None:
    code = (
        "from decimal import Decimal\n"
        "from playground.sandbox.models import Account, hash_token\n"
        f"Account.objects.update_or_create(name='bench', defaults=dict(token_hash=hash_token("
        f"{BENCH_TOKEN!r}), token_hint='cdef', email='bench@example.com', can_read=True, "
        "can_write=True, balance=Decimal('10000000')))\n"
    )
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                   env={**os.environ, **env}, check=True)
    subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT,
                   env={**os.environ, **env}, check=True)


# --- a browser session ------------------------------------------------------------------

def open_session(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    client.get("/")
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    client.headers["HX-Request"] = "true"
    response = client.post("/token", data={"token": BENCH_TOKEN, "auth": "api-token"})
    response.raise_for_status()
    return client


def place_order(client: httpx.Client) -> str:
    key = os.urandom(16).hex()
    response = client.post("/send", data={**ORDER_FORM, "submission_key": key, "confirm": "yes"})
    match = re.search(r"/orders/([0-9a-f-]{36})/tracker", response.text)
    if response.status_code != 200 or not match:
        raise RuntimeError(f"order not placed: {response.status_code} {response.text[:300]}")
    return match.group(1)


# --- 1. preview ------------------------------------------------------------------------------

def measure_preview(base: str) -> dict:
    client = httpx.Client(base_url=base, timeout=10, headers={"HX-Request": "true"})
    base_query = {**ORDER_FORM, "shape": "create:new_datacenter_shared:form"}
    for _ in range(50):  # warm both
        client.get("/healthz")
        client.get("/preview", params=base_query)
    health, preview, preview_typing = [], [], []
    health_rt, preview_rt = [], []
    for i in range(SAMPLES):
        started = time.perf_counter()
        response = client.get("/healthz")
        health_rt.append((time.perf_counter() - started) * 1000)
        health.append(server_ms(response))
        started = time.perf_counter()
        response = client.get("/preview", params=base_query)
        preview_rt.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and "code-python" in response.text
        preview.append(server_ms(response))
        # A user typing: every request a body never seen before.
        typing = {**base_query, "coupon_code": f"TYPING{i}", "proxies_size": str(1000 + i)}
        response = client.get("/preview", params=typing)
        assert response.status_code == 200 and f"TYPING{i}" in response.text
        preview_typing.append(server_ms(response))
    client.close()
    return {"health": health, "preview": preview, "typing": preview_typing,
            "health_rt": health_rt, "preview_rt": preview_rt}


# --- 2. one status poll --------------------------------------------------------------------

def measure_poll(base: str, upstream: str) -> dict:
    session = open_session(base)
    order_id = place_order(session)
    direct = httpx.Client(base_url=upstream, timeout=10, headers={"api-token": BENCH_TOKEN})
    through, straight, app_ms, upstream_ms = [], [], [], []
    for _ in range(10):
        session.get(f"/orders/{order_id}/tracker")
        direct.get(f"/sandbox/v4/account/orders/{order_id}/status")
    for _ in range(100):
        started = time.perf_counter()
        response = session.get(f"/orders/{order_id}/tracker")
        through.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 286), response.status_code
        app_ms.append(server_ms(response))
        started = time.perf_counter()
        response = direct.get(f"/sandbox/v4/account/orders/{order_id}/status")
        straight.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        upstream_ms.append(server_ms(response))
    session.close()
    direct.close()
    return {"through": through, "direct": straight, "app": app_ms, "upstream": upstream_ms}


# --- 3. many tabs --------------------------------------------------------------------------

async def _tab(base: str, cookies: httpx.Cookies, order_id: str, until: float,
               results: list, errors: list) -> None:
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=10,
                                 headers={"HX-Request": "true"}) as client:
        await asyncio.sleep(random.uniform(0, POLL_EVERY))
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                response = await client.get(f"/orders/{order_id}/tracker")
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code in (200, 286):
                    results.append(elapsed)
                else:
                    errors.append(f"HTTP {response.status_code}")
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
            await asyncio.sleep(max(0.0, POLL_EVERY - (time.perf_counter() - started)))


def measure_tabs(base: str) -> dict:
    def one(_):
        client = open_session(base)
        order_id = place_order(client)
        cookies = httpx.Cookies(client.cookies)
        client.close()
        return cookies, order_id

    with ThreadPoolExecutor(max_workers=24) as pool:
        tabs = list(pool.map(one, range(TABS)))
    results: list[float] = []
    errors: list[str] = []

    async def run():
        until = time.monotonic() + TAB_SECONDS
        await asyncio.gather(*(_tab(base, c, o, until, results, errors) for c, o in tabs))

    asyncio.run(run())
    return {"latencies": results, "errors": errors}


# --- 4. first page load ----------------------------------------------------------------------

def measure_page(base: str) -> dict:
    headers = {"Accept-Encoding": "br, gzip"}
    with httpx.Client(base_url=base, timeout=10) as client:
        def wire_bytes(path: str):
            with client.stream("GET", path, headers=headers) as response:
                size = sum(len(chunk) for chunk in response.iter_raw())
                return response, size

        page, total = wire_bytes("/")
        body = httpx.get(f"{base}/", timeout=10).text
        assets = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', body)))
        rows = []
        for asset in assets:
            response, size = wire_bytes(asset)
            total += size
            max_age = re.search(r"max-age=(\d+)", response.headers.get("cache-control", ""))
            rows.append({
                "path": asset, "bytes": size,
                "encoding": response.headers.get("content-encoding", "identity"),
                "fingerprinted": bool(re.search(r"\.[0-9a-f]{12}\.\w+$", asset)),
                "max_age": int(max_age.group(1)) if max_age else 0,
            })
    return {"page_bytes": page.num_bytes_downloaded, "page_encoding":
            page.headers.get("content-encoding", "identity"), "assets": rows, "total": total}


# --- report ------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="playground-bench-"))
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env={**os.environ, "DEBUG": "1"}, check=True)
    upstream_env = {**common_env(workdir / "upstream.sqlite3"),
                    "SANDBOX_RESPONSE_DELAY": str(UPSTREAM_DELAY),
                    "GUNICORN_THREADS": "64", "WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING"}
    make_bench_account(upstream_env)
    upstream = Server("upstream", upstream_env, workdir)
    app = None
    try:
        upstream.wait()
        app_env = {**common_env(workdir / "app.sqlite3"),
                   "PROXYSCRAPE_API_BASE": f"{upstream.url}/sandbox",
                   "ORDER_RATE_LIMIT": "1000"}
        app = Server("app", app_env, workdir)
        app.wait()
        print(f"bench: app {app.url}, upstream {upstream.url} "
              f"(answers after {UPSTREAM_DELAY * 1000:.0f} ms); logs in {workdir}", flush=True)
        preview = measure_preview(app.url)
        poll = measure_poll(app.url, upstream.url)
        page = measure_page(app.url)
        tabs = measure_tabs(app.url)
    finally:
        if app is not None:
            app.stop()
        upstream.stop()

    health_med = statistics.median(preview["health"])
    prev_med = statistics.median(preview["preview"])
    typing_med = statistics.median(preview["typing"])
    ratio = prev_med / health_med
    typing_ratio = typing_med / health_med
    added = statistics.median(poll["through"]) - statistics.median(poll["direct"])
    lat = tabs["latencies"]
    print()
    print(f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores,"
          f" Python {platform.python_version()}")
    print()
    print("| # | measure | figure | target | |")
    print("|---|---|---|---|---|")
    print(f"| 1 | GET /healthz, server time | median {health_med:.2f} ms, p99 "
          f"{percentile(preview['health'], 99):.2f} ms | | |")
    print(f"| 1 | preview fragment, same input again | median {prev_med:.2f} ms, p99 "
          f"{percentile(preview['preview'], 99):.2f} ms; {ratio:.1f}x healthz | <= 5 ms, <= 3x "
          f"| {verdict(prev_med <= 5 and ratio <= 3)} |")
    print(f"| 1 | preview fragment, new input each time | median {typing_med:.2f} ms, p99 "
          f"{percentile(preview['typing'], 99):.2f} ms; {typing_ratio:.1f}x healthz | <= 5 ms "
          f"| {verdict(typing_med <= 5)} |")
    print(f"| 1 | round trips on loopback | healthz {statistics.median(preview['health_rt']):.2f}"
          f" ms, preview {statistics.median(preview['preview_rt']):.2f} ms | | |")
    print(f"| 2 | status poll through the playground vs direct | "
          f"{statistics.median(poll['through']):.1f} ms vs "
          f"{statistics.median(poll['direct']):.1f} ms: +{added:.1f} ms | <= 3 ms "
          f"| {verdict(added <= 3)} |")
    print(f"| 2 | server time of that poll: playground vs upstream | "
          f"{statistics.median(poll['app']):.1f} ms vs {statistics.median(poll['upstream']):.1f}"
          f" ms | | |")
    print(f"| 3 | {TABS} tabs polling every {POLL_EVERY} s for {TAB_SECONDS:.0f} s, upstream "
          f"{UPSTREAM_DELAY * 1000:.0f} ms | {len(lat)} served, {len(tabs['errors'])} errors, "
          f"p50 {percentile(lat, 50):.0f} ms, p99 {percentile(lat, 99):.0f} ms "
          f"| 0 errors, p99 <= 400 ms "
          f"| {verdict(not tabs['errors'] and percentile(lat, 99) <= 400)} |")
    cached = all(a["fingerprinted"] and a["max_age"] >= 365 * 24 * 3600 for a in page["assets"])
    compressed = all(a["encoding"] in ("gzip", "br") for a in page["assets"])
    print(f"| 4 | first page load, compressed | {page['total'] / 1024:.1f} KB in "
          f"{len(page['assets']) + 1} responses (page {page['page_bytes'] / 1024:.1f} KB "
          f"{page['page_encoding']}) | <= 60 KB | {verdict(page['total'] <= 60 * 1024)} |")
    print(f"| 4 | static assets fingerprinted, compressed, cached >= 1 year | "
          f"{'yes' if cached and compressed else 'no'} | all | "
          f"{verdict(cached and compressed)} |")
    if tabs["errors"]:
        print("errors:", sorted(set(tabs["errors"]))[:10])
    for asset in page["assets"]:
        print(f"    {asset['path']}: {asset['bytes']} B {asset['encoding']}, "
              f"max-age {asset['max_age']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
