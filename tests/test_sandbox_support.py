"""Helpers shared by the sandbox test modules (this module holds no tests).

Only the public demo tokens appear here; JWTs and any other secret are made at run time.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from types import SimpleNamespace

from playground.sandbox import services
from playground.sandbox.models import Account, Order

BASE = "/sandbox/v4/account"
CREATE = f"{BASE}/orders/create"
BALANCE = f"{BASE}/orders/balance"
ME = f"{BASE}/auth/me"
SUBACCOUNTS = f"{BASE}/subaccounts"
PROXY_QUERY = {"type": "getproxies", "protocol": "http", "format": "normal"}

# The vendor's documented texts, typed out again here on purpose: the tests must not
# pass merely because the code and the tests share a constant.
UNAUTHENTICATED = "Could not determine account email from authenticated identity."
NO_WRITE = "API ordering is not enabled for this account. Contact support to request access."
NO_READ_STATUS = ("Reading order status via the API-ordering endpoint is not enabled for this "
                  "account. Contact support to request access.")
NO_READ_BALANCE = ("Reading the wallet balance via the API-ordering endpoint is not enabled for "
                   "this account. Contact support to request access.")
PRICING = "Missing or invalid pricing configuration."
INSUFFICIENT = "Insufficient wallet balance."
ORDER_NOT_FOUND = "Order not found."
INVALID_COUPON = "Invalid coupon code."
BAD_BODY = "Request body must be a JSON object."
BAD_OVERRIDE = "Fields email, fname and lname must be strings."
SUBACCOUNT_NOT_FOUND = "Subaccount not found."
BLOCK_REASON = "Blocked by the fraud guard (sandbox scenario coupon SANDBOX-BLOCK)."

# The vendor's example body: datacenter shared, mixed pool of 1000, Belgium.
# 24.00 + 21 % VAT (5.04) = 29.04.
SHARED_1000 = {"type": "new_datacenter_shared", "country": "Belgium", "is_subscription": True,
               "days": 30, "proxies[mixed]": 1000, "bandwidth": 0}
SHARED_1000_PRICE = Decimal("29.04")

# The three ways to present a credential: the api-token header, the demo token as a
# Bearer credential, and a console-issued JWT as a Bearer credential.
AUTH_FORMS = ("api-token", "bearer-token", "bearer-jwt")


def auth_headers(account_name: str, form: str = "api-token") -> dict[str, str]:
    if form == "api-token":
        return {"api-token": account_name}
    if form == "bearer-token":
        return {"Authorization": f"Bearer {account_name}"}
    if form == "bearer-jwt":
        token = services.issue_jwt(Account.objects.get(name=account_name), lifetime=900)
        return {"Authorization": f"Bearer {token}"}
    raise ValueError(form)


def error(message: str) -> dict:
    return {"success": False, "error": message}


def post_order(client, body, account_name="sandbox-full", form="api-token"):
    """POST a body (a dict is sent as JSON; str/bytes are sent as they are)."""
    raw = json.dumps(body) if isinstance(body, dict | list) else body
    return client.post(CREATE, raw, content_type="application/json",
                       headers=auth_headers(account_name, form))


def place(client, body=SHARED_1000, account_name="sandbox-full") -> str:
    response = post_order(client, body, account_name)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def status_url(order_id: str) -> str:
    return f"{BASE}/orders/{order_id}/status"


def proxy_list_url(subaccount_id, account_type: str) -> str:
    return f"{BASE}/{subaccount_id}/{account_type}/proxy-list"


def balance_of(account_name: str) -> Decimal:
    return Account.objects.get(name=account_name).balance


def set_balance(account_name: str, amount: Decimal) -> None:
    Account.objects.filter(name=account_name).update(balance=amount)


def wait_until_due(order_id: str) -> None:
    """Sleep exactly until the order falls due (and no longer)."""
    due = Order.objects.get(pk=order_id).due
    time.sleep(max(0.0, due - time.time()) + 0.02)


def move_clock(monkeypatch, to: float) -> None:
    """Make the sandbox's clock (and only the sandbox's) read ``to``.

    Build any JWT before calling this: PyJWT refuses an ``iat`` in its own future.
    """
    monkeypatch.setattr(services, "time", SimpleNamespace(time=lambda: to))
