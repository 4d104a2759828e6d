"""Requests as a Postman collection (format v2.1) and the environment file it runs with.

The collection never holds the token: every request's auth header reads the
``{{api_token}}`` variable. The environment file leaves it empty unless the user asks for
their stored token in it (``environment(..., token=...)``), as the snippets' "Include my
token" does. A placed order's test
script checks ``success`` and saves the order id; the status request that follows reads it
and asks again (``postman.setNextRequest``) until the order is final, so Newman or the
Postman runner play the pair as the playground's own flow does.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qsl

from playground import spec as specs
from playground.spec import RequestSpec

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
BASE_VAR, TOKEN_VAR, ORDER_VAR, POLL_VAR = "base_url", "api_token", "order_id", "poll_ms"
POLL_MS = 1500  # the contract: poll every 1-2 s
MAX_POLLS = 60
COLLECTION_NAME = "ProxyScrape API ordering (from the playground)"


@dataclass(frozen=True)
class Request:
    """One request to export: what it asks, and the header form its token travels in."""

    spec: RequestSpec
    auth: str = "api-token"
    name: str = ""


def _auth_header(auth: str) -> dict:
    if auth == "bearer":
        return {"key": "Authorization", "value": f"Bearer {{{{{TOKEN_VAR}}}}}"}
    return {"key": "api-token", "value": f"{{{{{TOKEN_VAR}}}}}"}


def _url(path: str, query: str) -> dict:
    raw = f"{{{{{BASE_VAR}}}}}{path}" + (f"?{query}" if query else "")
    url: dict = {"raw": raw, "host": [f"{{{{{BASE_VAR}}}}}"],
                 "path": [segment for segment in path.split("/") if segment]}
    if query:
        url["query"] = [{"key": k, "value": v} for k, v in parse_qsl(query)]
    return url


def _script(kind: str, lines: list[str]) -> dict:
    return {"listen": kind, "script": {"type": "text/javascript", "exec": lines}}


def _create_tests() -> list[str]:
    return [
        "const body = pm.response.json();",
        "pm.test('the order was placed (success is true)', function () {",
        "    pm.expect(body.success, body.error).to.eql(true);",
        "    pm.expect(body.data).to.be.a('string');",
        "});",
        "if (body.success === true) {",
        f"    pm.collectionVariables.set('{ORDER_VAR}', body.data);",
        "}",
        "pm.collectionVariables.unset('polls');",
    ]


def _status_tests(terminal: tuple[str, ...]) -> list[str]:
    return [
        "const body = pm.response.json();",
        "pm.test('the status was read (success is true)', function () {",
        "    pm.expect(body.success, body.error).to.eql(true);",
        "});",
        "const status = body.success === true ? body.data.status : null;",
        "const polls = Number(pm.collectionVariables.get('polls') || 0) + 1;",
        f"if (status === '{specs.PAID}' && polls < {MAX_POLLS}) {{",
        "    pm.collectionVariables.set('polls', polls);",
        "    postman.setNextRequest(pm.info.requestName);  // ask again after the wait",
        "} else {",
        "    pm.collectionVariables.unset('polls');",
        f"    pm.test('the order reached a final status ({', '.join(terminal)})', function () {{",
        f"        pm.expect({json.dumps(list(terminal))}).to.include(status);",
        "    });",
        "    pm.test('the order was processed', function () {",
        "        pm.expect(status, body.data && body.data.block_reason).to.eql('processed');",
        "    });",
        "}",
    ]


def _status_wait() -> list[str]:
    return [
        "// Between two reads of a paid order, wait as the playground does.",
        "if (pm.collectionVariables.get('polls')) {",
        f"    const wait = Number(pm.environment.get('{POLL_VAR}') || {POLL_MS});",
        "    setTimeout(function () {}, wait);",
        "}",
    ]


def _item(name: str, method: str, path: str, query: str, auth: str, body_text: str | None,
          events: list[dict]) -> dict:
    headers = [_auth_header(auth)]
    request: dict = {"method": method, "header": headers, "url": _url(path, query)}
    if body_text is not None:
        headers.append({"key": "Content-Type", "value": "application/json"})
        request["body"] = {"mode": "raw", "raw": body_text,
                           "options": {"raw": {"language": "json"}}}
    item: dict = {"name": name, "request": request}
    if events:
        item["event"] = events
    return item


def items_for(request: Request, number: int) -> list[dict]:
    """The collection items for one request: a create is followed by the status request
    that reads the id it saved and polls it to the end."""
    spec = request.spec
    name = f"{number}. {request.name or spec.label}"
    if spec.endpoint == "create":
        create = _item(name, spec.method, spec.path, spec.query, request.auth, spec.body_text,
                       [_script("test", _create_tests())])
        status_path = specs.RequestSpec.status(f"{{{{{ORDER_VAR}}}}}").path
        follow = _item(f"{number}. Order status (of the order just placed)", "GET",
                       status_path, "", request.auth, None,
                       [_script("prerequest", _status_wait()),
                        _script("test", _status_tests(specs.TERMINAL_STATUSES))])
        return [create, follow]
    events = []
    if spec.endpoint == "status":
        events = [_script("prerequest", _status_wait()),
                  _script("test", _status_tests(specs.TERMINAL_STATUSES))]
    else:
        events = [_script("test", [
            "pm.test('the API answered 200', function () {",
            "    pm.response.to.have.status(200);",
            "});"])]
    return [_item(name, spec.method, spec.path, spec.query, request.auth, spec.body_text,
                  events)]


def collection(requests: list[Request], *, name: str = COLLECTION_NAME) -> dict:
    items: list[dict] = []
    for number, request in enumerate(requests, start=1):
        items.extend(items_for(request, number))
    return {
        "info": {"_postman_id": str(uuid.uuid4()), "name": name, "schema": SCHEMA_URL,
                 "description": "Exported by the API playground. Set api_token in the "
                                "environment (it is empty in the file) before running."},
        "item": items,
        "variable": [{"key": ORDER_VAR, "value": ""}],
    }


def environment(base_url: str, *, name: str, token: str = "") -> dict:
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "values": [
            {"key": BASE_VAR, "value": base_url.rstrip("/"), "type": "default",
             "enabled": True},
            {"key": TOKEN_VAR, "value": token, "type": "secret", "enabled": True},
            {"key": POLL_VAR, "value": str(POLL_MS), "type": "default", "enabled": True},
        ],
        "_postman_variable_scope": "environment",
    }


def spec_of_call(call) -> RequestSpec | None:
    """The request a History row (``playground.models.Call``) sent, or None for one this
    export cannot describe."""
    if call.endpoint == "create" and isinstance(call.request_body, dict):
        return RequestSpec.create(call.request_body)
    if call.endpoint == "status" and call.order_id:
        return RequestSpec.status(str(call.order_id))
    if call.endpoint in ("balance", "me", "subaccounts"):
        return RequestSpec(call.endpoint)
    if call.endpoint == "proxy-list":
        parts = call.path.strip("/").split("/")  # v4/account/<id>/<type>/proxy-list
        if len(parts) == 5 and specs.subaccount_problem(parts[2], parts[3]) is None:
            return RequestSpec.proxy_list(parts[2], parts[3])
    return None
