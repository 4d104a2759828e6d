"""Sending a built request for a user: record it, send it once, explain what came back.

No database transaction is held across the HTTP call: the pending history row is
committed first, then the call goes out, then the row is completed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from playground import api, redaction
from playground.api import ApiError, ApiResponse, Credential
from playground.models import RESPONSE_CAP, Call
from playground.spec import (
    ERROR_INSUFFICIENT_BALANCE,
    ERROR_PRICING,
    PERMISSIONS,
    TERMINAL_STATUSES,
    RequestSpec,
)

OWNER_KEY = "playground.owner"
TERMINAL = TERMINAL_STATUSES


def owner_id(request, *, create: bool = False) -> str:
    """Who owns history rows and orders: the signed-in user, else this browser session.
    Reading makes no session (a visitor who only looks owns nothing, and a new owner matches
    no row); ``create`` gives the session its owner, for a row about to be written."""
    user = _user(request)
    if user is not None:
        return f"user:{user.pk}"
    owner = request.session.get(OWNER_KEY)
    if not owner:
        owner = f"session:{uuid.uuid4().hex}"
        if create:
            request.session[OWNER_KEY] = owner
    return owner


def environment() -> str:
    return "sandbox" if api.is_sandbox() else "live"


@dataclass(frozen=True)
class Explanation:
    tone: str  # "ok", "error", "warning" or "unknown"
    title: str
    detail: str = ""
    action: str = ""


class RateLimited(Exception):
    pass


def claim(request, spec: RequestSpec, *, submission_key: str, builder_query: str,
          auth: str, order_limit: int | None = None) -> tuple[Call, bool]:
    """The history row for this submission: (row, True) if this request claimed it and
    must send, (existing row, False) if the same rendered form was submitted before.

    With ``order_limit``, raises RateLimited when the owner already placed that many orders
    in the last minute; the count and the new row are one transaction, so simultaneous
    submissions cannot all slip under the limit.
    """
    owner = owner_id(request, create=True)
    existing = Call.objects.filter(submission_key=submission_key, owner=owner).first() \
        if submission_key else None
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            if order_limit is not None:
                _serialize_owner("anyone" if settings.PLAYGROUND_AUTH == "none" else owner)
                if recent_orders_count(request) >= order_limit:
                    raise RateLimited
            call = Call.objects.create(
                owner=owner, user=_user(request), environment=environment(),
                base_url=api.api_base(), endpoint=spec.endpoint, method=spec.method,
                path=spec.path, request_body=spec.body, builder_query=builder_query,
                auth_form=auth, submission_key=submission_key or None,
            )
        return call, True
    except IntegrityError:
        existing = Call.objects.filter(submission_key=submission_key, owner=owner).first()
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


def record(request, *, endpoint: str, method: str, path: str, result: ApiResponse | ApiError,
           order_id: str | None = None, order_status: str = "", auth: str = "",
           builder_query: str = "") -> Call:
    """A history row for a call made on the user's behalf outside the builder (a poll
    that changed something, a proxy list fetch, a balance read)."""
    failed = isinstance(result, ApiError)
    return Call.objects.create(
        owner=owner_id(request, create=True), user=_user(request), environment=environment(),
        base_url=api.api_base(), endpoint=endpoint, method=method, path=path,
        auth_form=auth, http_status=result.status_code, builder_query=builder_query,
        duration_ms=result.elapsed_ms, response_body=_stored(result.text),
        outcome=result.kind if failed else ("ok" if result.ok else "api-error"),
        error=redaction.redact(result.message if failed else (result.error or "")),
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


def recent_orders_count(request, seconds: int = 60) -> int:
    """Create calls this owner sent in the last ``seconds`` (the live-mode rate limit).
    With PLAYGROUND_AUTH=none anyone can start a fresh session, so there the count is the
    whole server's live orders."""
    since = timezone.now() - timedelta(seconds=seconds)
    if settings.PLAYGROUND_AUTH == "none":
        return Call.objects.filter(environment="live", endpoint="create",
                                   created__gte=since).count()
    return Call.objects.filter(owner=owner_id(request), endpoint="create",
                               created__gte=since).count()


def _stored(text: str | None) -> str:
    """A response body as history keeps it: capped, and with any token an upstream echoed
    back (a debug error page listing request headers) redacted."""
    return redaction.redact((text or "")[:RESPONSE_CAP + 1024])[:RESPONSE_CAP]


def _user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def sees_everyone(request) -> bool:
    """Staff see every owner's history and orders; everyone else only their own."""
    user = _user(request)
    return user is not None and user.is_staff


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


