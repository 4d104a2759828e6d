"""Keeps tokens out of log records, httpx's and urllib3's included.

Two nets: every token the vault handled in this process is replaced wherever it appears,
and anything after an ``api-token:`` or ``Bearer`` header name is masked by pattern.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from django.views.debug import SafeExceptionReporterFilter

REDACTED = "[redacted]"
# A value that is already REDACTED is left alone, so redacting twice (the record factory,
# then the handler's filter) changes nothing. The possessive quantifiers (Python 3.11+) keep
# the optional quote, b' and auth scheme from backtracking around that check.
_FRESH = rf"(?!{re.escape(REDACTED)})"
_PATTERNS = [
    re.compile(r"(?i)(api-token['\"]?+\s*+[:=,]\s*+['\"]?+(?:b')?+)" + _FRESH
               + r"([^\s'\",}\]]+)"),
    re.compile(r"(?i)(bearer\s++)([A-Za-z0-9._~+/=-]+)"),
    re.compile(r"(?i)(authorization['\"]?+\s*+[:=,]\s*+['\"]?+(?:b')?+"
               r"(?:(?:bearer|basic|token|digest)\s++)?+)" + _FRESH + r"([^'\",}\]]+)"),
]
# Each pattern starts with one of these words: text without any of them skips the patterns
# (most log lines), with the same case rules as the patterns themselves.
_HEADER_WORDS = re.compile(r"(?i)api-token|bearer|authorization")
_known: set[str] = set()
_longest_first: tuple[str, ...] = ()  # _known, longest first (a token may contain another)
_lock = threading.Lock()
_MAX_KNOWN = 10_000


def remember(token: str) -> None:
    """Redact this exact token from now on (tokens shorter than 6 characters are too
    ambiguous to replace everywhere; the patterns still catch them in headers)."""
    global _longest_first
    if token in _known or len(token) < 6 or token in REDACTED:  # "redacted" would grow
        return
    with _lock:
        if len(_known) >= _MAX_KNOWN:
            _known.clear()
        _known.add(token)
        _longest_first = tuple(sorted(_known, key=len, reverse=True))


def redact(text: str) -> str:
    for token in _longest_first:
        if token in text:
            text = text.replace(token, REDACTED)
    if _HEADER_WORDS.search(text):
        for pattern in _PATTERNS:
            text = pattern.sub(_keep_name, text)
    return text


def _keep_name(match: re.Match) -> str:
    return match.group(1) + REDACTED


_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message",
                                                                        "asctime"}


class RedactTokensFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in) and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw message
            message = str(record.msg)
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(record.__dict__.items()):  # strings passed with extra=
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


class _RedactingFactory:
    """A log record factory that redacts what the one before it made."""

    redacts_tokens = True

    def __init__(self, current: Callable[..., logging.LogRecord]) -> None:
        self.current = current

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.current(*args, **kwargs)
        RedactTokensFilter().filter(record)
        return record


def install_record_factory() -> None:
    """Redact every record as it is created, so no handler (pytest's, a library's) ever
    sees a token. Idempotent."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts_tokens", False):
        return
    logging.setLogRecordFactory(_RedactingFactory(current))


# --- error reports ------------------------------------------------------------------------

class _Cleaned:
    """Stands in for a frame variable whose repr held a token: shows the redacted repr."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


class SafeReporterFilter(SafeExceptionReporterFilter):
    """Django's error-report filter, plus tokens: the ``token`` form field, and every frame
    variable or META value whose text holds a token (a known one, or one in a header) is
    redacted. Error e-mails and debug pages are built through it."""

    sensitive_post_fields = ("token",)

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None or not any(f in params for f in self.sensitive_post_fields):
            return params
        params = params.copy()
        for name in self.sensitive_post_fields:
            if name in params:
                params[name] = self.cleansed_substitute
        return params

    def get_safe_request_meta(self, request):
        return {key: redact(value) if isinstance(value, str) else value
                for key, value in super().get_safe_request_meta(request).items()}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, _cleaned(value))
                for name, value in super().get_traceback_frame_variables(request, tb_frame)]


def _cleaned(value):
    try:
        text = repr(value)
    except Exception:  # a broken repr shows nothing rather than risk the value
        return _Cleaned("<unprintable>")
    cleaned = redact(text)
    return value if cleaned == text else _Cleaned(cleaned)


REPORT_FILTER = SafeReporterFilter()


def protect_reports(view):
    """Views that handle a token: any error report made for the request (an admin e-mail,
    the debug page) goes through ``SafeReporterFilter``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.exception_reporter_filter = REPORT_FILTER
        return view(request, *args, **kwargs)

    return wrapper
