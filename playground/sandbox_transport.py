"""An httpx transport that hands the client's requests to the embedded sandbox in process."""

from __future__ import annotations

import io
import uuid
from typing import Any, cast
from urllib.parse import unquote

import httpx
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import resolve
from django.urls.exceptions import Resolver404

from playground import redaction
from playground.sandbox import chaos, journal


class SandboxTransport(httpx.BaseTransport):
    """Dispatches requests straight to the sandbox's views, in this process and thread.

    So a playground request never waits for a free server thread to answer itself, and
    the sandbox works behind any proxy or inside a container. The same views answer over
    real HTTP under ``/sandbox`` for curl and for snippets.
    """

    urlconf = "playground.sandbox.api_urls"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        path = unquote(request.url.path)
        prefix = "/sandbox/"
        relative = path[len(prefix):] if path.startswith(prefix) else path.lstrip("/")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": request.url.query.decode("ascii"),
            "SERVER_NAME": request.url.host,
            "SERVER_PORT": str(request.url.port or 80),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": request.url.scheme,
            journal.IN_PROCESS: True,  # the journal's client; a lost answer raises below
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ[key] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value
        django_request = WSGIRequest(environ)
        # Django's handler reads both when a request carries them; the stubs do not list them.
        django_request.urlconf = self.urlconf  # type: ignore[attr-defined]
        django_request.exception_reporter_filter = (  # type: ignore[attr-defined]
            redaction.REPORT_FILTER)

        def dispatch(req: HttpRequest) -> HttpResponseBase:
            match = resolve("/" + relative, urlconf=self.urlconf)
            return cast(HttpResponseBase, match.func(req, *match.args, **match.kwargs))

        try:  # dispatch is synchronous, so the wrapper answers a response, never an awaitable
            response = cast(HttpResponseBase,
                            convert_exception_to_response(dispatch)(django_request))
        except Resolver404:  # pragma: no cover - the urlconf has a catch-all
            return httpx.Response(404, json={"success": False, "error": "No such endpoint."})
        if not response.has_header("X-Request-ID"):  # as over HTTP, where the logs add it
            response["X-Request-ID"] = uuid.uuid4().hex
        if chaos.is_dropped(response):  # what httpx raises when a server closes unanswered
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.",
                                            request=request)
        content = b"".join(response) if response.streaming \
            else cast(HttpResponse, response).content
        return httpx.Response(response.status_code, headers=list(response.items()),
                              content=content, request=request)
