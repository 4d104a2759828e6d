"""Sending a built request for a user: record it and send it once (``explain`` words the
outcome).

No database transaction is held across the HTTP call: the pending history row is
committed first, then the call goes out, then the row is completed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from playground import api, redaction, retention
from playground.api import ApiError, ApiResponse, Credential
from playground.explain import UNKNOWN_AFTER
from playground.models import RESPONSE_CAP, Call
from playground.owners import Owner
from playground.sandbox.numbers import whole
from playground.spec import ERROR_INSUFFICIENT_BALANCE, TERMINAL_STATUSES, RequestSpec

TERMINAL = TERMINAL_STATUSES


def environment() -> str:
    return "sandbox" if api.is_sandbox() else "live"




class RateLimited(Exception):
    pass


def claim(owner: Owner, spec: RequestSpec, *, submission_key: str, builder_query: str,
          auth: str, order_limit: int | None = None) -> tuple[Call, bool]:
    """The history row for this submission: (row, True) if this request claimed it and
    must send, (existing row, False) if the same rendered form was submitted before.

    With ``order_limit``, raises RateLimited when the owner already placed that many orders
    in the last minute; the count and the new row are one transaction, so simultaneous
    submissions cannot all slip under the limit. ``owner`` is one resolved to write (its
    session keeps the owner id).
    """
    existing = Call.objects.filter(submission_key=submission_key, owner=owner.id).first() \
        if submission_key else None
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            if order_limit is not None:
                _serialize_owner("anyone" if settings.PLAYGROUND_AUTH == "none" else owner.id)
                if recent_orders_count(owner) >= order_limit:
                    raise RateLimited
            call = Call.objects.create(
                owner=owner.id, user=owner.user, environment=environment(),
                base_url=api.api_base(), endpoint=spec.endpoint, method=spec.method,
                path=spec.path, request_body=spec.body, builder_query=builder_query,
                auth_form=auth, submission_key=submission_key or None,
            )
        retention.after_write()
        return call, True
    except IntegrityError:
        existing = Call.objects.filter(submission_key=submission_key, owner=owner.id).first()
        if existing is None:  # someone else's key: refuse rather than reveal anything
            raise PermissionError("That form belongs to another session.") from None
        return existing, False


def _serialize_owner(owner: str) -> None:
    """Within a transaction, one owner's claims wait for each other. SQLite's IMMEDIATE
    transactions already serialize every writer; PostgreSQL takes an advisory lock."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(owner.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def send(call: Call, spec: RequestSpec, credential: Credential) -> Call:
    """Send the claimed call once and complete its history row."""
    try:
        response = api.get_client().send(spec, credential)
    except ApiError as exc:
        call.http_status = exc.status_code
        call.duration_ms = exc.elapsed_ms
        call.response_body = _stored(exc.text)
        call.outcome = exc.kind
        call.error = redaction.redact(exc.message)
    else:
        call.http_status = response.status_code
        call.duration_ms = response.elapsed_ms
        call.response_body = _stored(response.text)
        call.response_headers = stored_headers(response.headers)
        call.response_bytes = response_size(response.headers, response.text)
        call.outcome = "ok" if response.ok else "api-error"
        call.error = redaction.redact(response.error or "")
        if response.ok and spec.endpoint == "create" and isinstance(response.data, str):
            call.order_id = uuid_or_none(response.data)
            call.order_status = "paid" if call.order_id else ""
        elif response.ok and spec.endpoint == "status" and isinstance(response.data, dict):
            call.order_id = uuid_or_none(spec.order_id)
            call.order_status = str(response.data.get("status", ""))[:16]
    call.save()
    return call


def record(owner: Owner, *, endpoint: str, method: str, path: str, result: ApiResponse | ApiError,
           order_id: str | None = None, order_status: str = "", auth: str = "",
           builder_query: str = "") -> Call:
    """A history row for a call made on the user's behalf outside the builder (a poll
    that changed something, a proxy list fetch, a balance read). ``owner`` is one resolved
    to write."""
    if isinstance(result, ApiError):
        outcome, error = result.kind, result.message
    else:
        outcome, error = ("ok" if result.ok else "api-error"), result.error or ""
    retention.after_write()
    return Call.objects.create(
        owner=owner.id, user=owner.user, environment=environment(),
        base_url=api.api_base(), endpoint=endpoint, method=method, path=path,
        auth_form=auth, http_status=result.status_code, builder_query=builder_query,
        duration_ms=result.elapsed_ms, response_body=_stored(result.text),
        outcome=outcome, error=redaction.redact(error),
        order_id=uuid_or_none(order_id) if order_id else None, order_status=order_status,
    )


