"""Keeps tokens out of log records, httpx's and urllib3's included.

Two nets: every token the vault handled in this process is replaced wherever it appears,
and anything after an ``api-token:`` or ``Bearer`` header name is masked by pattern.
"""

from __future__ import annotations

import logging
import re
import threading

REDACTED = "[redacted]"
_PATTERNS = [
    re.compile(r"(?i)(api-token['\"]?\s*[:=,]\s*['\"]?(?:b')?)([^\s'\",}\]]+)"),
    re.compile(r"(?i)(bearer\s+)([A-Za-z0-9._~+/=-]+)"),
    re.compile(r"(?i)(authorization['\"]?\s*[:=,]\s*['\"]?(?:b')?)([^'\",}\]]+)"),
]
_known: set[str] = set()
_lock = threading.Lock()
_MAX_KNOWN = 10_000


def remember(token: str) -> None:
    """Redact this exact token from now on (tokens shorter than 6 characters are too
    ambiguous to replace everywhere; the patterns still catch them in headers)."""
    if len(token) < 6:
        return
    with _lock:
        if len(_known) >= _MAX_KNOWN:
            _known.clear()
        _known.add(token)


def redact(text: str) -> str:
    for token in sorted(_known, key=len, reverse=True):
        if token in text:
            text = text.replace(token, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


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
        return True


def install_record_factory() -> None:
    """Redact every record as it is created, so no handler (pytest's, a library's) ever
    sees a token. Idempotent."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts_tokens", False):
        return

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        RedactTokensFilter().filter(record)
        return record

    factory.redacts_tokens = True
    logging.setLogRecordFactory(factory)
