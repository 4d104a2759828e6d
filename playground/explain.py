"""Words for every outcome: what a call's result means and what to do next.

The 401, 403, 404 and 400 explanations, the fault texts, and which faults leave a create's
outcome unknown all live here; views and services only pick one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from playground.models import Call
from playground.spec import ERROR_INSUFFICIENT_BALANCE, ERROR_PRICING, PERMISSIONS


@dataclass(frozen=True)
class Explanation:
    tone: str  # "ok", "error", "warning" or "unknown"
    title: str
    detail: str = ""
    action: str = ""


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


def explain_api_error(status: int | None, error: str, endpoint: str, body: dict | None = None,
                      balance: str | None = None) -> Explanation:
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




