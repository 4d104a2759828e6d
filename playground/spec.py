"""The one description of a request the playground can make.

The builder produces a ``RequestSpec``; the snippet generators print it; the API client
sends it; history stores it. So the code a user copies is the request the playground sent.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qsl, quote

ENDPOINTS = {
    "create": ("POST", "/v4/account/orders/create", "Place order"),
    "status": ("GET", "/v4/account/orders/{order_id}/status", "Order status"),
    "balance": ("GET", "/v4/account/orders/balance", "Balance"),
}
# The next step after an order: a subaccount's proxy list (not a builder endpoint).
PROXY_LIST = ("GET", "/v4/account/{subaccount_id}/{account_type}/proxy-list", "Proxy list")
PROXY_LIST_QUERY = "type=getproxies&protocol=http&format=normal"
AUTH_FORMS = ("api-token", "bearer")
# Reads the playground makes for itself (the header's wallet): not builder endpoints.
ACCOUNT_READS = {
    "me": ("GET", "/v4/account/auth/me", "Who am I"),  # assumed path (CONTRACT 1)
    "subaccounts": ("GET", "/v4/account/subaccounts", "Subaccounts"),  # assumed shape
}
_ALL_ENDPOINTS = {**ENDPOINTS, "proxy-list": PROXY_LIST, **ACCOUNT_READS}

# Order statuses (CONTRACT 3): ``paid`` waits for the processor; the others are final.
PAID = "paid"
TERMINAL_STATUSES = ("processed", "blocked", "failed", "refunded")
ORDER_STATUSES = (PAID, *TERMINAL_STATUSES)

# The permission each endpoint needs (CONTRACT 1).
PERMISSIONS = {"create": "account:api_ordering:write", "status": "account:api_ordering:read",
               "balance": "account:api_ordering:read"}

# The API's error texts the playground reacts to (CONTRACT 2), exactly as the API sends them.
ERROR_PRICING = "Missing or invalid pricing configuration."
ERROR_INSUFFICIENT_BALANCE = "Insufficient wallet balance."


_ACCOUNT_TYPE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a slug, as the sandbox's route takes


def subaccount_problem(subaccount_id: str, account_type: str) -> str | None:
    """Why these ids (from the API) cannot go into a URL, or None: the AccountID must be a
    UUID and the AccountType a slug, so neither can be ``..`` or carry a path or query."""
    try:
        canonical = str(uuid.UUID(subaccount_id)) == str(subaccount_id).lower()
    except (ValueError, TypeError, AttributeError):
        canonical = False
    if not canonical:
        return "The AccountID is not a UUID."
    if not isinstance(account_type, str) or not _ACCOUNT_TYPE.fullmatch(account_type):
        return "The AccountType is not a plain name (letters, digits, _ and -)."
    return None


def proxy_list_path(subaccount_id: str, account_type: str) -> str:
    """The proxy-list path, each id kept to one segment. Ids the API answered go through
    ``subaccount_problem`` first: ``..`` is one segment, but one that changes the path."""
    return PROXY_LIST[1].format(subaccount_id=quote(subaccount_id, safe=""),
                                account_type=quote(account_type, safe=""))


def body_text(body: dict) -> str:
    """The exact JSON text sent for a body: what the preview shows, byte for byte."""
    return json.dumps(body, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class RequestSpec:
    endpoint: str  # a key of ENDPOINTS, or "proxy-list" (the step after an order)
    body: dict | None = None  # create only
    order_id: str | None = None  # status only
    subaccount: tuple[str, str] | None = None  # proxy-list only: (AccountID, AccountType)

    @property
    def method(self) -> str:
        return _ALL_ENDPOINTS[self.endpoint][0]

    @property
    def path(self) -> str:
        """The path; a subaccount's ids (from the API) are %-encoded, one segment each."""
        if self.endpoint == "proxy-list":
            assert self.subaccount is not None
            return proxy_list_path(*self.subaccount)
        return _ALL_ENDPOINTS[self.endpoint][1].format(order_id=self.order_id)

    @property
    def query(self) -> str:
        return PROXY_LIST_QUERY if self.endpoint == "proxy-list" else ""

    @property
    def params(self) -> dict[str, str]:
        """The query as the client passes it to httpx (which encodes it back to ``query``)."""
        return dict(parse_qsl(self.query))

    @property
    def label(self) -> str:
        return _ALL_ENDPOINTS[self.endpoint][2]

    @cached_property
    def body_text(self) -> str | None:
        """Dumped once per spec (a spec is plain data: nobody changes its body)."""
        return None if self.body is None else body_text(self.body)

    @classmethod
    def create(cls, body: dict) -> RequestSpec:
        return cls("create", body=body)

    @classmethod
    def status(cls, order_id: str) -> RequestSpec:
        return cls("status", order_id=order_id)

    @classmethod
    def balance(cls) -> RequestSpec:
        return cls("balance")

    @classmethod
    def me(cls) -> RequestSpec:
        return cls("me")

    @classmethod
    def subaccounts(cls) -> RequestSpec:
        return cls("subaccounts")

    @classmethod
    def proxy_list(cls, account_id: str, account_type: str) -> RequestSpec:
        return cls("proxy-list", subaccount=(account_id, account_type))
