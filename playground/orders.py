"""The step after an order: fetching its subaccount's proxy list for the owner.

The order's status is checked first (the subaccount comes from the API's answer, never from
the page), then the list is fetched, timed and recorded in history.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from playground import api, redaction, sending
from playground.api import Credential
from playground.explain import Explanation
from playground.models import Call
from playground.owners import Owner
from playground.spec import proxy_list_path, subaccount_problem


@dataclass(frozen=True)
class ProxyList:
    """What the proxy-list call answered: ``listed`` when it is a list (``lines`` holds its
    entries), else ``text`` is the API's refusal; ``text`` is redacted either way."""

    code: int
    listed: bool
    lines: list[str]
    text: str
    subaccount: dict


def _problem(title: str, detail: str) -> Explanation:
    return Explanation("error", title, detail)


def fetch_proxy_list(owner: Owner, call: Call,
                     credential: Credential | None) -> ProxyList | Explanation:
    """The proxy list of the subaccount of ``call``'s order (a create the owner placed), or
    why it was not fetched. ``owner`` is one resolved to write (the fetch is recorded)."""
    if credential is None:
        return _problem("No API token.", "Enter the token again first.")
    client = api.get_client()
    try:
        status = client.order_status(str(call.order_id), credential)
    except api.ApiError as exc:
        return _problem("Could not check the order first.", redaction.redact(exc.message))
    subaccount = status.data.get("subaccount") if status.ok and isinstance(
        status.data, dict) else None
    if not isinstance(subaccount, dict) or not subaccount.get("AccountID") \
            or not subaccount.get("AccountType"):
        return _problem("This order has no subaccount now.",
                        redaction.redact(status.error or "")
                        or "It is not processed (or it was refunded).")
    account_id, account_type = str(subaccount["AccountID"]), str(subaccount["AccountType"])
    problem = subaccount_problem(account_id, account_type)
    if problem:  # the path would not be the subaccount's own: ask for nothing
        return _problem("The API answered a subaccount this page cannot use, so its proxy "
                        "list was not fetched.", problem)
    path = proxy_list_path(account_id, account_type)
    started = time.perf_counter()
    try:
        code, text = client.proxy_list(account_id, account_type, credential)
    except api.ApiError as exc:
        sending.record(owner, endpoint="proxy-list", method="GET", path=path, result=exc,
                       order_id=str(call.order_id), auth=credential.auth)
        return _problem("Could not fetch the proxy list.", redaction.redact(exc.message))
    elapsed = (time.perf_counter() - started) * 1000
    refusal = refusal_of(text) if 200 <= code < 300 else None  # an error envelope, not a list
    listed = 200 <= code < 300 and refusal is None
    answer = api.ApiResponse(code, text, {"success": listed, "error": refusal or text}, elapsed)
    sending.record(owner, endpoint="proxy-list", method="GET", path=path, result=answer,
                   order_id=str(call.order_id), auth=credential.auth)
    lines = [line for line in text.splitlines() if line.strip()] if listed else []
    return ProxyList(code=code, listed=listed, lines=lines,
                     text=redaction.redact(refusal or text), subaccount=subaccount)


def refusal_of(text: str) -> str | None:
    """The error of a proxy-list answer that is the API's ``{"success": false}`` envelope."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(payload, dict) and payload.get("success") is False:
        return str(payload.get("error") or "Unknown error.")
    return None
