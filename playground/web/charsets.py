"""Requests whose declared charset Django cannot read, refused with the site's 400 page.

Django reads form bodies as UTF-8 only and raises ``BadRequest`` for any other charset;
its 400 and 500 handlers then run the CSRF check again, which reads the form again and
raises again, so the error escaped to the WSGI server as a bare 500 without the
security headers. A charset that names a codec that is not a text encoding (``rot13``,
``hex``) broke even the building of the request, before any middleware ran
(``CharsetSafeWSGIRequest`` fixes that part). The middleware runs after every other
middleware's request part and before the CSRF check, and answers such a request itself:
a 400 page with every header the site sets.
"""

from __future__ import annotations

import codecs

from django.core.handlers.wsgi import WSGIRequest
from django.shortcuts import render
from django.urls import Resolver404, resolve

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _is_text_encoding(name: str) -> bool:
    try:
        "".encode(name)
    except LookupError:  # unknown, or a bytes-to-bytes codec such as "hex"
        return False
    return True


def charset_problem(request) -> str | None:
    """What is wrong with the request's declared charset, or None when it can be read.

    A form must be UTF-8 (Django reads no other); elsewhere an unknown name is ignored, as
    Django ignores it, and only a codec that is not a text encoding is refused."""
    charset = request.content_params.get("charset")
    if charset is None:
        return None
    if request.method == "POST" and request.content_type in FORM_TYPES:
        if charset.lower() == "utf-8":  # Django's own test: "utf8" is refused too
            return None
        return (f"The form was sent as “{charset[:40]}”, but this site reads forms in "
                "UTF-8 only. Reload the page and send it again.")
    if _is_codec(charset) and not _is_text_encoding(charset):
        return (f"The request declares the charset “{charset[:40]}”, which is not a text "
                "encoding.")
    return None


def _is_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


class CharsetSafeWSGIRequest(WSGIRequest):
    """Django's WSGI request, except that a charset naming a codec that is not a text
    encoding no longer raises while the request is built (before any middleware could
    answer): the request is read as UTF-8 and ``RequestCharsetMiddleware`` refuses it."""

    def _set_content_type_params(self, meta):
        try:
            super()._set_content_type_params(meta)
        except LookupError:  # the encoding setter re-reads the query string with it
            self._encoding = None


class RequestCharsetMiddleware:
    """Last in MIDDLEWARE: every other middleware has seen the request (the access gate
    included) and adds its headers to the 400, and no view or CSRF check has run yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = charset_problem(request)
        if problem is None or _csrf_exempt(request):  # the sandbox API reads its own body
            return self.get_response(request)
        return render(request, "400.html", {"reason": problem}, status=400)


def _csrf_exempt(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "csrf_exempt", False)
