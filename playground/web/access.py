"""Who may use the playground (settings.PLAYGROUND_AUTH).

- ``none``: anyone who can reach it (one person on a laptop).
- ``login``: Django's own accounts; every page and fragment, the sandbox console included,
  requires a signed-in user.
- ``remote-user``: a reverse proxy doing SSO sets a trusted header with the user name
  (settings.REMOTE_USER_HEADER); the header is ignored in every other mode.

Always open: the health check, static files, the login page, and the sandbox's HTTP API
(it authenticates every call with its own tokens, so snippets work from a terminal).
"""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.shortcuts import render, resolve_url

from playground.web import logs

OPEN_PREFIXES = ("/healthz", "/static/", "/accounts/login/", "/sandbox/v4/")
OPEN_PATHS = ("/sandbox/journal",)  # the journal feed: its tokens authenticate it


def client_address(request) -> str | None:
    """The peer's address for the sign-in throttle (django-axes): the socket's, as the
    WSGI server reports it, never a forwarded header a client could set."""
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: a page that says why and for how long."""
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    return render(request, "registration/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}, status=429)


class RemoteUserMiddleware(auth_middleware.RemoteUserMiddleware):
    """Django's RemoteUserMiddleware, with a configurable header, active only in
    ``remote-user`` mode."""

    # Django reads self.header and never assigns it; a property (not the stubs' plain
    # attribute) follows the setting per request, which override_settings relies on.
    @property
    def header(self) -> str:  # type: ignore[override]
        """The META key of settings.REMOTE_USER_HEADER (read per request, never stored on
        the shared middleware instance)."""
        return "HTTP_" + settings.REMOTE_USER_HEADER.upper().replace("-", "_")

    def process_request(self, request):
        if settings.PLAYGROUND_AUTH != "remote-user":
            return None
        return super().process_request(request)


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        logs.bind_user(request)
        mode = settings.PLAYGROUND_AUTH
        # path_info, not path: the resolver routes on path_info, and path also holds the
        # script name, so a forged one must not make a protected page look open.
        if mode == "none" or request.path_info.startswith(OPEN_PREFIXES) \
                or request.path_info in OPEN_PATHS:
            return self.get_response(request)
        if request.user.is_authenticated:
            return self.get_response(request)
        if mode == "remote-user":
            return HttpResponse("Sign in through your company's single sign-on first: this "
                                "server expects the proxy to identify you.\n", status=403,
                                content_type="text/plain; charset=utf-8")
        if request.headers.get("HX-Request"):
            response = HttpResponse("Your session ended: sign in again.", status=401)
            response["HX-Redirect"] = (f"{resolve_url(settings.LOGIN_URL)}"
                                       f"?next={resolve_url('playground:index')}")
            return response
        return redirect_to_login(request.get_full_path())


class HealthCheckMiddleware:
    """Lets /healthz through where the rest of the stack would turn it away: a container's
    health check calls 127.0.0.1 over plain HTTP, whatever ALLOWED_HOSTS and the HTTPS
    redirect say. Any other health check takes the ordinary path, like every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD") and (
                _refused_host(request) or (settings.SECURE_SSL_REDIRECT
                                           and not request.is_secure())):
            from playground.views.health import healthz

            return healthz(request)
        return self.get_response(request)


def _refused_host(request) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return True
    return False
