"""``reverse`` for the few fixed URLs the preview names on every keystroke.

Django works a URL out from its pattern on every call (tens of microseconds each; a preview
names six). The patterns do not change while the process runs, so the answer depends only
on the name, the arguments, the script prefix (``FORCE_SCRIPT_NAME`` or the server's
``SCRIPT_NAME``) and the URLconf in use, which are the cache's key.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse


def fixed_url(name: str, *args: str) -> str:
    """``reverse(name, args=args)``, worked out once per prefix (for names and arguments
    the code chooses, never for input: the cache is bounded but shared)."""
    return _reverse(name, args, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=256)
def _reverse(name: str, args: tuple[str, ...], prefix: str, urlconf: str | None) -> str:
    return reverse(name, args=args, urlconf=urlconf)
