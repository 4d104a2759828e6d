"""A fake upstream Account API over real sockets, for the fault suite (tests/test_faults.py).

A threaded TCP server on 127.0.0.1 with an ephemeral port speaks just enough HTTP/1.1 for
the playground's httpx client, one request per connection (``Connection: close``). Each
endpoint answers normally until a test switches it to a fault: a stall past the client's
read timeout, a reset (RST, SO_LINGER 0) before or in the middle of the answer, a 5xx with
an HTML body, invalid or truncated JSON, a 200 with ``success: false``, or a redirect; or
hostile ones: a body of hundreds of MB made on the fly (never held in memory), an answer
trickled a byte at a time, an error text echoing the caller's token.
Every request it reads is recorded (method, path, body), so tests can count creates.
"""

from __future__ import annotations

import json
import re
import socket
import socketserver
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

CREATE = "create"
STATUS = "status"
BALANCE = "balance"
ME = "me"
PROXY_LIST = "proxy-list"

ROUTES = [
    ("POST", re.compile(r"/v4/account/orders/create"), CREATE),
    ("GET", re.compile(r"/v4/account/orders/balance"), BALANCE),
    ("GET", re.compile(r"/v4/account/orders/(?P<order_id>[^/]+)/status"), STATUS),
    ("GET", re.compile(r"/v4/account/auth/me"), ME),
    ("GET", re.compile(r"/v4/account/[^/]+/[^/]+/proxy-list"), PROXY_LIST),
]
REASONS = {200: "OK", 302: "Found", 307: "Temporary Redirect", 400: "Bad Request",
           404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable"}
SUBACCOUNT_ID = "5c0ffee0-aaaa-4bbb-8ccc-0123456789ab"


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    body: bytes
    headers: dict[str, str]

    @property
    def json(self):
        return json.loads(self.body)


@dataclass(frozen=True)
class Answer:
    """Bytes to write: a status line, headers and a body (``length`` overrides the
    Content-Length, so a body can be cut short of what the headers promise)."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    length: int | None = None

    def head(self) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {REASONS.get(self.status, 'Status')}",
                 f"Content-Type: {self.content_type}",
                 f"Content-Length: {len(self.body) if self.length is None else self.length}",
                 "Connection: close", *(f"{k}: {v}" for k, v in self.headers)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def envelope(data, status: int = 200) -> Answer:
    return Answer(status, json.dumps({"success": True, "data": data}).encode())


def refusal(error: str, status: int = 200) -> Answer:
    """The API's error envelope: ``{"success": false, "error": ...}`` (200 by default,
    the odd case the fault suite needs)."""
    return Answer(status, json.dumps({"success": False, "error": error}).encode())


def html_error(status: int) -> Answer:
    title = f"{status} {REASONS[status]}"
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    return Answer(status, body.encode(), "text/html; charset=utf-8")


def invalid_json() -> Answer:
    return Answer(200, b"{'success': True, 'data': nope}")


def truncated_json() -> Answer:
    """A complete HTTP answer whose JSON stops half-way."""
    return Answer(200, b'{"success": true, "data": {"bala')


def redirect(location: str = "https://login.example.test/sso", status: int = 302) -> Answer:
    return Answer(status, b"", "text/html", (("Location", location),))


def order(order_id: str, status: str = "paid", *, now: int | None = None,
          subaccount: dict | None = None) -> dict:
    """An order object as CONTRACT section 3 describes it."""
    now = int(time.time()) if now is None else now
    data = {"order_id": order_id, "status": status, "type": "new_datacenter_shared",
            "created_at": now - 5, "updated_at": now, "price": "26.10", "currency": "USD",
            "paid_with_credit": True, "subaccount": None}
    if status == "processed":
        data["subaccount"] = {"AccountID": SUBACCOUNT_ID, "AccountType": "datacenter_shared",
                              "label": "Fault suite", "time_added": now, **(subaccount or {})}
    if status == "blocked":
        data["block_reason"] = "Blocked by the fake upstream."
    return data


# --- behaviours: what an endpoint does with a request -----------------------------------------

Behaviour = Callable[["_Exchange"], None]


class _Exchange:
    """One request on one connection, and the ways to answer it."""

    def __init__(self, fake: FakeUpstream, sock: socket.socket, received: Received,
                 name: str, params: dict[str, str]):
        self.fake, self.sock, self.received = fake, sock, received
        self.name, self.params = name, params

    def write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answer(self, answer: Answer) -> None:
        self.write(answer.head() + answer.body)

    def reset(self) -> None:
        """Close with an RST instead of a FIN: SO_LINGER on, zero seconds."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def normal(exchange: _Exchange) -> None:
    """What the real API answers on success."""
    name, fake = exchange.name, exchange.fake
    if name == CREATE:
        order_id = str(uuid.uuid4())
        fake.created.append(order_id)
        exchange.answer(envelope(order_id))
    elif name == STATUS:
        exchange.answer(envelope(order(exchange.params["order_id"], fake.order_status,
                                       subaccount=fake.subaccount)))
    elif name == BALANCE:
        exchange.answer(envelope({"balance": 42.5, "currency": "USD"}))
    elif name == ME:
        exchange.answer(envelope({"email": "fault@example.com", "api_ordering_discount": 0}))
    elif name == PROXY_LIST:
        exchange.answer(Answer(200, b"203.0.113.7:8080\n203.0.113.8:8080\n", "text/plain"))
    else:
        exchange.answer(refusal("No such endpoint.", 404))


def answering(answer: Answer) -> Behaviour:
    def behave(exchange: _Exchange) -> None:
        exchange.answer(answer)
    return behave


