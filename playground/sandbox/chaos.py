"""Faults on demand: what a sandbox's owner arms for the next calls, and how they fire.

(Not to be confused with ``playground.faults``, the API client's table of what can go
wrong on its side: these are the sandbox's way of making such things happen.)

A fault is armed for the next N calls to one endpoint (or any) of one sandbox, and fires
only on calls that authenticated as an account of that sandbox. A call takes one armed
fault with a conditional UPDATE on its remaining count, so a fault armed once fires once
however many calls race for it. Kinds that do not "lose the answer" answer instead of the
API (nothing is placed or read); the two that lose the answer let the call do its work
(the order is placed and the wallet debited) and then drop the answer or replace it.

Dropping the connection over real HTTP: the view takes the client's socket from the WSGI
environ (gunicorn's ``gunicorn.socket``; under Django's development and test servers, the
socket behind ``wsgi.input``), sets SO_LINGER to 0 and shuts it down, so the client reads
end of stream with no byte of an answer (curl: "Empty reply from server"; httpx:
``RemoteProtocolError``) and the server's own close then resets it; the server's attempt to
write the answer fails with a broken pipe, which both servers ignore quietly. Through the
playground's in-process transport the answer is marked instead, and the transport raises
the ``httpx.RemoteProtocolError`` a real client would see. A server whose socket cannot be
found gets a 502 instead (and the journal says so).
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

from playground.sandbox.models import ArmedFault


@dataclass(frozen=True)
class Kind:
    label: str
    places: bool = False  # the call does its work (the order is placed) before the fault


LATENCY, DROP, LOSE, LOSE_502 = "latency", "drop", "lose-answer", "lose-answer-502"
KINDS: dict[str, Kind] = {
    LATENCY: Kind("Added latency (then the normal answer)"),
    "http-500": Kind("HTTP 500 with an HTML body"),
    "http-502": Kind("HTTP 502 with an HTML body"),
    "http-503": Kind("HTTP 503 with an HTML body"),
    "http-429": Kind("HTTP 429 with Retry-After"),
    DROP: Kind("Connection closed without an answer"),
    "truncated-json": Kind("HTTP 200 with truncated JSON"),
    "invalid-json": Kind("HTTP 200 with invalid JSON"),
    LOSE: Kind("Place the order, then close the connection without an answer", places=True),
    LOSE_502: Kind("Place the order, then answer 502", places=True),
}
ENDPOINTS = {"any": "Any endpoint", "create": "Place order", "status": "Order status",
             "balance": "Balance", "me": "Me", "subaccounts": "Subaccounts",
             "proxy-list": "Proxy list"}
MAX_CALLS = 100  # one fault is armed for at most this many calls
MAX_ARMED = 20  # faults a sandbox may have armed at once
DEFAULT_RETRY_AFTER = 30
TOO_MANY = "Too many requests: slow down and try again after {seconds} seconds."  # (assumed)
HTML_PAGES = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
DROPPED_MARK = "sandbox_dropped"  # attribute of an answer that must never reach the client
DROP_FALLBACK = "drop (no socket: answered 502)"


def arm(sandbox_id: int, *, kind: str, endpoint: str = "any", calls: int = 1,
        seconds: float = 0) -> ArmedFault:
    if kind not in KINDS or endpoint not in ENDPOINTS or not 1 <= calls <= MAX_CALLS:
        raise ValueError("not a fault the sandbox can arm")
    if kind == LATENCY:
        seconds = min(max(seconds, 0.0), settings.SANDBOX_FAULT_MAX_LATENCY)
    return ArmedFault.objects.create(sandbox_id=sandbox_id, kind=kind, endpoint=endpoint,
                                     remaining=calls, seconds=seconds)


def take(sandbox_id: int, endpoint: str) -> ArmedFault | None:
    """The oldest armed fault for this call, with one of its calls used up; None if none.

    The UPDATE only succeeds while the count is above zero, so of any number of calls
    racing for a fault's last call exactly one gets it."""
    armed = ArmedFault.objects.filter(sandbox_id=sandbox_id, remaining__gt=0,
                                      endpoint__in=(endpoint, "any")).order_by("created", "id")
    for fault in armed[:MAX_ARMED]:
        if ArmedFault.objects.filter(pk=fault.pk, remaining__gt=0).update(
                remaining=F("remaining") - 1, fired=F("fired") + 1):
            return fault
    return None


def html_error(status: int) -> HttpResponse:
    title = f"{status} {HTML_PAGES[status]}"
    return HttpResponse(f"<!doctype html>\n<html><head><title>{title}</title></head>\n"
                        f"<body><h1>{title}</h1><p>nginx</p></body></html>\n",
                        status=status, content_type="text/html; charset=utf-8")


def dropped() -> HttpResponse:
    """A stand-in that is never sent: its status is nginx's "closed without an answer",
    which is what the request log then shows."""
    response = HttpResponse(b"", status=444, reason="No Response")
    setattr(response, DROPPED_MARK, True)
    return response


def before(fault: ArmedFault) -> HttpResponseBase | None:
    """The answer that replaces the API's, or None to let the call go on (latency waits
    first; the lose-the-answer kinds act after the call, in ``after``)."""
    kind = fault.kind
    if kind == LATENCY:
        time.sleep(min(fault.seconds, settings.SANDBOX_FAULT_MAX_LATENCY))
        return None
    if KINDS[kind].places:
        return None
    if kind.startswith("http-") and kind != "http-429":
        return html_error(int(kind[5:]))
    if kind == "http-429":
        seconds = int(fault.seconds) or DEFAULT_RETRY_AFTER
        response = JsonResponse({"success": False, "error": TOO_MANY.format(seconds=seconds)},
                                status=429)
        response["Retry-After"] = str(seconds)
        return response
    if kind == "truncated-json":
        return HttpResponse(b'{"success": true, "data": {"bal', content_type="application/json")
    if kind == "invalid-json":
        return HttpResponse(b"{success: true, data: 'not JSON'}", content_type="application/json")
    return dropped()  # DROP


def after(fault: ArmedFault, response: HttpResponseBase) -> HttpResponseBase:
    """The answer of a call that did its work: lost, or replaced by a 502."""
    if fault.kind == LOSE:
        return dropped()
    if fault.kind == LOSE_502:
        return html_error(502)
    return response


def is_dropped(response: HttpResponseBase) -> bool:
    return bool(getattr(response, DROPPED_MARK, False))


def client_socket(environ: dict) -> socket.socket | None:
    """The connection's socket, where the WSGI server lets it be found."""
    sock = environ.get("gunicorn.socket")
    if isinstance(sock, socket.socket):
        return sock
    stream = environ.get("wsgi.input")
    for _ in range(5):  # Django's LimitedStream -> BufferedReader -> SocketIO -> socket
        if isinstance(stream, socket.socket):
            return stream
        reader = getattr(stream, "_read", None)
        stream = (getattr(stream, "_sock", None) or getattr(stream, "raw", None)
                  or getattr(stream, "stream", None) or getattr(reader, "__self__", None))
        if stream is None:
            return None
    return None


def drop_connection(request: HttpRequest) -> bool:
    """Close the client's connection with no answer; False if it cannot be reached."""
    sock = client_socket(request.META)
    if sock is None:
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already gone: the client has no answer either way
        pass
    return True
