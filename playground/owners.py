"""Who owns history rows and orders: an ``Owner``, resolved once per request by the view.

Services take an ``Owner``, never a request, so they run the same from a view, a
management command or a test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

OWNER_KEY = "playground.owner"


@dataclass(frozen=True)
class Owner:
    """``id`` is ``user:<pk>`` for a signed-in user, else ``session:<hex>`` for a browser
    session; ``user`` is the signed-in user or None; ``staff`` users see every owner's
    history and orders."""

    id: str
    user: Any = None  # the signed-in user (AUTH_USER_MODEL), or None
    staff: bool = False


def owner_for(request: HttpRequest, *, create: bool = False) -> Owner:
    """The owner of this request: the signed-in user, else this browser session.

    Reading makes no session (a visitor who only looks owns nothing, and a new owner matches
    no row); ``create`` gives the session its owner, for a row about to be written.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Owner(id=f"user:{user.pk}", user=user, staff=bool(user.is_staff))
    owner = request.session.get(OWNER_KEY)
    if not owner:
        owner = f"session:{uuid.uuid4().hex}"
        if create:
            request.session[OWNER_KEY] = owner
    return Owner(id=owner)
