"""Helpers for the per-owner sandbox tests (this module holds no tests): a console client
per owner in each auth mode, and the tokens its console shows."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.test import Client

from playground.sandbox.models import Account, Sandbox
from tests.html_support import by_id

CONSOLE = "/sandbox/"
NEW = "/sandbox/console/sandboxes/new"
MODES = ("none", "login", "remote-user")


def owner_client(mode: str, name: str, *, staff: bool = False) -> Client:
    """A browser of person ``name`` in auth ``mode`` (the setting must say the same)."""
    client = Client()
    if mode == "login":
        user = get_user_model().objects.create_user(name, f"{name}@example.com", "pw-" + name,
                                                    is_staff=staff)
        client.force_login(user)
    elif mode == "remote-user":
        if staff:
            get_user_model().objects.create_user(name, is_staff=True)
        client.defaults["HTTP_X_FORWARDED_USER"] = name
    return client


def current(client: Client) -> Sandbox:
    """The sandbox this person's console shows; an anonymous visitor who has none yet
    makes "My sandbox" first (a signed-in user's first visit makes it)."""
    response = client.get(CONSOLE)
    assert response.status_code == 200
    if response.context["own_count"] == 0:
        assert response.context["sandbox"].is_public
        assert client.post(NEW, {"name": "My sandbox"}).status_code == 302
        response = client.get(CONSOLE)
    return response.context["sandbox"]


def account_of(sandbox: Sandbox, kind: str) -> Account:
    return sandbox.accounts.get(kind=kind)


def reveal(client: Client, account: Account) -> str:
    """The token the console shows when its owner asks for it."""
    response = client.post("/sandbox/console/tokens/reveal", {"account": account.pk})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    [shown] = by_id(response.content, f"token-{account.pk}")
    return shown["text"]


def token(client: Client, kind: str = "full") -> str:
    return reveal(client, account_of(current(client), kind))


TOKEN_SHAPE = re.compile(r"^sbx_[A-Za-z0-9_-]{32}$")
