"""The sandbox console at /sandbox/: demo accounts, wallets, orders, refunds, JWTs."""

from __future__ import annotations

import time
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from playground.catalogue import PRODUCTS
from playground.sandbox import prices, services
from playground.sandbox.demo import DEMO_DESCRIPTIONS
from playground.sandbox.forms import JWT_LIFETIMES, JwtForm, RefundForm, TopUpForm
from playground.sandbox.models import Account, Order

RECENT_ORDERS = 50


def sandbox_page(view):
    """Outermost decorator: with the sandbox off, every console URL is a 404, whatever
    the method."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not settings.SANDBOX_ENABLED:
            raise Http404("The sandbox is turned off.")
        return view(request, *args, **kwargs)

    return wrapper


def _price_rows():
    rows = []
    for product_type, unit in (
        ("new_datacenter_shared", "proxies"),
        ("new_datacenter_dedicated", "IPs"),
        ("new_residential", "GB"),
        ("new_residential_unlimited", "days"),
        ("new_serp", "requests"),
    ):
        for size, price in prices.PACKAGE_PRICES[product_type].items():
            rows.append({"product": PRODUCTS[product_type], "size": f"{size:,} {unit}",
                         "price": price})
    return rows


def _topup_initial(request: HttpRequest) -> dict:
    """The top-up form filled from a link (the builder's "short by" offer): ``account`` is
    the account's email or name, ``amount`` what is missing. Anything unusable is ignored."""
    initial: dict = {}
    wanted = request.GET.get("account", "")[:254]
    if wanted:
        account = (Account.objects.filter(email=wanted).first()
                   or Account.objects.filter(name=wanted).first())
        if account is not None:
            initial["account"] = account.pk
    try:
        amount = Decimal(request.GET.get("amount", "")[:20])
    except InvalidOperation:
        amount = None
    if amount is not None and amount.is_finite() and Decimal("0.01") <= amount <= 100000:
        initial["amount"] = prices.cents(amount)
    return initial


def _console(request: HttpRequest, *, jwt: dict | None = None, status: int = 200, **forms):
    services.settle()
    context = {
        "accounts": [(a, DEMO_DESCRIPTIONS.get(a.name, "")) for a in Account.objects.all()],
        "orders": Order.objects.select_related("account")[:RECENT_ORDERS],
        "coupons": prices.COUPONS.values(),
        "price_rows": _price_rows(),
        "markup_percent": int((prices.SINGLE_COUNTRY_MARKUP - 1) * 100),
        "durations": prices.DURATION_FACTOR,
        "vat_rates": sorted(prices.VAT_RATES.items()),
        "topup_form": forms.get("topup_form") or TopUpForm(initial=_topup_initial(request)),
        "jwt_form": forms.get("jwt_form") or JwtForm(),
        "jwt": jwt,
        "processing_delay": settings.SANDBOX_PROCESSING_DELAY,
    }
    return TemplateResponse(request, "sandbox/console.html", context, status=status)


# The JWT just issued, for one display after the redirect: the session keeps what signs the
# same token again (account, lifetime, time of issue), never the token itself.
ISSUED_JWT = "sandbox.issued_jwt"


def _issued_jwt(request: HttpRequest) -> dict | None:
    issued = request.session.pop(ISSUED_JWT, None)
    if not isinstance(issued, dict):
        return None
    pk, lifetime, now = issued.get("account"), issued.get("lifetime"), issued.get("iat")
    if not isinstance(pk, int) or lifetime not in dict(JWT_LIFETIMES) \
            or not isinstance(now, int):
        return None
    account = Account.objects.filter(pk=pk).first()
    if account is None:
        return None
    return {"token": services.issue_jwt(account, lifetime=lifetime, now=now),
            "account": account, "lifetime": dict(JWT_LIFETIMES)[lifetime]}


@sandbox_page
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    jwt = _issued_jwt(request)
    response = _console(request, jwt=jwt)
    if jwt is not None:
        patch_cache_control(response, no_store=True)
    return response


@sandbox_page
@require_POST
def top_up(request: HttpRequest) -> HttpResponse:
    form = TopUpForm(request.POST)
    if not form.is_valid():
        return _console(request, topup_form=form, status=400)
    account, amount = form.cleaned_data["account"], form.cleaned_data["amount"]
    if not services.top_up(account.pk, amount):
        form.add_error("amount", f"That would take the wallet of {account.name} above "
                                 f"{services.WALLET_LIMIT:,.2f} USD, the sandbox's limit.")
        return _console(request, topup_form=form, status=400)
    messages.success(request, f"Added {amount:.2f} USD to {account.name}.")
    return redirect("sandbox:console")


@sandbox_page
@require_POST
def refund(request: HttpRequest) -> HttpResponse:
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That order does not exist.")
        return redirect("sandbox:console")
    order = form.cleaned_data["order"]
    if request.POST.get("confirm") != "yes":  # the Refund button asks first
        return TemplateResponse(request, "sandbox/refund_confirm.html", {"order": order})
    if services.refund(order.pk):
        messages.success(request, f"Refunded order {order.pk}: {order.price:.2f} "
                                  f"{order.currency} back to {order.account.name}.")
    else:
        messages.error(request, f"Order {order.pk} is not processed, so it cannot be refunded.")
    return redirect("sandbox:console")


@sandbox_page
@require_POST
def issue_jwt(request: HttpRequest) -> HttpResponse:
    form = JwtForm(request.POST)
    if not form.is_valid():
        return _console(request, jwt_form=form, status=400)
    account, lifetime = form.cleaned_data["account"], form.cleaned_data["lifetime"]
    request.session[ISSUED_JWT] = {"account": account.pk, "lifetime": lifetime,
                                   "iat": int(time.time())}
    return redirect(reverse("sandbox:console") + "#jwt-issued")  # a reload posts nothing
