"""The console's view of a sandbox's journal and faults: which sandboxes an owner may see
and change, and per entry the builder link, the comparison with what the builder would
send, and the call as cURL (the token a placeholder)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse

from playground import builder as builder_state
from playground.owners import Owner
from playground.sandbox import sandboxes
from playground.sandbox.models import JournalEntry, Sandbox
from playground.snippets.curl import sh_quote
from playground.snippets.options import PLACEHOLDERS
from playground.spec import ENDPOINTS

# The status path from the spec, its order id as a group (matched at the end of the path,
# which starts with the sandbox's base).
_BEFORE, _, _AFTER = ENDPOINTS["status"][1].partition("{order_id}")
STATUS_PATH = re.compile(f"{re.escape(_BEFORE)}(?P<order_id>[^/?]+){re.escape(_AFTER)}$")
MISSING = object()


# --- who may arm faults -------------------------------------------------------------------

def may_arm(owner: Owner, sandbox: Sandbox) -> bool:
    """Faults change what everyone using a sandbox gets: its owner and staff arm them; the
    shared public sandbox only staff, or anyone where the server is one person's laptop
    (``PLAYGROUND_AUTH=none``)."""
    if sandbox.is_public:
        return owner.staff or settings.PLAYGROUND_AUTH == "none"
    return sandboxes.managed(owner, sandbox.pk) is not None


# --- one entry ----------------------------------------------------------------------------

def body_text(entry: JournalEntry) -> str:
    return bytes(entry.body).decode("utf-8", errors="replace")


def received_json(entry: JournalEntry) -> Any:
    """The body parsed as JSON, or MISSING when it is not JSON."""
    try:
        return json.loads(bytes(entry.body))
    except (ValueError, RecursionError):
        return MISSING


def builder_url(entry: JournalEntry) -> str | None:
    """The same request in the builder, or None for an endpoint the builder does not make.
    A create opens in Raw JSON with the body as it arrived, so nothing is tidied away."""
    path = entry.path.partition("?")[0]
    query: dict[str, str] = {}
    if entry.endpoint == "create":
        query = {"endpoint": "create", "mode": "raw", "body": body_text(entry)}
    elif entry.endpoint == "balance":
        query = {"endpoint": "balance"}
    elif entry.endpoint == "status" and (match := STATUS_PATH.search(path)):
        query = {"endpoint": "status", "order_id": match["order_id"]}
    else:
        return None
    if entry.auth == "bearer":
        query["auth"] = "bearer"
    return f"{reverse('playground:index')}?{urlencode(query)}"


def as_curl(entry: JournalEntry, origin: str) -> str:
    """The call as cURL: method, URL, Content-Type and body as received; the credential in
    the form it came, as a placeholder."""
    lines = ["curl -sS" + (f" -X {entry.method}" if entry.method not in ("GET", "POST") else "")
             + f" {sh_quote(origin + entry.path)}"]
    if entry.auth == "bearer":
        lines.append(f"-H {sh_quote('Authorization: Bearer ' + PLACEHOLDERS['bearer'])}")
    elif entry.auth == "api-token":
        lines.append(f"-H {sh_quote('api-token: ' + PLACEHOLDERS['api-token'])}")
    content_type = next((v for k, v in entry.headers if k.lower() == "content-type"), "")
    if content_type:
        lines.append(f"-H {sh_quote('Content-Type: ' + content_type)}")
    if entry.body_size or entry.method == "POST":
        lines.append(f"--data-raw {sh_quote(body_text(entry))}")
    return " \\\n  ".join(lines)


# --- compare with the builder ---------------------------------------------------------

def json_type(value: Any) -> str:
    if value is MISSING:
        return "absent"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


@dataclass(frozen=True)
class FieldRow:
    name: str
    received: str
    received_type: str
    expected: str
    expected_type: str

    @property
    def same(self) -> bool:
        return (self.received, self.received_type) == (self.expected, self.expected_type)


@dataclass(frozen=True)
class Comparison:
    rows: list[FieldRow]
    problem: str = ""  # why there is nothing to compare with
    errors: list[str] | None = None  # what the builder's form says of these values

    @property
    def differences(self) -> int:
        return sum(not row.same for row in self.rows)


def _shown(value: Any) -> str:
    return "—" if value is MISSING else json.dumps(value, ensure_ascii=False)


def compare(entry: JournalEntry) -> Comparison:
    """What arrived against what the builder sends for the same product and values, field
    by field with JSON types (so ``"days": "30"`` against ``30`` shows)."""
    if entry.endpoint != "create":
        return Comparison([], problem="Only a placed order has a body to compare.")
    body = received_json(entry)
    if not isinstance(body, dict):
        return Comparison([], problem="The body that arrived is not a JSON object.")
    product = body.get("type")
    if not isinstance(product, str) or product not in builder_state.catalogue.PRODUCTS:
        return Comparison([], problem="The body names no product the builder knows "
                                      f"(type {_shown(body.get('type', MISSING))}).")
    query = QueryDict(mutable=True)
    query["endpoint"] = "create"
    reserved = (*builder_state.OPTION_KEYS, *builder_state.STRUCTURE_KEYS, "body")
    for key, value in body.items():
        if key not in reserved and isinstance(value, str | int | float | bool):
            query[key] = builder_state._query_value(value)
    built = builder_state.Builder.from_query(query)
    spec = built.spec
    if spec is None or spec.body is None:
        form = built.active_form
        errors = [f"{name}: {' '.join(map(str, messages))}"
                  for name, messages in (form.errors.items() if form is not None else ())]
        return Comparison(_rows(body, {}), problem="The builder would not send these values.",
                          errors=errors)
    return Comparison(_rows(body, spec.body))


def _rows(received: dict, expected: dict) -> list[FieldRow]:
    names = list(received) + [name for name in expected if name not in received]
    return [FieldRow(name, _shown(received.get(name, MISSING)),
                     json_type(received.get(name, MISSING)),
                     _shown(expected.get(name, MISSING)), json_type(expected.get(name, MISSING)))
            for name in names]