def stalling(seconds: float = 30.0) -> Behaviour:
    """Read the request, then say nothing for ``seconds`` (or until the fake is stopped),
    then answer normally to a client that has long given up."""
    def behave(exchange: _Exchange) -> None:
        exchange.fake.stalled.release()
        exchange.fake.wake.wait(seconds)
        normal(exchange)
    return behave


def resetting(after: bytes = b"") -> Behaviour:
    """Read the request, write ``after`` (nothing, or the start of an answer), then reset."""
    def behave(exchange: _Exchange) -> None:
        if after:
            exchange.write(after)
            time.sleep(0.05)  # let the bytes leave before the RST overtakes them
        exchange.reset()
    return behave


def reset_mid_answer(answer: Answer | None = None) -> Behaviour:
    """Headers and half the body of ``answer``, then a reset."""
    answer = answer or envelope({"balance": 42.5, "currency": "USD"})
    return resetting(answer.head() + answer.body[: len(answer.body) // 2])


def cut_short(answer: Answer | None = None) -> Behaviour:
    """Headers promising the whole body, half of it, then an ordinary close (FIN)."""
    answer = answer or envelope({"balance": 42.5, "currency": "USD"})
    short = Answer(answer.status, answer.body[: len(answer.body) // 2], answer.content_type,
                   answer.headers, length=len(answer.body))
    return answering(short)


def huge(total: int = 300 * 1024 * 1024, *, declare_length: bool = False,
         chunk: int = 64 * 1024) -> Behaviour:
    """A 200 whose JSON body is ``total`` bytes, written a chunk at a time as it is made
    (never held whole), with no Content-Length (the body ends at the close) unless
    ``declare_length``. Counts what it managed to write in ``fake.sent``."""
    def behave(exchange: _Exchange) -> None:
        length = f"Content-Length: {total}\r\n" if declare_length else ""
        exchange.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        f"{length}Connection: close\r\n\r\n").encode())
        start, end = b'{"success": true, "data": "', b'"}'
        exchange.write(start)
        exchange.fake.add_sent(len(start))
        filler = b"x" * chunk
        left = total - len(start) - len(end)
        while left > 0:
            piece = filler[:left]
            exchange.write(piece)  # OSError once the client stops reading and closes
            exchange.fake.add_sent(len(piece))
            left -= len(piece)
        exchange.write(end)
    return behave


def trickling(answer: Answer | None = None, *, every: float = 0.2) -> Behaviour:
    """The whole answer, status line included, one byte every ``every`` seconds: each read
    gets something well within the read timeout, so only a deadline ends it."""
    answer = answer or envelope({"balance": 42.5, "currency": "USD"})
    def behave(exchange: _Exchange) -> None:
        for byte in answer.head() + answer.body:
            exchange.write(bytes([byte]))
            if exchange.fake.wake.wait(every):
                return
    return behave


def echoing_token(status: int = 401) -> Behaviour:
    """The API's error envelope, its text quoting the token the request carried."""
    def behave(exchange: _Exchange) -> None:
        headers = exchange.received.headers
        token = headers.get("api-token") or headers.get("authorization", "").partition(" ")[2]
        exchange.answer(refusal(f"The token {token} is not valid here.", status))
    return behave


# --- the server -------------------------------------------------------------------------------

class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        fake = self.server.fake
        rfile = self.request.makefile("rb")
        try:
            received = _read_request(rfile)
            if received is None:
                return
            name, params = fake.match(received)
            fake.record(received)
            exchange = _Exchange(fake, self.request, received, name, params)
            rfile.close()  # the socket's own close() now really closes it (for a reset)
            fake.behaviours.get(name, normal)(exchange)
        except OSError:  # the client gave up first: nothing to tell it
            pass
        except Exception as exc:  # noqa: BLE001 - reported to the test, not to stderr
            fake.errors.append(exc)
        finally:
            rfile.close()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, fake: FakeUpstream):
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request, client_address) -> None:  # pragma: no cover
        pass


def _read_request(rfile) -> Received | None:
    line = rfile.readline(65537)
    if not line.strip():
        return None
    method, target, _version = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        header = rfile.readline(65537)
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = rfile.read(int(headers.get("content-length", "0") or 0))
    return Received(method, target.partition("?")[0], body, headers)


class FakeUpstream:
    """The fake API. ``behaviours`` maps an endpoint name (CREATE, STATUS, BALANCE, ME,
    PROXY_LIST) to what it does; unnamed endpoints answer normally."""

    def __init__(self):
        self.behaviours: dict[str, Behaviour] = {}
        self.requests: list[Received] = []
        self.created: list[str] = []  # order ids the normal create handed out
        self.errors: list[Exception] = []
        self.order_status = "paid"
        self.subaccount: dict | None = None  # fields overriding a processed order's subaccount
        self.sent = 0  # body bytes the ``huge`` behaviour managed to write
        self.stalled = threading.Semaphore(0)  # released once per stalled request
        self.wake = threading.Event()  # ends every stall (on stop)
        self._lock = threading.Lock()
        self._server = _Server(self)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FakeUpstream:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.wake.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def set(self, name: str, behaviour: Behaviour) -> None:
        self.behaviours[name] = behaviour

    def match(self, received: Received) -> tuple[str, dict[str, str]]:
        for method, pattern, name in ROUTES:
            found = pattern.fullmatch(received.path)
            if method == received.method and found:
                return name, found.groupdict()
        return "", {}

    def record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def add_sent(self, count: int) -> None:
        with self._lock:
            self.sent += count

    def count(self, name: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if self.match(r)[0] == name)

    def wait_for_stall(self, timeout: float = 5.0) -> bool:
        """True once a request has reached a stalling endpoint."""
        return self.stalled.acquire(timeout=timeout)

