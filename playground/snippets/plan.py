"""What a complete script does, said once for every language: a ``Plan``.

A complete script defines its constants (the API base, the token, and what its steps need:
the polling limits, the order id, the proxy-list path), the payload, the helpers its steps
use (one JSON call; waiting for a terminal status), then runs its steps in order. Each
language module turns the same plan into its own code, step by step; a new language writes
each part once and gets every endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from playground.snippets.options import SnippetOptions, Token
from playground.spec import ENDPOINTS, TERMINAL_STATUSES, RequestSpec

SETTLED = TERMINAL_STATUSES
POLL_SECONDS = 1.5
TIME_LIMIT = 60  # seconds a full script waits for an order to settle
FILE_STEMS = {"create": "place-order", "status": "order-status", "balance": "balance",
              "proxy-list": "proxy-list"}

# The steps of a script's main part.
PLACE = "place"  # POST the payload; the answer's data is the order id; print it
GIVEN = "given"  # take the order id from ORDER_ID; print it
WAIT = "wait"  # poll the order's status until it settles, then report how it ended
BALANCE = "balance"  # read the wallet and print the balance
PROXY_LIST = "proxy-list"  # fetch the plain-text list; print the count, then each proxy

STEPS = {"create": (PLACE, WAIT), "status": (GIVEN, WAIT), "balance": (BALANCE,),
         "proxy-list": (PROXY_LIST,)}

# The JSON helper a script defines: "send" takes a method, a path and maybe a body; "get"
# only a path. The proxy list is plain text, so its script has no JSON helper.
CALLS = {"create": "send", "status": "get", "balance": "get", "proxy-list": None}

_PURPOSES = {
    "create": "Place an order, then poll its status every {poll} s until it settles "
              "(at most {limit} s).",
    "status": "Poll an order's status every {poll} s until it settles (at most {limit} s).",
    "balance": "Read the wallet balance that API orders are paid from.",
    "proxy-list": "Fetch a subaccount's proxy list and print it, one ip:port a line.",
}

# Characters left as they are in a URL path; anything else in an order id is %-encoded.
_PATH_SAFE = "-._~!$&'()*+,;=:@"


@dataclass(frozen=True)
class Plan:
    """One complete script, in the terms every language writes it in."""

    stem: str  # the download name, without the language's extension
    purpose: str  # the one-line comment at the top
    base_url: str
    token: Token
    header: str  # the auth header's name
    prefix: str  # what comes before the token in its value ("Bearer " or nothing)
    body: object  # the JSON body as a value (None: no body) ...
    body_text: str | None  # ... and the exact text the script must send
    order_id: str | None  # GIVEN: the order to poll, %-encoded for a URL path
    proxy_list_path: str | None  # PROXY_LIST: the path and query to fetch
    call: str | None  # the JSON helper: "send", "get" or None
    steps: tuple[str, ...]

    @property
    def polls(self) -> bool:
        return WAIT in self.steps


def plan(spec: RequestSpec, options: SnippetOptions) -> Plan:
    steps = STEPS[spec.endpoint]
    return Plan(
        stem=FILE_STEMS[spec.endpoint],
        purpose=_PURPOSES[spec.endpoint].format(poll=POLL_SECONDS, limit=TIME_LIMIT),
        base_url=options.base_url,
        token=options.source,
        header=options.header_name,
        prefix=options.header_prefix,
        body=spec.body,
        body_text=spec.body_text,
        order_id=order_id(spec) if GIVEN in steps else None,
        proxy_list_path=url_path(spec) if PROXY_LIST in steps else None,
        call=CALLS[spec.endpoint],
        steps=steps,
    )


def url_path(spec: RequestSpec) -> str:
    """``spec.path`` with the order id %-encoded where a URL needs it (a UUID needs none),
    and the query string the endpoint takes, if any."""
    if spec.endpoint == "proxy-list":
        return f"{spec.path}?{spec.query}"
    return ENDPOINTS[spec.endpoint][1].format(order_id=order_id(spec))


def endpoint_path(endpoint: str, order_id: str = "") -> str:
    """The endpoint's path from the spec, as a script writes it: ``order_id`` is the
    script's own expression for the id (``{order_id}`` inside a Python f-string,
    ``${orderId}`` inside a JavaScript template, ``$order_id`` in bash)."""
    return ENDPOINTS[endpoint][1].replace("{order_id}", order_id)


def order_id(spec: RequestSpec) -> str:
    return quote(spec.order_id or "", safe=_PATH_SAFE)


def fill(template: str, **values: str) -> str:
    """Replace each ``<<NAME>>`` in one pass, so no value is ever read as a marker."""
    return re.sub(r"<<([A-Z_]+)>>", lambda m: values[m.group(1)], template)


def blocks(*parts: str, blank_lines: int = 1) -> str:
    """Join blocks of code with ``blank_lines`` empty lines between them, skipping empty ones."""
    kept = [b.strip("\n") for b in parts if b]
    return ("\n" * (blank_lines + 1)).join(kept) + "\n"
