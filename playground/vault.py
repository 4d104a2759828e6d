"""The user's API token, kept only in the server-side session, encrypted with Fernet.

Nothing else stores it: not the database outside the encrypted session, not logs (see
``playground.redaction``), not URLs, pages, snippets or history. Pages see a masked hint.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.conf import settings

from playground import redaction, snippets
from playground.api import Credential
from playground.secretbox import fernet as _fernet

SESSION_KEY = "playground.vault"
MAX_TOKEN_LENGTH = 4096


@dataclass(frozen=True)
class Stored:
    credential: Credential
    hint: str  # e.g. "••••full"
    saved_at: float


def token_problem(token: str) -> str:
    """Why ``token`` (as the user entered it, stripped) cannot be kept, or "" when it can.

    The one check of a token: stricter than what a header can carry
    (``snippets.token_problem``, which it ends with), so a kept token can always be written
    into a snippet as it is.
    """
    if not token:
        return "Enter a token first."
    if len(token) > MAX_TOKEN_LENGTH:
        return f"That is longer than any token ({MAX_TOKEN_LENGTH} characters at most)."
    if any(c.isspace() for c in token):
        return "A token has no spaces or line breaks inside it."
    if not token.isascii() or not token.isprintable():
        return "A token is plain ASCII text; this one has other characters."
    return snippets.token_problem(token) or ""


def looks_like_jwt(token: str) -> bool:
    """Three dot-separated parts, the first a base64url JSON object (``eyJ``)."""
    parts = token.split(".")
    return len(parts) == 3 and token.startswith("eyJ") and all(parts)


def mask(token: str) -> str:
    return "••••" + token[-4:] if len(token) > 8 else "••••"


def store(session, token: str, auth: str = "api-token") -> Stored:
    token = token.strip()
    payload = json.dumps({"token": token, "auth": auth}).encode()
    session[SESSION_KEY] = {
        "ciphertext": _fernet().encrypt(payload).decode(),
        "hint": mask(token),
        "auth": auth,
        "saved_at": time.time(),
    }
    session.set_expiry(settings.TOKEN_TTL)
    redaction.remember(token)
    return Stored(Credential(token, auth), mask(token), time.time())


def load(session) -> Stored | None:
    """The stored credential, or None when there is none or it has expired."""
    entry = session.get(SESSION_KEY)
    if not entry:
        return None
    try:
        payload = json.loads(_fernet().decrypt(entry["ciphertext"].encode(),
                                               ttl=settings.TOKEN_TTL))
    except (InvalidToken, KeyError, ValueError, TypeError):
        forget(session)
        return None
    redaction.remember(payload["token"])
    return Stored(Credential(payload["token"], payload["auth"]), entry["hint"],
                  entry["saved_at"])


def hint(session) -> dict | None:
    """What a page may show of the stored token: the mask and the header form."""
    entry = session.get(SESSION_KEY)
    if not entry:
        return None
    if time.time() - entry.get("saved_at", 0) > settings.TOKEN_TTL:
        forget(session)
        return None
    return {"hint": entry["hint"], "auth": entry["auth"]}


def forget(session) -> None:
    session.pop(SESSION_KEY, None)
