"""Structured logs: one JSON object per line, with the request id and user on every line.

``RequestLogMiddleware`` gives each request an id (an incoming X-Request-ID, else a new
one), makes it and the user available to every log record made while the request runs,
and writes one line per request: method, path, status and duration. The API client adds
one line per upstream call (endpoint, status, duration). Tokens are redacted before any
formatter sees a record (``playground.redaction``).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from playground import redaction

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
user_var: contextvars.ContextVar[str] = contextvars.ContextVar("user", default="")
# Milliseconds this request spent waiting on the API (the client adds to it).
upstream_ms_var: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar(
    "upstream_ms", default=None)


def add_upstream_time(ms: float) -> None:
    spent = upstream_ms_var.get()
    if spent is not None:
        spent.append(ms)

logger = logging.getLogger("playground.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Attributes every LogRecord has; anything else was passed through ``extra=``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class RequestContextFilter(logging.Filter):
    """Puts the current request's id and user on the record. Django logs a 4xx/5xx
    response ("Not Found: ...") after the middleware has returned, outside the request's
    context, but passes the request along: its id and user are read from it then."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if not getattr(record, "request_id", None):
            record.request_id = (request_id_var.get()
                                 or getattr(request, "log_request_id", ""))
        if not getattr(record, "user", None):
            record.user = user_var.get() or getattr(request, "log_user", "")
        return True


_SECRET_KEYS = {"api-token", "api_token", "authorization", "token"}


def _scrub(value, key: str = ""):
    """An ``extra=`` value made safe to print: strings redacted, containers walked, the
    values of header-like keys (``api-token``, ``Authorization``) replaced outright."""
    if key.lower() in _SECRET_KEYS and value:
        return redaction.REDACTED
    if isinstance(value, str):
        return redaction.redact(value)
    if isinstance(value, dict):
        return {str(k): _scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_scrub(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redaction.redact(str(value))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
            "user": getattr(record, "user", "") or user_var.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = _scrub(value, key)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def _user_label(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username()
    return "anonymous"


def bind_user(request) -> None:
    """Name the request's user on every line logged from now until the request ends.

    Called once authentication is done (``playground.web.access.AccessMiddleware``), so the
    lines a view logs (its upstream calls) carry the user, not only the request line."""
    request.log_user = _user_label(request)
    user_var.set(request.log_user)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.log_request_id = request_id
        id_token = request_id_var.set(request_id)
        user_token = user_var.set("")
        upstream_token = upstream_ms_var.set([])
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            bind_user(request)  # again: the request may have signed someone in or out
            duration_ms = (time.perf_counter() - started) * 1000
            response["X-Request-ID"] = request_id
            timing = f"app;dur={duration_ms:.2f}"
            if upstream := upstream_ms_var.get():
                timing += f", upstream;dur={sum(upstream):.2f}"
            response["Server-Timing"] = timing
            logger.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path,
                       "status": response.status_code, "duration_ms": round(duration_ms, 2)},
            )
            return response
        finally:
            request_id_var.reset(id_token)
            user_var.reset(user_token)
            upstream_ms_var.reset(upstream_token)
