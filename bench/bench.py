"""`make bench`: the playground's speed, measured against its targets, in one table.

It starts the production server (the same `bin/start` and gunicorn.conf.py as the image and
`make serve`) pointed at a separate fake upstream (bench/fake_upstream.py, its own process,
answering every API call after a fixed delay). Then it measures:

1. the preview fragment (body, every highlighted snippet, the price panel) against GET /healthz;
2. an order-status poll through the playground against the same call made directly, with
   the upstream answering at once (the playground's own cost) and after 150 ms;
3. 300 browser tabs, each polling its own order every 1.5 s for 30 s, upstream at 150 ms;
4. the first page load: compressed bytes of the page and every static asset it links;
5. and 6. (bench/cost.py): History and the sandbox console at 1,000 and 100,000 rows, and
   the 300 tabs again through two servers on one database, alternating between them;
7. (bench/journal_cost.py): a sandbox create and a status read with the journal on and off.

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
from cost import SIZES, fill, measure_growth, measure_two_servers
from journal_cost import measure_journal

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
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def server_ms(headers, metric: str = "app") -> float:
    """A figure from an answer's Server-Timing header (no upstream figure: none waited)."""
    match = re.search(rf"\b{metric};dur=([0-9.]+)", headers.get("server-timing", ""))
    if not match and metric == "upstream":
        return 0.0
    if not match:
        raise RuntimeError(f"an answer without a Server-Timing {metric} figure")
    return float(match.group(1))


class Server:
    def __init__(self, name: str, env: dict, workdir: Path, command=None):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        full_env = {**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(self.port),
                    "PYTHON": PY}
        command = command or ["./bin/start"]
        command = [part.replace("{port}", str(self.port)) for part in command]
        self.process = subprocess.Popen(command, cwd=ROOT, env=full_env,
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
        health.append(server_ms(response.headers))
        started = time.perf_counter()
        response = client.get("/preview", params=base_query)
        preview_rt.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and "code-python" in response.text
        assert 'id="price-panel"' in response.text  # the price panel comes with it
        preview.append(server_ms(response.headers))
        # A user typing: every request a body never seen before.
        typing = {**base_query, "coupon_code": f"TYPING{i}", "proxies_size": str(1000 + i)}
        response = client.get("/preview", params=typing)
        assert response.status_code == 200 and f"TYPING{i}" in response.text
        assert 'id="price-panel"' in response.text
        preview_typing.append(server_ms(response.headers))
    client.close()
    return {"health": health, "preview": preview, "typing": preview_typing,
            "health_rt": health_rt, "preview_rt": preview_rt}


# --- 2. one status poll --------------------------------------------------------------------

class KeepAlive:
    """A minimal HTTP/1.1 client on one keep-alive connection. The poll through the
    playground and the direct call both use it, with the same fixed headers (a browser's
    cookie header is a string too), so their difference is the playground's alone and not
    a client library's cookie jar or URL handling."""

    def __init__(self, base: str, headers: dict[str, str]):
        self.host = base.removeprefix("http://")
        host, port = self.host.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")
        self.headers = "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    def get(self, path: str) -> tuple[int, dict[str, str]]:
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n{self.headers}\r\n"
                          .encode())
        status = int(self.reader.readline().split()[1])
        headers = {}
        while (line := self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        self.reader.read(int(headers.get("content-length", 0)))
        return status, headers

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def set_upstream_delay(upstream: str, seconds: float) -> None:
    httpx.post(f"{upstream}/_delay?seconds={seconds}", timeout=5).raise_for_status()


def measure_poll(base: str, upstream: str, delay: float, pairs: int,
                 batches: int = 1) -> dict:
    """Polls through the playground and direct calls, alternating, `pairs` of each per batch,
    with the upstream answering after `delay` seconds. Each batch's added median is kept
    too, so the table shows how much the figure moves within one run."""
    set_upstream_delay(upstream, delay)
    session = open_session(base)
    order_id = place_order(session)
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    session.close()
    through = KeepAlive(base, {"Cookie": cookie, "HX-Request": "true"})
    direct = KeepAlive(upstream, {"api-token": BENCH_TOKEN})
    # The URL the tracker fragment tells htmx to poll: started now, "paid" on the page.
    poll_url = f"/orders/{order_id}/tracker?started={time.time():.3f}&shown=paid"
    status_url = f"/v4/account/orders/{order_id}/status"
    via, straight, app_ms, batch_added = [], [], [], []
    for _ in range(10):
        through.get(poll_url)
        direct.get(status_url)
    for _ in range(batches):
        batch_via, batch_straight = [], []
        for _ in range(pairs):
            started = time.perf_counter()
            status, headers = through.get(poll_url)
            batch_via.append((time.perf_counter() - started) * 1000)
            assert status == 204, status  # unchanged: the page already shows "paid"
            app_ms.append(server_ms(headers) - server_ms(headers, "upstream"))
            started = time.perf_counter()
            status, _ = direct.get(status_url)
            batch_straight.append((time.perf_counter() - started) * 1000)
            assert status == 200, status
        batch_added.append(statistics.median(batch_via) - statistics.median(batch_straight))
        via += batch_via
        straight += batch_straight
    bare_health = []  # the same hop with nothing behind it, after as long an idle pause
    for _ in range(50):
        time.sleep(delay)
        started = time.perf_counter()
        status, _ = through.get("/healthz")
        assert status == 200, status
        bare_health.append((time.perf_counter() - started) * 1000)
    through.close()
    direct.close()
    set_upstream_delay(upstream, UPSTREAM_DELAY)
    return {"through": via, "direct": straight, "app": app_ms,
            "added": statistics.median(via) - statistics.median(straight),
            "batch_added": batch_added, "bare_health": bare_health}


# --- 3. many tabs --------------------------------------------------------------------------

async def _tab(port: int, cookie: str, order_id: str, until: float, results: list,
               errors: list) -> None:
    """One browser tab: a keep-alive connection polling the tracker like htmx does. A bare
    asyncio client, so the benchmark's own cost stays small beside the server's."""
    # The URL the tracker fragment tells htmx to poll: started now, "paid" on the page.
    url = f"/orders/{order_id}/tracker?started={time.time():.3f}&shown=paid"
    request = (f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               f"Cookie: {cookie}\r\nHX-Request: true\r\n\r\n").encode()
    reader = writer = None
    await asyncio.sleep(random.uniform(0, POLL_EVERY))
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            if length:  # a 204 has no body and no length
                await reader.readexactly(int(length.group(1)))
            if re.search(rb"(?i)connection: *close", head):
                writer.close()
                writer = None
            elapsed = (time.perf_counter() - started) * 1000
            if status in (200, 204, 286):
                results.append(elapsed)
            else:
                errors.append(f"HTTP {status}")
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError,
                AttributeError) as exc:
            errors.append(type(exc).__name__)
            if writer is not None:
                writer.close()
            writer = None
        await asyncio.sleep(max(0.0, POLL_EVERY - (time.perf_counter() - started)))
    if writer is not None:
        writer.close()


