"""Helpers for the live-calls tests (tests/test_live_*.py): a secret token that works
against the sandbox, form posts as the browser sends them, and a fake upstream API built
on ``httpx.MockTransport``."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable

import httpx
from django.test import Client

from playground import api
from playground.sandbox.models import Account, Order, hash_token

# Long and distinctive, so a leak anywhere is found by a plain substring search.
TOKEN = "pgLIVE-7f3c9a1e-d24b-4c88-9e51-b6a0f2c4d7e9-QmV5cnV0aFNlY3JldA-zz81"
HX = {"HTTP_HX_REQUEST": "true"}
UPSTREAM = "http://upstream.test"

CREATE_FIELDS = {
    "endpoint": "create",
    "type": "new_datacenter_shared",
    "country": "Belgium",
    "is_subscription": "true",
    "days": "30",
    "proxies_location": "mixed",
    "proxies_size": "1000",
    "bandwidth": "0",
}
CREATE_BODY = {"type": "new_datacenter_shared", "country": "Belgium", "is_subscription": True,
               "days": 30, "proxies[mixed]": 1000, "bandwidth": 0}
BALANCE_FIELDS = {"endpoint": "balance"}


def secret_account(token: str = TOKEN, *, name: str = "secret", balance: str = "250.00",
                   can_read: bool = True, can_write: bool = True,
                   discount: str = "0") -> Account:
    """A sandbox account whose token is ``token`` (stored hashed, as the sandbox does)."""
    return Account.objects.create(
        name=name, token_hash=hash_token(token), token_hint=token[-4:],
        email=f"{name}@example.com", fname="Secret", lname="Tester", can_read=can_read,
        can_write=can_write, balance=balance, discount_percent=discount)


def page(response) -> str:
    """A response's text as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def words(response) -> str:
    """A response's visible text: tags dropped, entities decoded, whitespace collapsed."""
    text = re.sub(r"</?(?:code|strong|em|span|a|time)\b[^>]*>", "", response.content.decode())
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def use_token(client: Client, token: str = TOKEN, auth: str = "api-token"):
    response = client.post("/token", {"token": token, "auth": auth}, **HX)
    assert response.status_code == 200
    return response


def rendered_key(client: Client) -> str:
    """The submission key of a freshly rendered playground page."""
    return client.get("/").context["submission_key"]


def send(client: Client, fields: dict | None = None, *, key: str | None = None, **extra):
    data = {**(CREATE_FIELDS if fields is None else fields)}
    data["submission_key"] = key if key is not None else rendered_key(client)
    data.update(extra)
    return client.post("/send", data, **HX)


def last_order_id(client: Client) -> str:
    from playground.models import Call

    call = Call.objects.filter(endpoint="create", outcome="ok").first()
    assert call is not None and call.order_id
    return str(call.order_id)


def fall_due(order_id: str) -> None:
    """Let the sandbox's processor finish this order now (no sleeping in tests)."""
    Order.objects.filter(pk=order_id).update(due=time.time() - 1)


class Upstream:
    """A fake API for ``httpx.MockTransport``: answers by (method, path), counts requests.

    ``routes`` maps "METHOD /path" (below the API base) to a response or a callable
    returning one (or raising an httpx exception). Unrouted requests get a 404 envelope.
    """

    def __init__(self, routes: dict[str, object] | None = None):
        self.routes: dict[str, object] = dict(routes or {})
        self.counts: Counter[str] = Counter()
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = f"{request.method} {request.url.raw_path.decode().partition('?')[0]}"
        with self._lock:
            self.counts[key] += 1
            self.requests.append(request)
        answer = self.routes.get(key)
        if answer is None:
            return httpx.Response(404, json={"success": False, "error": "No such endpoint."})
        if callable(answer):
            answer = answer(request)
        return answer

    def client(self) -> api.AccountApi:
        return api.AccountApi(UPSTREAM, transport=httpx.MockTransport(self))


def install_upstream(settings, upstream: Upstream) -> api.AccountApi:
    """Point the playground at the fake upstream (live mode) and return its client."""
    settings.PROXYSCRAPE_API_BASE = UPSTREAM
    client = upstream.client()
    api.clients.override(client)
    return client


def ok(data, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json={"success": True, "data": data})


def fail(status: int, error: str) -> httpx.Response:
    return httpx.Response(status, json={"success": False, "error": error})


def raising(exc_factory: Callable[[httpx.Request], Exception]):
    def answer(request):
        raise exc_factory(request)
    return answer


CREATE = "POST /v4/account/orders/create"
BALANCE = "GET /v4/account/orders/balance"
ME = "GET /v4/account/auth/me"


def status_path(order_id: str) -> str:
    return f"GET /v4/account/orders/{order_id}/status"


def wallet_routes(balance: float = 42.5) -> dict[str, object]:
    return {BALANCE: ok({"balance": balance, "currency": "USD"}),
            ME: ok({"email": "e@example.com", "api_ordering_discount": 0})}


def as_json(response) -> dict:
    return json.loads(response.content)