def explain(call: Call, spec_body: dict | None, *, balance: str | None = None) -> Explanation:
    """A plain explanation of a call's outcome and what to do next."""
    status, error, endpoint = call.http_status, call.error, call.endpoint
    creating = endpoint == "create"
    if call.outcome == "ok":
        if creating:
            return Explanation("ok", "Order placed.", f"Order id {call.order_id}. Its status "
                               "updates below until the subaccount appears.")
        return Explanation("ok", "Done.")
    if call.outcome == Call.PENDING:
        return Explanation("unknown", "This form was already sent and is still waiting for "
                           "the API.", "Its result appears in History when it arrives; it "
                           "was not sent again.")
    if call.outcome == "api-error":
        return explain_api_error(status, error, endpoint, spec_body, balance)
    return _explain_fault(call, creating, balance)


def explain_api_error(status, error, endpoint, body=None, balance=None) -> Explanation:
    if status == 401:
        return Explanation("error", "The API did not accept the token (401).", error,
                           "Check the token or JWT: it may be mistyped, revoked, or an expired "
                           "JWT. Enter it again under “API token”.")
    if status == 403:
        return Explanation("error", "This account lacks a permission (403).", error,
                           f"Ask support to enable {PERMISSIONS.get(endpoint, 'API ordering')}"
                           " for the account; it is granted by an admin only.")
    if status == 404:
        return Explanation("error", "Order not found (404).", error,
                           "The id is unknown, or the order belongs to another account: the "
                           "API does not say which. Check the id and the token.")
    if status == 400 and error == ERROR_PRICING:
        fields = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}"
                           for k, v in (body or {}).items()
                           if k not in ("coupon_code", "email", "fname", "lname"))
        return Explanation("error", "No buyable package matches this request (400).", error,
                           f"The type and fields did not match a package: {fields}. Check the "
                           "product's sizes and location, or try a suggested size.")
    if status == 400 and error == ERROR_INSUFFICIENT_BALANCE:
        now = f"The wallet holds {balance}." if balance else "The balance could not be read."
        return Explanation("error", "The wallet does not cover this order (400).", error,
                           f"{now} Top up the wallet (dashboard, or the sandbox console) or "
                           "choose a smaller package.")
    return Explanation("error", f"The API refused the request ({status}).", error,
                       "Read the API's message above; the request was not carried out.")


FAULT_TEXT = {
    "connect": ("Could not reach the API.", "Nothing was sent. Check that the API base is "
                "right and reachable from this server, then send again."),
    "dns": ("The API's host name could not be resolved.", "Nothing was sent. Check the host "
            "name in the API base and this server's DNS, then send again."),
    "connect-timeout": ("The API did not accept the connection in time.",
                        "Nothing was sent. Try again in a moment."),
    "read-timeout": ("The API did not answer in time.",
                     "This was a read, so nothing changed. Try again in a moment."),
    "network": ("The connection dropped before the API answered.",
                "This was a read, so nothing changed. Try again."),
    "server-error": ("The API failed with a server error.",
                     "The fault is on the API's side. Try again in a minute."),
    "bad-response": ("The API's answer could not be read.",
                     "It was not complete JSON in the API's envelope (shown below). Try again; "
                     "if it persists, the API base may point at something else."),
    "too-large": ("The API's answer was too large to read.",
                  "The playground stopped reading it at API_MAX_RESPONSE_BYTES and kept none "
                  "of it. Check the API base; if it is right, raise that setting."),
    "redirect": ("The API answered with a redirect.",
                 "The playground does not follow redirects for API calls. Check the API base "
                 "(https, host and path)."),
}


UNKNOWN_AFTER = ("unknown-outcome", "server-error", "bad-response", "network", "too-large")


def _explain_fault(call: Call, creating: bool, balance: str | None) -> Explanation:
    """A fault in words. A create whose answer was lost or unreadable after it went out is
    never called failed: the order may exist, so the user checks before sending again."""
    title, action = FAULT_TEXT.get(call.outcome, ("The call failed.", "Try again."))
    detail = call.error
    if call.http_status and str(call.http_status) not in detail:
        detail = f"{detail} (HTTP {call.http_status})"
    if creating and call.outcome in UNKNOWN_AFTER:
        now = (f"The wallet now holds {balance}." if balance
               else "The wallet balance could not be read just now.")
        return Explanation(
            "unknown", "Outcome unknown: the order may have been placed.",
            f"{detail} The order may exist and the wallet may have been debited. {now}",
            "Do not send it again yet: check the balance and your recent orders (the sandbox "
            "console, or the dashboard) first. It was not retried automatically.")
    return Explanation("error", title, detail, action)




