"""Every error text the API (or the sandbox, where the vendor page is silent) answers, by
endpoint and status, as the OpenAPI document and the probes quote them.

The texts are imported from where the code that answers them keeps them; nothing here
types one out again.
"""

from __future__ import annotations

from playground import spec
from playground.sandbox import api_views, prices
from playground.sandbox import services as sandbox

INVALID_COUPON = prices.INVALID_COUPON

UNAUTHENTICATED = sandbox.UNAUTHENTICATED
NO_SUCH_ENDPOINT = api_views.NO_SUCH_ENDPOINT

# endpoint -> status -> [(example name, text, documented by the vendor?)]
ERRORS: dict[str, dict[int, list[tuple[str, str, bool]]]] = {
    "create": {
        400: [("pricing", spec.ERROR_PRICING, True),
              ("insufficient_balance", spec.ERROR_INSUFFICIENT_BALANCE, True),
              ("invalid_coupon", INVALID_COUPON, False),
              ("not_a_json_object", sandbox.BAD_BODY, False),
              ("body_too_large", sandbox.BODY_TOO_LARGE, False),
              ("bad_override", sandbox.BAD_OVERRIDE, False)],
        401: [("unauthenticated", UNAUTHENTICATED, True)],
        403: [("no_write_permission", sandbox.NO_WRITE, True)],
    },
    "status": {
        401: [("unauthenticated", UNAUTHENTICATED, True)],
        403: [("no_read_permission", sandbox.NO_READ_STATUS, True)],
        404: [("order_not_found", sandbox.ORDER_NOT_FOUND, True)],
    },
    "balance": {
        401: [("unauthenticated", UNAUTHENTICATED, True)],
        403: [("no_read_permission", sandbox.NO_READ_BALANCE, False)],
    },
    "me": {401: [("unauthenticated", UNAUTHENTICATED, True)]},
    "subaccounts": {401: [("unauthenticated", UNAUTHENTICATED, True)]},
    "proxy-list": {
        401: [("unauthenticated", UNAUTHENTICATED, True)],
        404: [("subaccount_not_found", sandbox.SUBACCOUNT_NOT_FOUND, False)],
    },
}


def method_not_allowed(method: str) -> str:
    """The sandbox's 405 text (assumed: the vendor page names no 405)."""
    return api_views.NOT_ALLOWED.format(method=method)
