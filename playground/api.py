"""The playground's client for the Account API: the embedded sandbox or the live API.

One long-lived ``httpx.Client`` per base URL with explicit timeouts, a versioned
User-Agent and an injectable transport. ``AccountApi.send(spec, credential)`` is the one
place requests go out, and the ``RequestSpec`` gives all of one: method, path, query, body.
Faults that are not an API answer raise ``ApiError`` (``playground.faults`` names them);
an API answer (success or a documented error) comes back as ``ApiResponse``.
The order POST is never retried; GETs are retried on connect errors only. Every call
has an overall deadline (``API_DEADLINE``: each socket read or write gives up when it
passes, so a trickling answer ends too; ``playground.deadline``) and reads at most
``API_MAX_RESPONSE_BYTES`` of an answer, streamed, so a huge one never sits in memory.
In-process sandbox calls go through ``playground.sandbox_transport``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from http.cookiejar import Cookie, CookieJar
from typing import Any

import httpx
from django.conf import settings

from playground import __version__, faults
from playground.deadline import call_deadline, deadline_transport
from playground.faults import ApiError, Fault, StoppedReading, TooLarge, fault_for, stop_at_redirect
from playground.sandbox_transport import SandboxTransport
from playground.spec import RequestSpec, subaccount_problem
from playground.web import logs

__all__ = ["SANDBOX_INTERNAL_BASE", "AccountApi", "ApiError", "ApiResponse", "Credential",
           "SandboxTransport", "api_base", "clients", "get_client", "is_sandbox"]

logger = logging.getLogger("playground.api")
USER_AGENT = f"proxyscrape-playground/{__version__} httpx/{httpx.__version__}"
SANDBOX_INTERNAL_BASE = "http://sandbox.internal/sandbox"
GET_RETRIES = 2


def is_sandbox() -> bool:
    return not settings.PROXYSCRAPE_API_BASE


def api_base() -> str:
    """The base URL the playground calls (the in-process sandbox when unset)."""
    return settings.PROXYSCRAPE_API_BASE or SANDBOX_INTERNAL_BASE


@dataclass(frozen=True)
class Credential:
    """Who calls: a token and the header form it travels in (``api-token`` or ``bearer``)."""

    token: str
    auth: str = "api-token"

    def headers(self) -> dict[str, str]:
        if self.auth == "bearer":
            return {"Authorization": f"Bearer {self.token}"}
        return {"api-token": self.token}

    def __repr__(self) -> str:  # never print the token
        return f"Credential(auth={self.auth!r}, token=<redacted>)"


@dataclass(frozen=True)
class ApiResponse:
    """An answer in the API's own envelope, whatever its status."""

    status_code: int
    text: str
    payload: dict[str, Any]
    elapsed_ms: float
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.payload.get("success") is True

    @property
    def data(self) -> Any:
        return self.payload.get("data")

    @property
    def error(self) -> str | None:
        return None if self.ok else str(self.payload.get("error") or "Unknown error.")


class _NoCookies(CookieJar):
    """A jar that keeps nothing. One client serves every user, so a cookie the API sets
    for one user's call must never ride along on the next user's (keeping none also spares
    parsing Set-Cookie on every answer)."""

    def extract_cookies(self, response: object, request: object) -> None:
        return None

    def set_cookie(self, cookie: Cookie) -> None:
        return None


