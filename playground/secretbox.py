"""The project's one encryption at rest: Fernet, keyed by ``TOKEN_ENCRYPTION_KEY``.

The vault seals the user's token in the session with it; the sandbox seals its accounts'
generated tokens with it. A plain helper: it knows settings, not requests or sessions.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def fernet() -> Fernet:
    key = settings.TOKEN_ENCRYPTION_KEY
    if not key:  # development and tests only: production requires its own key
        digest = hashlib.sha256(f"vault:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def seal(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The text sealed in ``sealed``, or None when it cannot be read (another key, damage)."""
    try:
        return fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None