# A create still pending this long after it was claimed is no longer waiting for the API (the
# call's deadline is long past): the server stopped, or lost the call, while it was out.
STALE_MARGIN = 15.0  # seconds, beyond API_DEADLINE
LOST = ("No answer was recorded for this order: the server stopped (or lost the call) while "
        "it was being sent.")


def _stale_cutoff():
    return timezone.now() - timedelta(seconds=settings.API_DEADLINE + STALE_MARGIN)


def settle_stale(calls) -> int:
    """Turn the stale pending creates among ``calls`` into "outcome unknown"; how many."""
    return calls.filter(endpoint="create", outcome=Call.PENDING,
                        created__lt=_stale_cutoff()).update(outcome="unknown-outcome",
                                                            error=LOST)


def settled(call: Call) -> Call:
    """``call``, as "outcome unknown" if it is a stale pending create."""
    if call.is_pending and call.endpoint == "create" and call.created < _stale_cutoff():
        settle_stale(Call.objects.filter(pk=call.pk))
        call.refresh_from_db()
    return call


def recent_orders_count(owner: Owner, seconds: int = 60) -> int:
    """Create calls this owner sent in the last ``seconds`` (the live-mode rate limit).
    With PLAYGROUND_AUTH=none anyone can start a fresh session, so there the count is the
    whole server's live orders."""
    since = timezone.now() - timedelta(seconds=seconds)
    if settings.PLAYGROUND_AUTH == "none":
        return Call.objects.filter(environment="live", endpoint="create",
                                   created__gte=since).count()
    return Call.objects.filter(owner=owner.id, endpoint="create",
                               created__gte=since).count()


def _stored(text: str | None) -> str:
    """A response body as history keeps it: capped, and with any token an upstream echoed
    back (a debug error page listing request headers) redacted."""
    return redaction.redact((text or "")[:RESPONSE_CAP + 1024])[:RESPONSE_CAP]


HEADER_LIMIT = 50  # headers kept per answer
HEADER_VALUE_LIMIT = 500  # characters kept of each header's name and value
UNSHOWN_HEADERS = {"set-cookie"}  # the playground keeps no cookie of the API's


def stored_headers(headers: dict[str, str]) -> list[list[str]]:
    """An answer's headers as history keeps them: [name, value] pairs, at most
    HEADER_LIMIT, each part capped, any token an upstream echoed back redacted."""
    kept = []
    for name, value in list(headers.items())[:HEADER_LIMIT]:
        if name.lower() in UNSHOWN_HEADERS:
            continue
        kept.append([redaction.redact(str(name)[:HEADER_VALUE_LIMIT]),
                     redaction.redact(str(value)[:HEADER_VALUE_LIMIT])])
    return kept


REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "cf-ray")


def request_id(call: Call) -> str:
    """The request id the API answered with, by the first header of REQUEST_ID_HEADERS."""
    found = {str(name).lower(): str(value) for name, value in call.response_headers or ()}
    return next((found[name] for name in REQUEST_ID_HEADERS if name in found), "")


def response_size(headers: dict[str, str], text: str) -> int:
    """The answer's size in bytes: its Content-Length, else the body as read."""
    declared = next((v for k, v in headers.items() if k.lower() == "content-length"), "")
    size = whole(declared, low=0, high=10**9 - 1, digits=9)
    return size if size is not None else len(text.encode())


def may_have_placed(call: Call) -> bool:
    """Whether this create placed an order, or may have. Then its result keeps the form's
    submission key (sending it again shows this result) and offers a fresh one only for a
    deliberate "Place another order"."""
    return call.endpoint == "create" and (call.order_id is not None or call.is_pending
                                          or call.outcome in UNKNOWN_AFTER)


def needs_balance_check(call: Call) -> bool:
    """Whether the wallet is read again after this call: a create that may or may not have
    debited it (its answer was lost), or one refused for the balance (show what it holds)."""
    return call.endpoint == "create" and (call.outcome in UNKNOWN_AFTER
                                          or call.error == ERROR_INSUFFICIENT_BALANCE)


def uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def response_json(call: Call):
    try:
        return json.loads(call.response_body)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
        return None
