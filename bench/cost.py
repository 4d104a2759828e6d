"""`make bench` rows 5 and 6: what grows with the data, and two servers.

5. /history (newest page, a filter, an older page) and the sandbox console with 1,000 and
   then 100,000 rows (the owner's calls; the sandbox's orders), written by bench/fill.py into
   the bench's own database in the same run; the ratio of the medians is the figure.
6. 300 tabs polling through two servers on one database, every tab alternating between them.
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import subprocess
import time
from pathlib import Path

import httpx

SIZES = (1_000, 100_000)
GROWTH_SAMPLES = 60
ROOT = Path(__file__).resolve().parent.parent


def fill(python: str, env: dict, kind: str, total: int) -> None:
    subprocess.run([python, "bench/fill.py", kind, str(total)], cwd=ROOT, env=env, check=True)


def _medians(clients: list[httpx.Client], paths: list[str], server_ms) -> list[float]:
    """Median server time of each (client, path), the requests taking turns, so that a
    busy spell on the machine weighs on every one alike."""
    times: list[list[float]] = [[] for _ in clients]
    for sample in range(GROWTH_SAMPLES + 5):
        for n, (client, path) in enumerate(zip(clients, paths, strict=True)):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path}: {response.status_code}")
            if sample >= 5:  # the first few warm up
                times[n].append(server_ms(response.headers))
    return [statistics.median(t) for t in times]


def _history_pages(session: httpx.Client) -> dict[str, str]:
    first = session.get("/history")
    older = re.search(r'<a href="\?([^"]+)" rel="next">Older</a>', first.text)
    if older is None:
        raise RuntimeError("History has no Older link")
    return {
        "/history, newest page": "/history",
        "/history, one filter (endpoint=create)": "/history?endpoint=create",
        "/history, two filters (create, http_status=200)":
            "/history?endpoint=create&http_status=200",
        "/history, an older page": "/history?" + older.group(1).replace("&amp;", "&"),
    }


def measure_growth(python: str, env: dict, sessions: list[httpx.Client], base: str,
                   server_ms) -> dict[str, dict[int, float]]:
    """Median server time of each page at each size. History: two owners in one table,
    one with 1,000 calls and one with 100,000 (``sessions``, each the owner of the newest
    call when its turn to be filled comes), timed in turns. The console: the sandbox with
    1,000 orders, then with 100,000."""
    figures: dict[str, dict[int, float]] = {}
    small, large = sessions
    pages = [_history_pages(small), _history_pages(large)]
    for label in pages[0]:
        times = _medians(sessions, [pages[0][label], pages[1][label]], server_ms)
        figures[label] = dict(zip(SIZES, times, strict=True))
    console = httpx.Client(base_url=base, timeout=30)
    for size in SIZES:
        fill(python, env, "orders", size)
        figures.setdefault("sandbox console (/sandbox/)", {})[size] = _medians(
            [console, console], ["/sandbox/", "/sandbox/"], server_ms)[0]
    console.close()
    return figures


async def _alternating_tab(ports: list[int], cookie: str, order_id: str, until: float,
                           every: float, results: list, errors: list) -> None:
    """One tab polling its order, each poll on the next server (its own keep-alive
    connection to each)."""
    url = f"/orders/{order_id}/tracker?started={time.time():.3f}&shown=paid"
    connections: dict[int, tuple] = {}
    turn = random.randrange(len(ports))
    await asyncio.sleep(random.uniform(0, every))
    while time.monotonic() < until:
        port = ports[turn % len(ports)]
        turn += 1
        request = (f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"Cookie: {cookie}\r\nHX-Request: true\r\n\r\n").encode()
        started = time.perf_counter()
        try:
            reused = port in connections
            if not reused:
                connections[port] = await asyncio.open_connection("127.0.0.1", port)
            reader, writer = connections[port]
            try:
                writer.write(request)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            except (OSError, asyncio.IncompleteReadError):
                if not reused:
                    raise
                # The server closed this idle keep-alive connection (each one idles two
                # poll intervals here): a browser sends the request again on a new one.
                writer.close()
                connections[port] = reader, writer = await asyncio.open_connection(
                    "127.0.0.1", port)
                writer.write(request)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            if length:
                await reader.readexactly(int(length.group(1)))
            if re.search(rb"(?i)connection: *close", head):
                writer.close()
                del connections[port]
            if status in (200, 204, 286):
                results.append((time.perf_counter() - started) * 1000)
            else:
                errors.append(f"HTTP {status}")
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors.append(type(exc).__name__)
            if port in connections:
                connections.pop(port)[1].close()
        await asyncio.sleep(max(0.0, every - (time.perf_counter() - started)))
    for _, writer in connections.values():
        writer.close()


def measure_two_servers(tabs: list[tuple[str, str]], bases: list[str], seconds: float,
                        every: float) -> dict:
    results: list[float] = []
    errors: list[str] = []
    ports = [int(base.rsplit(":", 1)[1]) for base in bases]
    for cookie, order_id in tabs[:60]:  # warm every worker of a freshly started server
        for base in bases:
            httpx.get(f"{base}/orders/{order_id}/tracker", timeout=30,
                      headers={"Cookie": cookie, "HX-Request": "true"})

    async def run():
        until = time.monotonic() + seconds
        await asyncio.gather(*(_alternating_tab(ports, c, o, until, every, results, errors)
                               for c, o in tabs))

    asyncio.run(run())
    return {"latencies": results, "errors": errors}