class AccountApi:
    def __init__(self, base_url: str, *, transport: httpx.BaseTransport | None = None,
                 connect_timeout: float = 5.0, read_timeout: float = 15.0,
                 deadline: float = 30.0, max_response_bytes: int = 4 * 1024 * 1024):
        self.base_url = base_url.rstrip("/")
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.max_response_bytes = max_response_bytes
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        self._client = httpx.Client(
            base_url=self.base_url,
            transport=transport or deadline_transport(limits),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
            limits=limits,
            cookies=_NoCookies(),
            event_hooks={"response": [stop_at_redirect]},
        )

    def close(self) -> None:
        self._client.close()

    # --- the one place requests go out -------------------------------------------------

    def send(self, spec: RequestSpec, credential: Credential, *,
             expect_json: bool = True) -> ApiResponse:
        """Send ``spec`` as it stands: its method, path, query and body, nothing else."""
        method, path = spec.method, spec.path
        if spec.subaccount is not None:
            problem = subaccount_problem(*spec.subaccount)
            if problem:  # never let the API's ids change which path is asked for
                raise ApiError("bad-response", "The API answered a subaccount this page "
                               f"cannot use: {problem}", method=method)
        headers = credential.headers()
        content = None
        if spec.body is not None:
            content = json.dumps(spec.body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        with call_deadline(self.deadline) as deadline:
            response, body = self._exchange(spec, headers, content, started, deadline)
        elapsed = (time.perf_counter() - started) * 1000
        logs.add_upstream_time(elapsed)
        logger.info("upstream %s %s %s", method, path, response.status_code,
                    extra={"upstream": self.base_url, "endpoint": path, "method": method,
                           "upstream_status": response.status_code,
                           "duration_ms": round(elapsed, 2)})
        return self._read(response, body, elapsed, method, path, expect_json)

    def _exchange(self, spec: RequestSpec, headers: dict[str, str], content: bytes | None,
                  started: float, deadline: float) -> tuple[httpx.Response, bytes]:
        """Send and read the answer. A fault raises the ApiError its row of FAULTS names;
        a GET goes again while its row says nothing was sent, the order POST never."""
        method, path = spec.method, spec.path
        attempts = 1 if method == "POST" else 1 + GET_RETRIES
        for attempt in range(attempts):
            try:
                request = self._client.build_request(method, path, headers=headers,
                                                     content=content, params=spec.params)
                response = self._client.send(request, stream=True)
                try:
                    return response, self._body(response, deadline)
                finally:
                    response.close()
            except Exception as exc:
                fault = fault_for(exc)
                if fault is None:
                    raise
                if fault.retry_get and method != "POST" and attempt + 1 < attempts:
                    continue
                error = self._fault(fault, exc, started, method, path)
                raise error from (None if isinstance(exc, StoppedReading) else exc)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _body(self, response: httpx.Response, deadline: float) -> bytes:
        """The answer's body, streamed: TooLarge past the cap, a timeout past the deadline
        (the sockets enforce it too; this covers transports without sockets)."""
        cap = self.max_response_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(response.status_code)
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise TooLarge(response.status_code)
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("The call's deadline passed.")
        return b"".join(chunks)

    def _fault(self, fault: Fault, exc: Exception, started: float, method: str,
               path: str) -> ApiError:
        """The ApiError for ``exc`` by its row, logged (called while ``exc`` is handled)."""
        kind = fault.kind(method)
        if fault.unexpected:
            logger.exception("upstream %s %s: unexpected %s", method, path,
                             type(exc).__name__)
        logger.warning("upstream %s %s failed: %s", method, path, kind,
                       extra={"upstream": self.base_url, "endpoint": path, "method": method,
                              "fault": kind,
                              "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
        message = fault.text(method, exc, base=self.base_url, deadline=self.deadline,
                             read_timeout=self.read_timeout,
                             cap=faults.size(self.max_response_bytes))
        return ApiError(kind, message, elapsed_ms=(time.perf_counter() - started) * 1000,
                        method=method, path=path,
                        status_code=exc.status_code if isinstance(exc, StoppedReading) else None)

    def _read(self, response: httpx.Response, body: bytes, elapsed: float, method: str,
              path: str, expect_json: bool) -> ApiResponse:
        try:
            text = body.decode(response.encoding or "utf-8", errors="replace")
        except LookupError:  # a charset Python knows only as a non-text codec (rot13)
            text = body.decode("utf-8", errors="replace")
        try:
            payload = faults.envelope(response, text, expect_json=expect_json)
        except faults.NotAnEnvelope as bad:
            raise ApiError(bad.kind, bad.message, status_code=response.status_code,
                           text=text[:20000], elapsed_ms=elapsed, method=method,
                           path=path) from None
        return ApiResponse(response.status_code, text, payload, elapsed,
                           dict(response.headers))

    # --- the endpoints, by name ------------------------------------------------------------

    def create_order(self, body: dict[str, Any], credential: Credential) -> ApiResponse:
        return self.send(RequestSpec.create(body), credential)

    def order_status(self, order_id: str, credential: Credential) -> ApiResponse:
        return self.send(RequestSpec.status(order_id), credential)

    def balance(self, credential: Credential) -> ApiResponse:
        return self.send(RequestSpec.balance(), credential)

    def me(self, credential: Credential) -> ApiResponse:
        return self.send(RequestSpec.me(), credential)

    def subaccounts(self, credential: Credential) -> ApiResponse:
        return self.send(RequestSpec.subaccounts(), credential)

    def proxy_list(self, subaccount_id: str, account_type: str,
                   credential: Credential) -> tuple[int, str]:
        """The proxy list as text (status, body); an error envelope comes back as its text.
        The spec's query is the one the next-step snippets show: both ask for one list."""
        try:
            response = self.send(RequestSpec.proxy_list(subaccount_id, account_type),
                                 credential, expect_json=False)
        except ApiError as exc:
            if exc.kind == "text" and exc.status_code is not None:  # a 2xx: it has a status
                return exc.status_code, exc.text
            raise
        return response.status_code, response.error or ""


class _Clients:
    """One client per base URL, built once and shared by every thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[str, AccountApi] = {}

    def get(self) -> AccountApi:
        base = api_base()
        client = self._clients.get(base)
        if client is None:
            with self._lock:
                client = self._clients.get(base)
                if client is None:
                    transport = SandboxTransport() if base == SANDBOX_INTERNAL_BASE else None
                    client = AccountApi(base, transport=transport,
                                        connect_timeout=settings.API_CONNECT_TIMEOUT,
                                        read_timeout=settings.API_READ_TIMEOUT,
                                        deadline=settings.API_DEADLINE,
                                        max_response_bytes=settings.API_MAX_RESPONSE_BYTES)
                    self._clients[base] = client
        return client

    def override(self, client: AccountApi | None) -> None:
        """Tests: make ``get()`` answer ``client`` for the current base (None resets).
        Clients dropped by a reset are closed, so no connection outlives its test."""
        with self._lock:
            if client is None:
                dropped, self._clients = list(self._clients.values()), {}
            else:
                self._clients[api_base()] = client
                return
        for old in dropped:
            old.close()


clients = _Clients()


def get_client() -> AccountApi:
    return clients.get()
