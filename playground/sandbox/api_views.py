"""The sandbox's HTTP API (CONTRACT.md section 1), served below /sandbox.

Every answer is ``{"success": true, "data": ...}`` or ``{"success": false, "error": ...}``
(the proxy list aside), with the vendor's status codes and texts.
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from playground.sandbox import chaos, journal, services
from playground.sandbox.models import Account, Order
from playground.sandbox.services import SandboxError

logger = logging.getLogger(__name__)
NOT_ALLOWED = "Method {method} is not allowed here."  # (assumed) the vendor page names no 405
NO_SUCH_ENDPOINT = "No such endpoint."


def ok(data, status: int = 200) -> JsonResponse:
    return JsonResponse({"success": True, "data": data}, status=status)


def fail(status: int, message: str) -> JsonResponse:
    return JsonResponse({"success": False, "error": message}, status=status)


def api(*methods: str):
    """An API endpoint: sandbox switch, method check, authentication, JSON errors, the
    armed faults of the caller's sandbox, and the call's journal entry."""

    def decorate(view):
        endpoint = ENDPOINT_NAMES.get(view.__name__, view.__name__)

        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not settings.SANDBOX_ENABLED:
                raise Http404("The sandbox is turned off.")
            started = time.perf_counter()
            call = CallNotes()
            response = _answer(request, view, methods, endpoint, call, args, kwargs)
            return _journalled(request, call, endpoint, started, response)

        return wrapper

    return decorate


class CallNotes:
    """What the journal needs to know of a call beyond its request and answer."""

    account: Account | None = None
    fault: str = ""


def _answer(request: HttpRequest, view, methods, endpoint: str, call: CallNotes, args, kwargs):
    if settings.SANDBOX_RESPONSE_DELAY > 0:  # a slow upstream, for `make bench`
        time.sleep(settings.SANDBOX_RESPONSE_DELAY)
    if request.method not in methods:
        call.account = _soft_account(request)
        response = fail(405, NOT_ALLOWED.format(method=request.method))
        response["Allow"] = ", ".join(methods)
        return response
    armed = None
    try:
        account = call.account = services.authenticate(request.headers)
        armed = chaos.take(journal.sandbox_of(account), endpoint)
        if armed is not None:
            call.fault = armed.kind
            early = chaos.before(armed)
            if early is not None:
                return early
        response = view(request, account, *args, **kwargs)
    except SandboxError as exc:
        response = fail(exc.status, exc.message)
    except Exception:  # a bug, or a row no code path should have written
        logger.exception("Sandbox API error on %s", request.path)
        response = fail(500, services.INTERNAL_ERROR)
    # A lost answer is lost whatever it said (an error too).
    return chaos.after(armed, response) if armed is not None else response


def _soft_account(request: HttpRequest) -> Account | None:
    try:
        return services.authenticate(request.headers)
    except SandboxError:
        return None


def _journalled(request: HttpRequest, call: CallNotes, endpoint: str, started: float,
                response: HttpResponseBase) -> HttpResponseBase:
    """Record the call, then (for a dropped answer) close the connection: the entry is
    written before the client sees the end of its connection."""
    drop = chaos.is_dropped(response)
    over_http = drop and not request.META.get(journal.IN_PROCESS)
    if over_http and chaos.client_socket(request.META) is None:
        response, call.fault = chaos.html_error(502), chaos.DROP_FALLBACK
        drop = over_http = False
    try:
        journal.record(request, account=call.account, endpoint=endpoint, started=started,
                       response=None if drop else response, fault=call.fault)
    except Exception:  # the journal never costs the caller an answer
        logger.exception("Sandbox journal could not record %s", request.path)
    if over_http:
        chaos.drop_connection(request)
    return response


ENDPOINT_NAMES = {"create_order": "create", "order_status": "status", "balance": "balance",
                  "me": "me", "subaccounts": "subaccounts", "proxy_list": "proxy-list"}


@api("POST")
def create_order(request: HttpRequest, account) -> JsonResponse:
    try:
        raw = request.body
    except RequestDataTooBig:  # otherwise Django's HTML 400 page, not the API's envelope
        raise SandboxError(400, services.BODY_TOO_LARGE) from None
    placed = services.place_order(account, raw)
    return ok(str(placed.order.pk))


@api("GET")
def order_status(request: HttpRequest, account, order_id: str) -> JsonResponse:
    return ok(services.order_data(services.find_order(account, order_id)))


@api("GET")
def balance(request: HttpRequest, account) -> JsonResponse:
    account = services.read_balance(account)
    return ok({"balance": float(account.balance), "currency": account.currency})


@api("GET")
def me(request: HttpRequest, account) -> JsonResponse:
    discount = account.discount_percent
    return ok({
        "email": account.email,
        "fname": account.fname,
        "lname": account.lname,
        "api_ordering_discount": int(discount) if discount == int(discount) else float(discount),
        "permissions": account.permissions,
    })


SUBACCOUNTS_LISTED = 1000


@api("GET")
def subaccounts(request: HttpRequest, account) -> JsonResponse:
    services.settle(account.sandbox, account=account)
    # The newest SUBACCOUNTS_LISTED, oldest first: one answer stays bounded (assumed: the
    # vendor page gives the list no paging).
    newest = account.orders.filter(status=Order.PROCESSED).order_by("-created")
    orders = list(newest[:SUBACCOUNTS_LISTED])[::-1]
    return ok({"subaccounts": [services.subaccount_data(o) for o in orders]})


@api("GET")
def proxy_list(request: HttpRequest, account, subaccount_id: str, account_type: str):
    services.settle(account.sandbox, account=account)
    order = account.orders.filter(subaccount_id=subaccount_id, status=Order.PROCESSED).first()
    if order is None or services.subaccount_data(order)["AccountType"] != account_type:
        raise SandboxError(404, services.SUBACCOUNT_NOT_FOUND)
    return HttpResponse("".join(f"{line}\n" for line in services.proxy_lines(order)),
                        content_type="text/plain; charset=utf-8")


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponseBase:
    if not settings.SANDBOX_ENABLED:
        raise Http404("The sandbox is turned off.")
    started, call = time.perf_counter(), CallNotes()
    call.account = _soft_account(request)
    return _journalled(request, call, "other", started, fail(404, NO_SUCH_ENDPOINT))
