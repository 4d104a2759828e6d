"""The journal: every call that reaches the sandbox API, recorded in the sandbox of the
account it authenticated as. A call with no token, or one no sandbox knows, goes to the
public demo sandbox's journal (its credential's hint is all that is kept of it).

Kept per entry: time, client address, method, path and query, the headers with the
credential reduced to its form and a hint, the body's bytes exactly as received (up to
``SANDBOX_JOURNAL_BODY_BYTES``), status, the answer's body (same cap), duration and the
fault injected, if any. Each sandbox keeps its newest ``SANDBOX_JOURNAL_LIMIT`` entries;
older ones are deleted by the server itself on a write, at most every
``RETENTION_SWEEP_INTERVAL`` seconds per sandbox and process (no worker process).
"""

from __future__ import annotations

import base64
import threading
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponseBase

from playground.sandbox.models import Account, JournalEntry, public_sandbox_id

IN_PROCESS = "playground.in_process"  # environ key the in-process transport sets
IN_PROCESS_CLIENT = "playground (in process)"
MASKED = {"api-token", "authorization", "proxy-authorization"}
DROPPED = {"cookie"}  # a browser's session cookie is nobody's business here
HINT_CHARS = 4


def hint_of(secret: str) -> str:
    """The last characters of a credential, when it is long enough to keep some back."""
    return secret[-HINT_CHARS:] if len(secret) >= 2 * HINT_CHARS else ""


def masked(value: str) -> str:
    return "…" + hint_of(value) if hint_of(value) else "…"


def credential_form(request: HttpRequest) -> tuple[str, str]:
    """(auth form, hint) of the request's credential, as the API reads it."""
    token = request.headers.get("api-token", "").strip()
    if token:
        return "api-token", hint_of(token)
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        return "bearer", hint_of(credential.strip())
    return "none", ""


def _text(value: str) -> str:
    """Text a database can store: PostgreSQL refuses NUL, so it becomes U+FFFD."""
    return value.replace("\x00", "\ufffd")


def safe_headers(request: HttpRequest) -> list[list[str]]:
    """The request's headers, the credential masked and cookies left out."""
    kept = []
    for name, value in request.headers.items():
        lower = name.lower()
        if lower in DROPPED:
            continue
        if lower == "authorization":
            scheme, _, credential = value.partition(" ")
            value = f"{scheme} {masked(credential.strip())}" if credential else masked(value)
        elif lower in MASKED:
            value = masked(value.strip())
        kept.append([_text(name), _text(value)])
    return kept


def received_body(request: HttpRequest) -> tuple[bytes, int]:
    """The body's first bytes (the cap) and its full size; a body over Django's upload
    limit is not read at all (the API answers it with its own 400)."""
    try:
        raw = request.body
    except RequestDataTooBig:
        declared = request.META.get("CONTENT_LENGTH", "")
        return b"", int(declared) if declared.isdigit() else 0
    return raw[:settings.SANDBOX_JOURNAL_BODY_BYTES], len(raw)


def sandbox_of(account: Account | None) -> int:
    """The sandbox a call belongs to: its account's, else the public demo sandbox."""
    if account is not None and account.sandbox_id is not None:
        return account.sandbox_id
    return public_sandbox_id()


def client_of(request: HttpRequest) -> str:
    if request.META.get(IN_PROCESS):
        return IN_PROCESS_CLIENT
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def record(request: HttpRequest, *, account: Account | None, endpoint: str, started: float,
           response: HttpResponseBase | None, fault: str = "") -> JournalEntry | None:
    """Write the call's entry (None with the journal off). ``response`` None: no answer."""
    if not settings.SANDBOX_JOURNAL:
        return None
    body, size = received_body(request)
    answer = b""
    if response is not None and not response.streaming:
        answer = response.content  # type: ignore[attr-defined]
    auth, hint = credential_form(request)
    cap = settings.SANDBOX_JOURNAL_BODY_BYTES
    sandbox_id = sandbox_of(account)
    query = request.META.get("QUERY_STRING", "")
    entry = JournalEntry.objects.create(
        sandbox_id=sandbox_id, account=account,
        account_name=account.name if account is not None else "",
        client=client_of(request), method=str(request.method)[:16],
        path=_text(request.path + (f"?{query}" if query else "")), endpoint=endpoint,
        headers=safe_headers(request), auth=auth, hint=hint, body=body, body_size=size,
        status=response.status_code if response is not None else 0,
        response_body=answer[:cap], response_size=len(answer),
        duration_ms=round((time.perf_counter() - started) * 1000, 3), fault=fault)
    if _prune_due(sandbox_id):
        prune(sandbox_id)
    return entry


# --- retention ------------------------------------------------------------------------

_lock = threading.Lock()
_last_prune: dict[int, float] = {}  # sandbox id -> this process's last prune (monotonic)


def _prune_due(sandbox_id: int) -> bool:
    with _lock:
        now = time.monotonic()
        if now - _last_prune.get(sandbox_id, float("-inf")) < settings.RETENTION_SWEEP_INTERVAL:
            return False
        if len(_last_prune) > 10_000:  # sandboxes come and go: never let this grow
            _last_prune.clear()
        _last_prune[sandbox_id] = now
        return True


def prune(sandbox_id: int) -> int:
    """Delete the sandbox's entries older than its newest SANDBOX_JOURNAL_LIMIT; how many."""
    limit = settings.SANDBOX_JOURNAL_LIMIT
    if limit <= 0:
        return 0
    newest = JournalEntry.objects.filter(sandbox_id=sandbox_id).order_by("-id")
    edge = next(iter(newest.values_list("id", flat=True)[limit - 1:limit]), None)
    if edge is None:
        return 0
    return JournalEntry.objects.filter(sandbox_id=sandbox_id, id__lt=edge).delete()[0]


def reset_retention() -> None:
    """Tests: every sandbox's next write prunes."""
    with _lock:
        _last_prune.clear()


# --- the feed ---------------------------------------------------------------------------

def _text_and_base64(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), base64.b64encode(data).decode("ascii")


def entry_data(entry: JournalEntry) -> dict[str, Any]:
    """An entry as the feed gives it: the body as text, and as base64 too where its bytes
    are not valid UTF-8 (the text then has replacement characters)."""
    body, body_base64 = _text_and_base64(bytes(entry.body))
    answer, _ = _text_and_base64(bytes(entry.response_body))
    return {
        "id": entry.pk,
        "time": entry.time,
        "client": entry.client,
        "account": entry.account_name or None,
        "method": entry.method,
        "path": entry.path,
        "endpoint": entry.endpoint,
        "auth": entry.auth,
        "headers": entry.headers,
        "body": body,
        "body_base64": body_base64,
        "body_size": entry.body_size,
        "body_truncated": entry.body_size > len(entry.body),
        "status": entry.status or None,
        "response_body": answer,
        "response_truncated": entry.response_size > len(entry.response_body),
        "duration_ms": entry.duration_ms,
        "fault": entry.fault or None,
    }


def since(sandbox_id: int, after: int, limit: int) -> tuple[list[JournalEntry], bool]:
    """Up to ``limit`` entries after id ``after``, oldest first, and whether more follow."""
    rows = list(JournalEntry.objects.filter(sandbox_id=sandbox_id, id__gt=after)
                .order_by("id")[:limit + 1])
    return rows[:limit], len(rows) > limit


def latest(sandbox_id: int) -> int:
    """The id of the sandbox's newest entry, 0 for none: a ``since`` that skips them all."""
    newest = JournalEntry.objects.filter(sandbox_id=sandbox_id).order_by("-id")
    return newest.values_list("id", flat=True).first() or 0
