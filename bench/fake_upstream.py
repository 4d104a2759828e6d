"""A fake Account API for `make bench`: canned answers after a set delay.

It speaks just enough HTTP/1.1 (keep-alive, Content-Length) to stand in for the real API
while costing almost no CPU, so the benchmark measures the playground, not its upstream.
Run: python bench/fake_upstream.py PORT DELAY_SECONDS; `POST /_delay?seconds=S` changes
the delay while it runs.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
import uuid

STATUS_PATH = re.compile(r"/v4/account/orders/([^/]+)/status$")
DELAY = re.compile(r"^/_delay\?seconds=([0-9.]+)$")
delay = 0.0


def answer(method: str, path: str) -> tuple[int, dict]:
    path = path.split("?", 1)[0].removeprefix("/sandbox")
    if path == "/healthz":
        return 200, {"status": "ok"}
    if method == "POST" and path == "/v4/account/orders/create":
        return 200, {"success": True, "data": str(uuid.uuid4())}
    if method == "GET" and (match := STATUS_PATH.match(path)):
        now = int(time.time())
        return 200, {"success": True, "data": {
            "order_id": match.group(1), "status": "paid", "type": "new_datacenter_shared",
            "created_at": now, "updated_at": now, "price": "29.04", "currency": "USD",
            "paid_with_credit": True, "subaccount": None}}
    if method == "GET" and path == "/v4/account/orders/balance":
        return 200, {"success": True, "data": {"balance": 1000000.0, "currency": "USD"}}
    if method == "GET" and path == "/v4/account/auth/me":
        return 200, {"success": True, "data": {"email": "bench@example.com",
                                               "api_ordering_discount": 0}}
    return 404, {"success": False, "error": "No such endpoint."}


async def serve_connection(reader: asyncio.StreamReader,
                           writer: asyncio.StreamWriter) -> None:
    global delay
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            started = time.perf_counter()
            if method == "POST" and (change := DELAY.match(path)):
                delay = float(change.group(1))
                status, payload = 200, {"delay": delay}
            else:
                await asyncio.sleep(delay)
                status, payload = answer(method, path)
            body = json.dumps(payload).encode()
            took = (time.perf_counter() - started) * 1000
            writer.write(
                f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"Server-Timing: app;dur={took:.2f}\r\nConnection: keep-alive\r\n\r\n"
                .encode() + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main(port: int, initial_delay: float) -> None:
    global delay
    delay = initial_delay
    server = await asyncio.start_server(serve_connection, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
