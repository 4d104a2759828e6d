"""The playground's client for the Account API: the embedded sandbox or the live API.

One long-lived ``httpx.Client`` per base URL with explicit timeouts, a versioned
User-Agent and an injectable transport. Faults that are not an API answer raise
``ApiError``; an API answer (success or a documented error) comes back as ``ApiResponse``.
The order POST is never retried; GETs are retried on connect errors only. Every call
has an overall deadline (``API_DEADLINE``: each socket read or write gives up when it
passes, so a trickling answer ends too) and reads at most ``API_MAX_RESPONSE_BYTES`` of an
answer, streamed, so a huge one never sits in memory.
"""

from __future__ import annotations

import contextvars
import io
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from urllib.parse import parse_qsl, unquote

import httpcore
import httpx
from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIRequest
from django.urls import resolve
from django.urls.exceptions import Resolver404

from playground import __version__, redaction
from playground.spec import PROXY_LIST_QUERY, proxy_list_path, subaccount_problem
from playground.web import logs

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
    payload: dict
    elapsed_ms: float
    headers: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.payload.get("success") is True

    @property
    def data(self):
        return self.payload.get("data")

    @property
    def error(self) -> str | None:
        return None if self.ok else str(self.payload.get("error") or "Unknown error.")


class ApiError(Exception):
    """Anything that is not an answer in the API's envelope.

    kind: ``connect`` (refused), ``dns``, ``connect-timeout`` (nothing was sent),
    ``read-timeout``,
    ``unknown-outcome`` (a create whose answer was lost after it was sent),
    ``server-error`` (5xx), ``bad-response`` (not JSON, truncated, wrong envelope),
    ``redirect``, ``network`` (the connection dropped), ``too-large`` (more than
    ``API_MAX_RESPONSE_BYTES``; reading stopped there), ``text`` (a 2xx plain-text body;
    see ``proxy_list``).
    """

    def __init__(self, kind: str, message: str, *, status_code: int | None = None,
                 text: str = "", elapsed_ms: float = 0.0, method: str = "", path: str = ""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status_code = status_code
        self.text = text
        self.elapsed_ms = elapsed_ms
        self.method = method
        self.path = path


class SandboxTransport(httpx.BaseTransport):
    """Dispatches requests straight to the sandbox's views, in this process and thread.

    So a playground request never waits for a free server thread to answer itself, and
    the sandbox works behind any proxy or inside a container. The same views answer over
    real HTTP under ``/sandbox`` for curl and for snippets.
    """

    urlconf = "playground.sandbox.api_urls"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        path = unquote(request.url.path)
        prefix = "/sandbox/"
        relative = path[len(prefix):] if path.startswith(prefix) else path.lstrip("/")
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": request.url.query.decode("ascii"),
            "SERVER_NAME": request.url.host,
            "SERVER_PORT": str(request.url.port or 80),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": request.url.scheme,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ[key] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value
        django_request = WSGIRequest(environ)
        django_request.urlconf = self.urlconf
        django_request.exception_reporter_filter = redaction.REPORT_FILTER

        def dispatch(req):
            match = resolve("/" + relative, urlconf=self.urlconf)
            return match.func(req, *match.args, **match.kwargs)

        try:
            response = convert_exception_to_response(dispatch)(django_request)
        except Resolver404:  # pragma: no cover - the urlconf has a catch-all
            return httpx.Response(404, json={"success": False, "error": "No such endpoint."})
        content = b"".join(response) if response.streaming else response.content
        return httpx.Response(response.status_code, headers=list(response.items()),
                              content=content, request=request)


# When the current thread's upstream call must be over (time.monotonic()), or None.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "upstream_deadline", default=None)


def _within_deadline(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of the call's deadline; ``expired`` once it passed."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("The call's deadline passed.")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the call's deadline, however
    slowly (a byte every few seconds) the other side trickles."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(self._stream.start_tls(
            ssl_context, server_hostname, _within_deadline(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(super().connect_tcp(host, port, timeout, local_address,
                                                   socket_options))


def _deadline_transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    """httpx's own transport, its sockets wrapped so that the deadline holds."""
    transport = httpx.HTTPTransport(limits=limits)
    transport._pool._network_backend = _DeadlineBackend()  # httpx offers no public hook
    return transport


class _Redirected(Exception):
    """Raised by a response hook before httpx parses a redirect's Location (a
    ``javascript:`` or bad-IDNA one would raise inside httpx)."""

    def __init__(self, status_code: int, location: str):
        super().__init__(location)
        self.status_code, self.location = status_code, location


def _stop_at_redirect(response: httpx.Response) -> None:
    if response.has_redirect_location:
        raise _Redirected(response.status_code, response.headers.get("location", ""))


def _web_url(location: str) -> bool:
    """True for an absolute http(s) URL with a host, short and printable enough to show."""
    if len(location) > 500 or not location.isprintable():
        return False
    try:  # as httpx would parse it to follow it (IDNA host names included)
        url = httpx.URL(location)
        return url.scheme in ("http", "https") and bool(url.host)  # .host decodes IDNA
    except (httpx.InvalidURL, ValueError):  # UnicodeError, idna's IDNAError among them
        return False


class _TooLarge(Exception):
    pass


class _NoCookies(CookieJar):
    """A jar that keeps nothing. One client serves every user, so a cookie the API sets
    for one user's call must never ride along on the next user's (keeping none also spares
    parsing Set-Cookie on every answer)."""

    def extract_cookies(self, response, request) -> None:
        return None

    def set_cookie(self, cookie) -> None:
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
            transport=transport or _deadline_transport(limits),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
            limits=limits,
            cookies=_NoCookies(),
            event_hooks={"response": [_stop_at_redirect]},
        )

    def close(self) -> None:
        self._client.close()

    # --- the one place requests go out -------------------------------------------------

    def send(self, method: str, path: str, credential: Credential, *, body: dict | None = None,
             params: dict | None = None, expect_json: bool = True) -> ApiResponse:
        headers = credential.headers()
        content = None
        if body is not None:
            content = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        attempts = 1 if method == "POST" else 1 + GET_RETRIES
        started = time.perf_counter()
        deadline = time.monotonic() + self.deadline
        reset = _deadline.set(deadline)
        try:
            response, body = self._exchange(method, path, headers, content, params, attempts,
                                            started, deadline)
        except ApiError:
            raise
        except (httpx.InvalidURL, ValueError) as exc:  # an answer httpx could not parse
            # (a header, a URL in it: UnicodeError and IDNAError are ValueErrors)
            logger.exception("upstream %s %s: unexpected %s", method, path,
                             type(exc).__name__)
            kind = "unknown-outcome" if method == "POST" else "bad-response"
            raise self._fault(kind, "The playground could not handle the API's answer "
                              f"({type(exc).__name__}).", started, method, path) from exc
        finally:
            _deadline.reset(reset)
        elapsed = (time.perf_counter() - started) * 1000
        logs.add_upstream_time(elapsed)
        logger.info("upstream %s %s %s", method, path, response.status_code,
                    extra={"upstream": self.base_url, "endpoint": path, "method": method,
                           "upstream_status": response.status_code,
                           "duration_ms": round(elapsed, 2)})
        return self._read(response, body, elapsed, method, path, expect_json)

    def _exchange(self, method, path, headers, content, params, attempts, started,
                  deadline) -> tuple[httpx.Response, bytes]:
        """Send (retrying a GET whose connection never opened) and read the answer."""
        for attempt in range(attempts):
            retry = attempt + 1 < attempts
            try:
                request = self._client.build_request(method, path, headers=headers,
                                                     content=content, params=params)
                response = self._client.send(request, stream=True)
                try:
                    return response, self._body(response, deadline)
                finally:
                    response.close()
            except _Redirected as exc:
                raise self._redirect_fault(exc, started, method, path) from None
            except _TooLarge:
                raise self._fault(
                    "too-large", f"The API's answer is larger than {_size(self.max_response_bytes)}"
                    ", the most this playground reads (API_MAX_RESPONSE_BYTES); it stopped "
                    "reading there.", started, method, path,
                    status_code=response.status_code) from None
            except httpx.ConnectTimeout as exc:  # nothing was sent
                if retry:
                    continue
                raise self._fault("connect-timeout",
                                  f"Could not connect to {self.base_url} in time.",
                                  started, method, path) from exc
            except httpx.PoolTimeout as exc:  # still waiting for a connection: nothing sent
                raise self._fault("connect-timeout",
                                  f"No connection to {self.base_url} became free in time.",
                                  started, method, path) from exc
            except httpx.ConnectError as exc:  # nothing was sent
                if retry:
                    continue
                kind, message = _connect_fault(exc, self.base_url)
                raise self._fault(kind, message, started, method, path) from exc
            except (httpx.UnsupportedProtocol, httpx.LocalProtocolError,
                    httpx.ProxyError) as exc:  # refused before anything was sent
                raise self._fault("connect", f"Could not send a request to {self.base_url} "
                                  f"({type(exc).__name__}).", started, method, path) from exc
            except (httpx.ReadTimeout, httpx.WriteTimeout) as exc:
                late = time.monotonic() >= deadline
                if method == "POST":
                    raise self._fault("unknown-outcome", "The API did not finish answering "
                                      f"within {self.deadline:g} s (API_DEADLINE) after the "
                                      "order was sent." if late else "The API did not answer "
                                      "in time after the order was sent.",
                                      started, method, path) from exc
                raise self._fault("read-timeout", f"No complete answer from {self.base_url} "
                                  f"within {self.deadline:g} s (API_DEADLINE)." if late else
                                  f"No answer from {self.base_url} within "
                                  f"{self.read_timeout:g} s.", started, method, path) from exc
            except httpx.DecodingError as exc:  # an answer came, in an unreadable encoding
                raise self._fault("bad-response", "The API's answer could not be decoded "
                                  f"({exc}).", started, method, path) from exc
            except httpx.TransportError as exc:  # the connection dropped, or worse
                if method == "POST":
                    raise self._fault("unknown-outcome", "The connection dropped after the "
                                      "order was sent.", started, method, path) from exc
                raise self._fault("network", "The connection dropped before the API answered.",
                                  started, method, path) from exc
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _body(self, response: httpx.Response, deadline: float) -> bytes:
        """The answer's body, streamed: _TooLarge past the cap, a timeout past the deadline
        (the sockets enforce it too; this covers transports without sockets)."""
        cap = self.max_response_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _TooLarge
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise _TooLarge
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("The call's deadline passed.")
        return b"".join(chunks)

    def _redirect_fault(self, exc: _Redirected, started, method, path) -> ApiError:
        if _web_url(exc.location):
            return self._fault("redirect", f"The API answered with a redirect to "
                               f"{exc.location}.", started, method, path,
                               status_code=exc.status_code)
        odd = "a redirect to a location that is not an http(s) URL"
        if method == "POST":  # an odd answer to an order that went out: it may exist
            return self._fault("unknown-outcome", f"The API answered the order with {odd}.",
                               started, method, path, status_code=exc.status_code)
        return self._fault("redirect", f"The API answered with {odd}.", started, method, path,
                           status_code=exc.status_code)

    def _fault(self, kind, message, started, method, path, **extra) -> ApiError:
        logger.warning("upstream %s %s failed: %s", method, path, kind,
                       extra={"upstream": self.base_url, "endpoint": path, "method": method,
                              "fault": kind,
                              "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
        return ApiError(kind, message, elapsed_ms=(time.perf_counter() - started) * 1000,
                        method=method, path=path, **extra)

    def _read(self, response: httpx.Response, body: bytes, elapsed: float, method: str,
              path: str, expect_json: bool) -> ApiResponse:
        try:
            text = body.decode(response.encoding or "utf-8", errors="replace")
        except LookupError:  # a charset Python knows only as a non-text codec (rot13)
            text = body.decode("utf-8", errors="replace")
        common = {"status_code": response.status_code, "text": text[:20000],
                  "elapsed_ms": elapsed, "method": method, "path": path}
        if response.status_code >= 500:
            raise ApiError("server-error",
                           f"The API failed with HTTP {response.status_code}.", **common)
        if not expect_json and response.is_success:
            raise ApiError("text", "Plain text answer.", **common)
        try:
            payload = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
            if not text.strip():
                message = "The API's answer is empty."
            elif text.lstrip().startswith(("{", "[")):
                message = "The API's answer is cut off or malformed JSON."
            else:
                kind = response.headers.get("content-type", "no Content-Type").split(";")[0]
                message = f"The API's answer is not JSON ({kind or 'empty'})."
            raise ApiError("bad-response", message, **common) from None
        if not isinstance(payload, dict) or not isinstance(payload.get("success"), bool):
            raise ApiError("bad-response", "The API's answer is not in its usual "
                           "{success, data|error} shape.", **common)
        return ApiResponse(response.status_code, text, payload, elapsed,
                           dict(response.headers))

    # --- the endpoints ---------------------------------------------------------------------

    def create_order(self, body: dict, credential: Credential) -> ApiResponse:
        return self.send("POST", "/v4/account/orders/create", credential, body=body)

    def order_status(self, order_id: str, credential: Credential) -> ApiResponse:
        return self.send("GET", f"/v4/account/orders/{order_id}/status", credential)

    def balance(self, credential: Credential) -> ApiResponse:
        return self.send("GET", "/v4/account/orders/balance", credential)

    def me(self, credential: Credential) -> ApiResponse:
        return self.send("GET", "/v4/account/auth/me", credential)

    def subaccounts(self, credential: Credential) -> ApiResponse:
        return self.send("GET", "/v4/account/subaccounts", credential)

    def proxy_list(self, subaccount_id: str, account_type: str,
                   credential: Credential) -> tuple[int, str]:
        """The proxy list as text (status, body); an error envelope comes back as its text."""
        problem = subaccount_problem(subaccount_id, account_type)
        if problem:  # never let the API's ids change which path is asked for
            raise ApiError("bad-response", f"The API answered a subaccount this page cannot "
                           f"use: {problem}", method="GET")
        path = proxy_list_path(subaccount_id, account_type)
        try:  # the query the next-step snippets show, so both ask for the same list
            response = self.send("GET", path, credential, params=dict(parse_qsl(PROXY_LIST_QUERY)),
                                 expect_json=False)
        except ApiError as exc:
            if exc.kind == "text":
                return exc.status_code, exc.text
            raise
        return response.status_code, response.error or ""


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


def _connect_fault(exc: Exception, base: str) -> tuple[str, str]:
    """(kind, message) for a connection that never opened: a DNS failure or a refusal."""
    text = str(exc).lower()
    if "name or service" in text or "nodename" in text or "getaddrinfo" in text \
            or "name resolution" in text or "no address associated" in text:
        return "dns", f"The host name in {base} could not be resolved."
    return "connect", f"Could not connect to {base} (connection refused or unreachable)."


class _Clients:
    """One client per base URL, built once and shared by every thread."""

    def __init__(self):
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