def measure_tabs(base: str) -> dict:
    def one(_):
        client = open_session(base)
        order_id = place_order(client)
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        client.close()
        return cookie, order_id

    with ThreadPoolExecutor(max_workers=24) as pool:
        tabs = list(pool.map(one, range(TABS)))
    results: list[float] = []
    errors: list[str] = []

    async def run():
        until = time.monotonic() + TAB_SECONDS
        port = int(base.rsplit(":", 1)[1])
        await asyncio.gather(*(_tab(port, c, o, until, results, errors) for c, o in tabs))

    asyncio.run(run())
    return {"latencies": results, "errors": errors, "tabs": tabs}


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
    upstream = Server("upstream", {}, workdir,
                      [PY, "bench/fake_upstream.py", "{port}", str(UPSTREAM_DELAY)])
    app = None
    try:
        upstream.wait()
        app_env = {**common_env(workdir / "app.sqlite3"),
                   "PROXYSCRAPE_API_BASE": upstream.url, "ORDER_RATE_LIMIT": "1000",
                   "SANDBOX_ORDER_LIMIT": "0"}
        app = Server("app", app_env, workdir)
        app.wait()
        print(f"bench: app {app.url}, upstream {upstream.url} "
              f"(answers after {UPSTREAM_DELAY * 1000:.0f} ms); logs in {workdir}", flush=True)
        preview = measure_preview(app.url)
        poll = measure_poll(app.url, upstream.url, 0.0, pairs=300, batches=5)
        slow_poll = measure_poll(app.url, upstream.url, UPSTREAM_DELAY, pairs=100)
        page = measure_page(app.url)
        tabs = measure_tabs(app.url)
        # 6. A second server on the same database and secrets; the same tabs alternate.
        app2 = Server("app2", app_env, workdir)
        app2.wait()
        two = measure_two_servers(tabs["tabs"], [app.url, app2.url], TAB_SECONDS, POLL_EVERY)
        app2.stop()
        # 5. Two owners, one with 1,000 calls, one with 100,000: each session places an
        # order, which makes it the owner of the newest call, then gets its calls.
        fill_env = {**os.environ, **app_env}
        sessions = []
        for size in SIZES:
            sessions.append(open_session(app.url))
            place_order(sessions[-1])
            fill(PY, fill_env, "history", size)
        growth = measure_growth(PY, fill_env, sessions, app.url, server_ms)
        for session in sessions:
            session.close()
        # 7. The sandbox API with the journal on (app) and off (a second server), in turns.
        app_off = Server("app-nojournal", {**app_env, "SANDBOX_JOURNAL": "0"}, workdir)
        app_off.wait()
        journal = measure_journal(PY, fill_env, app.url, app_off.url, server_ms)
        app_off.stop()
    finally:
        if app is not None:
            app.stop()
        upstream.stop()

    health_med = statistics.median(preview["health"])
    prev_med = statistics.median(preview["preview"])
    typing_med = statistics.median(preview["typing"])
    ratio = prev_med / health_med
    typing_ratio = typing_med / health_med
    lat = tabs["latencies"]
    batches = poll["batch_added"]
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
    print(f"| 1 | preview fragment, a body never seen before (as when typing) "
          f"| median {typing_med:.2f} ms, p99 {percentile(preview['typing'], 99):.2f} ms; "
          f"{typing_ratio:.1f}x healthz | <= 5 ms | {verdict(typing_med <= 5)} |")
    print(f"| 1 | round trips on loopback | healthz {statistics.median(preview['health_rt']):.2f}"
          f" ms, preview {statistics.median(preview['preview_rt']):.2f} ms | | |")
    print(f"| 2 | status poll through the playground vs the same call direct, upstream "
          f"answering at once | {statistics.median(poll['through']):.2f} ms vs "
          f"{statistics.median(poll['direct']):.2f} ms: +{poll['added']:.2f} ms ({len(batches)} "
          f"batches of 300: +{min(batches):.2f} to +{max(batches):.2f} ms); a bare /healthz "
          f"round trip: {statistics.median(poll['bare_health']):.2f} ms | <= 3 ms "
          f"| {verdict(poll['added'] <= 3)} |")
    print(f"| 2 | the playground's own server time in that poll (upstream wait excluded) | "
          f"median {statistics.median(poll['app']):.2f} ms | | |")
    print(f"| 2 | the same, upstream answering after {UPSTREAM_DELAY * 1000:.0f} ms (every "
          f"process idles {UPSTREAM_DELAY * 1000:.0f} ms between calls) "
          f"| {statistics.median(slow_poll['through']):.1f} ms vs "
          f"{statistics.median(slow_poll['direct']):.1f} ms: +{slow_poll['added']:.2f} ms; own "
          f"server time {statistics.median(slow_poll['app']):.2f} ms; a bare /healthz round "
          f"trip after the same idle pause: {statistics.median(slow_poll['bare_health']):.2f} ms"
          f" | for reference | |")
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
    small, large = SIZES
    for label, by_size in growth.items():
        ratio = by_size[large] / by_size[small]
        print(f"| 5 | {label}, {small:,} vs {large:,} rows | median {by_size[small]:.2f} ms vs "
              f"{by_size[large]:.2f} ms: {ratio:.2f}x | <= 1.5x | {verdict(ratio <= 1.5)} |")
    lat2 = two["latencies"]
    print(f"| 6 | {TABS} tabs polling every {POLL_EVERY} s for {TAB_SECONDS:.0f} s, each poll "
          f"on the other of two servers (one database) | {len(lat2)} served, "
          f"{len(two['errors'])} errors, p50 {percentile(lat2, 50):.0f} ms, p99 "
          f"{percentile(lat2, 99):.0f} ms | 0 errors, p99 <= 400 ms "
          f"| {verdict(not two['errors'] and percentile(lat2, 99) <= 400)} |")
    for label, (on, off) in journal.items():
        name = "a sandbox create" if label == "create" else "a sandbox status read"
        print(f"| 7 | {name}, journal on vs off (two servers, in turns), server time | median "
              f"{on:.2f} ms vs {off:.2f} ms: {on / off:.2f}x | <= 1.5x "
              f"| {verdict(on / off <= 1.5)} |")
    if tabs["errors"] or two["errors"]:
        print("errors:", sorted(set(tabs["errors"] + two["errors"]))[:10])
    for asset in page["assets"]:
        print(f"    {asset['path']}: {asset['bytes']} B {asset['encoding']}, "
              f"max-age {asset['max_age']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
