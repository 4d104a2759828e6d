"""What can go wrong calling the API, by name and in words.

``ApiError`` is every outcome that is not an answer in the API's envelope. ``FAULTS`` is the
classification table the client consults for an exception raised while a call is out: one
row per fault, giving its kind (for the order POST and for a GET), its message and whether
a GET tries again. ``envelope`` reads an answer that came, or says why it is not one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from playground.deadline import deadline_passed


class ApiError(Exception):
    """Anything that is not an answer in the API's envelope.

    kind: ``connect`` (refused), ``dns``, ``connect-timeout`` (nothing was sent),
    ``read-timeout``,
    ``unknown-outcome`` (a create whose answer was lost after it was sent),
    ``server-error`` (5xx), ``bad-response`` (not JSON, truncated, wrong envelope),
    ``redirect``, ``network`` (the connection dropped), ``too-large`` (more than
    ``API_MAX_RESPONSE_BYTES``; reading stopped there), ``text`` (a 2xx plain-text body;
    see ``AccountApi.proxy_list``).
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


class StoppedReading(Exception):
    """An answer came (``status_code``) and the playground stopped reading it."""

    def __init__(self, status_code: int, location: str = ""):
        super().__init__(location)
        self.status_code, self.location = status_code, location


class Redirected(StoppedReading):
    """Raised by a response hook before httpx parses a redirect's Location (a
    ``javascript:`` or bad-IDNA one would raise inside httpx)."""


class TooLarge(StoppedReading):
    """The answer is longer than the client reads."""


def stop_at_redirect(response: httpx.Response) -> None:
    if response.has_redirect_location:
        raise Redirected(response.status_code, response.headers.get("location", ""))


def web_url(location: str) -> bool:
    """True for an absolute http(s) URL with a host, short and printable enough to show."""
    if len(location) > 500 or not location.isprintable():
        return False
    try:  # as httpx would parse it to follow it (IDNA host names included)
        url = httpx.URL(location)
        return url.scheme in ("http", "https") and bool(url.host)  # .host decodes IDNA
    except (httpx.InvalidURL, ValueError):  # UnicodeError, idna's IDNAError among them
        return False


def _to_a_web_url(exc: Exception) -> bool:
    return isinstance(exc, Redirected) and web_url(exc.location)


def _name_unresolved(exc: Exception) -> bool:
    """A connection that never opened because the host name did not resolve."""
    text = str(exc).lower()
    return "name or service" in text or "nodename" in text or "getaddrinfo" in text \
        or "name resolution" in text or "no address associated" in text


def _past_the_deadline(exc: Exception) -> bool:
    return deadline_passed()


@dataclass(frozen=True)
class Fault:
    """One row of the table. ``message`` is a template over the client's facts ({base},
    {deadline}, {read_timeout}, {cap}) and the exception's ({name}, {error}, {location})."""

    catches: tuple[type[Exception], ...]
    post_kind: str  # the kind when the order POST raised it
    get_kind: str  # the kind when a GET raised it
    message: str
    get_message: str = ""  # a GET's own wording, where it differs
    retry_get: bool = False  # nothing was sent, so a GET may try again (never the POST)
    when: Callable[[Exception], bool] | None = None  # a further test, past the type
    unexpected: bool = False  # the playground failed to handle an answer: log the traceback

    def matches(self, exc: Exception) -> bool:
        return isinstance(exc, self.catches) and (self.when is None or self.when(exc))

    def kind(self, method: str) -> str:
        return self.post_kind if method == "POST" else self.get_kind

    def text(self, method: str, exc: Exception, **facts: object) -> str:
        template = self.message if method == "POST" or not self.get_message \
            else self.get_message
        return template.format(name=type(exc).__name__, error=exc,
                               location=getattr(exc, "location", ""), **facts)


_ODD_REDIRECT = "a redirect to a location that is not an http(s) URL"
_NOT_SENT = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.ProxyError)
_TIMEOUTS = (httpx.ReadTimeout, httpx.WriteTimeout)
UNKNOWN = "unknown-outcome"  # the order went out: it may exist

# First match wins, so a row comes before any row for a base class of its exceptions.
FAULTS: tuple[Fault, ...] = (
    Fault((Redirected,), "redirect", "redirect", "The API answered with a redirect to "
          "{location}.", when=_to_a_web_url),
    Fault((Redirected,), UNKNOWN, "redirect", f"The API answered the order with {_ODD_REDIRECT}.",
          f"The API answered with {_ODD_REDIRECT}."),
    Fault((TooLarge,), "too-large", "too-large", "The API's answer is larger than {cap}, the "
          "most this playground reads (API_MAX_RESPONSE_BYTES); it stopped reading there."),
    Fault((httpx.ConnectTimeout,), "connect-timeout", "connect-timeout",
          "Could not connect to {base} in time.", retry_get=True),
    Fault((httpx.PoolTimeout,), "connect-timeout", "connect-timeout",  # still waiting for one
          "No connection to {base} became free in time."),
    Fault((httpx.ConnectError,), "dns", "dns", "The host name in {base} could not be resolved.",
          retry_get=True, when=_name_unresolved),
    Fault((httpx.ConnectError,), "connect", "connect",
          "Could not connect to {base} (connection refused or unreachable).", retry_get=True),
    Fault(_NOT_SENT, "connect", "connect", "Could not send a request to {base} ({name})."),
    Fault(_TIMEOUTS, UNKNOWN, "read-timeout", "The API did not finish answering within "
          "{deadline:g} s (API_DEADLINE) after the order was sent.",
          "No complete answer from {base} within {deadline:g} s (API_DEADLINE).",
          when=_past_the_deadline),
    Fault(_TIMEOUTS, UNKNOWN, "read-timeout", "The API did not answer in time after the order "
          "was sent.", "No answer from {base} within {read_timeout:g} s."),
    Fault((httpx.DecodingError,), "bad-response", "bad-response",  # an unreadable encoding
          "The API's answer could not be decoded ({error})."),
    Fault((httpx.TransportError,), UNKNOWN, "network", "The connection dropped after the order "
          "was sent.", "The connection dropped before the API answered."),
    Fault((httpx.InvalidURL, ValueError), UNKNOWN, "bad-response",  # a header, a URL in it:
          "The playground could not handle the API's answer ({name}).",  # UnicodeError and
          unexpected=True),  # IDNAError are ValueErrors
)


def fault_for(exc: Exception) -> Fault | None:
    """The table's row for ``exc``, or None for an exception that is not a call's fault."""
    return next((row for row in FAULTS if row.matches(exc)), None)


def size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


class NotAnEnvelope(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


def envelope(response: httpx.Response, text: str, *, expect_json: bool) -> dict[str, Any]:
    """The payload of an answer in the API's ``{success, data|error}`` envelope; else
    NotAnEnvelope with the fault's kind and message."""
    if response.status_code >= 500:
        raise NotAnEnvelope("server-error", f"The API failed with HTTP {response.status_code}.")
    if not expect_json and response.is_success:
        raise NotAnEnvelope("text", "Plain text answer.")
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
        raise NotAnEnvelope("bad-response", message) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("success"), bool):
        raise NotAnEnvelope("bad-response", "The API's answer is not in its usual "
                            "{success, data|error} shape.")
    return payload
