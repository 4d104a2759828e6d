"""The header's wallet: the balance and the API-ordering discount, read for a credential,
and the rules for what of an upstream balance a page may show."""

from __future__ import annotations

import math

from playground import api, redaction
from playground.api import Credential


def read(credential: Credential) -> dict[str, object]:
    """``balance`` (formatted) and ``discount`` (a percentage, when there is one) for the
    header; a fault, a refusal or a balance no wallet holds becomes ``wallet_error``."""
    client = api.get_client()
    try:
        balance = client.balance(credential)
    except api.ApiError as exc:
        return {"wallet_error": redaction.redact(exc.message)}
    if not balance.ok:
        return {"wallet_error": redaction.redact(f"{balance.error} ({balance.status_code})")}
    try:
        wallet: dict[str, object] = {"balance": redaction.redact(money(balance.data))}
    except Unshowable:
        return {"wallet_error": "The API answered a balance this page cannot show."}
    try:
        me = client.me(credential)
        discount = me.data.get("api_ordering_discount") if me.ok and isinstance(
            me.data, dict) else None
    except api.ApiError:
        discount = None
    if isinstance(discount, (int, float)) and not isinstance(discount, bool) \
            and 0 < discount <= 100:
        wallet["discount"] = discount
    return wallet


class Unshowable(Exception):
    """A balance number no wallet holds: NaN, infinite (1e400), or absurdly large."""


def money(data: object) -> str:
    """A balance answer's ``data`` as text, e.g. ``1,250.00 USD``; raises Unshowable for a
    number no wallet holds."""
    if not isinstance(data, dict):
        return "?"
    balance, currency = data.get("balance"), str(data.get("currency", ""))[:12]
    if isinstance(balance, (int, float)) and not isinstance(balance, bool):
        if isinstance(balance, float) and not math.isfinite(balance) or abs(balance) >= 1e15:
            raise Unshowable
        return f"{balance:,.2f} {currency}".strip()
    return f"{str(balance)[:40]} {currency}".strip()


def balance_now(credential: Credential) -> str | None:
    """The formatted balance read now, or None when it cannot be read or shown."""
    balance = read(credential).get("balance")
    return balance if isinstance(balance, str) else None
