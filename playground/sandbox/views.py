"""The sandbox console at /sandbox/: one sandbox at a time (the owner's current one):
its accounts, wallets, orders, refunds, JWTs. Sandboxes and tokens: ``sandbox_views``;
the clock: ``clock_views``."""

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
from playground.owners import OWNER_KEY, Owner, owner_for
from playground.sandbox import prices, sandboxes, services
from playground.sandbox.demo import DEMO_DESCRIPTIONS
from playground.sandbox.forms import (
    JWT_LIFETIMES,
    AdvanceForm,
    JwtForm,
    NewSandboxForm,
    OrderClockForm,
    RefundForm,
    TopUpForm,
)
from playground.sandbox.models import Account, Sandbox

RECENT_ORDERS = 50
CURRENT_KEY = "sandbox.current"  # the session's current sandbox (its id)


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


def console_owner(request: HttpRequest) -> Owner:
    """The owner of a console action; in ``none`` mode the session keeps its owner id
    from now on."""
    return owner_for(request, create=True)


def known(request: HttpRequest, owner: Owner) -> bool:
    """A signed-in user, or a session that already has its owner: someone the console may
    make a sandbox for. A visitor who only looks gets none (and no session)."""
    return owner.user is not None or request.session.get(OWNER_KEY) == owner.id


def current_sandbox(request: HttpRequest, owner: Owner) -> Sandbox:
    """The sandbox the console shows: the one chosen last (if the owner may still see it),
    else the owner's first, made on first use; a visitor who only looks sees the public
    set."""
    chosen = sandboxes.viewable(owner, request.session.get(CURRENT_KEY, ""))
    if chosen is not None:
        return chosen
    if known(request, owner):
        return sandboxes.ensure(owner)
    return Sandbox.public()


def remember(request: HttpRequest, sandbox: Sandbox) -> None:
    request.session[CURRENT_KEY] = sandbox.pk


def scoped(request: HttpRequest, owner: Owner, sandbox: Sandbox) -> dict:
    """What a console form checks against, and which accounts it offers."""
    return {"accounts": sandboxes.usable_accounts(owner),
            "orders": sandboxes.usable_orders(owner), "shown": list(sandbox.accounts.all())}


def _topup_initial(request: HttpRequest, owner: Owner) -> dict:
    """The top-up form filled from a link (the builder's "short by" offer): ``account`` is
    the account's email or name, ``amount`` what is missing. Anything unusable is ignored;
    a usable account's sandbox becomes the current one."""
    initial: dict = {}
    wanted = request.GET.get("account", "")[:254]
    if wanted:
        usable = sandboxes.usable_accounts(owner)
        account = (usable.filter(email=wanted).first() or usable.filter(name=wanted).first())
        if account is not None:
            initial["account"] = account.pk
            remember(request, account.sandbox)
    try:
        amount = Decimal(request.GET.get("amount", "")[:20])
    except InvalidOperation:
        amount = None
    if amount is not None and amount.is_finite() and Decimal("0.01") <= amount <= 100000:
        initial["amount"] = prices.cents(amount)
    return initial


def console_page(request: HttpRequest, *, jwt: dict | None = None, status: int = 200,
                 revealed: dict | None = None, **forms) -> TemplateResponse:
    """The console showing the current sandbox, with any form given (its errors) kept."""
    owner = owner_for(request)
    initial = _topup_initial(request, owner) if request.method == "GET" else {}
    chosen = sandboxes.viewable(owner, request.GET.get("sandbox", "")) \
        if request.method == "GET" else None
    if chosen is not None:
        remember(request, chosen)
    sandbox = current_sandbox(request, owner)
    services.settle(sandbox)
    scope = scoped(request, owner, sandbox)
    context = {
        "sandbox": sandbox,
        "listed": sandboxes.visible(owner),
        "mine": sandbox.owner == owner.id,
        "manages": sandboxes.managed(owner, sandbox.pk) is not None,
        "staff_view": owner.staff,
        "own_count": sandboxes.own(owner).count(),
        "max_sandboxes": sandboxes.MAX_PER_OWNER,
        "clock_now": sandbox.clock_now(services.time.time()),
        "revealed": revealed or {},
        "accounts": [(a, DEMO_DESCRIPTIONS.get(f"sandbox-{a.kind}", "")) for a in scope["shown"]],
        "orders": sandbox.orders.select_related("account")[:RECENT_ORDERS],
        "coupons": prices.COUPONS.values(),
        "price_rows": _price_rows(),
        "markup_percent": int((prices.SINGLE_COUNTRY_MARKUP - 1) * 100),
        "durations": prices.DURATION_FACTOR,
        "vat_rates": sorted(prices.VAT_RATES.items()),
        "topup_form": forms.get("topup_form") or TopUpForm(initial=initial, **scope),
        "jwt_form": forms.get("jwt_form") or JwtForm(**scope),
        "new_sandbox_form": forms.get("new_sandbox_form") or NewSandboxForm(
            initial={"name": sandboxes.FIRST_NAME} if sandbox.is_public else {}),
        "advance_form": forms.get("advance_form") or AdvanceForm(),
        "order_clock_form": OrderClockForm(),
        "jwt": jwt,
        "processing_delay": settings.SANDBOX_PROCESSING_DELAY,
    }
    response = TemplateResponse(request, "sandbox/console.html", context, status=status)
    if revealed:
        response["Cache-Control"] = "no-store"  # the page holds a token
    return response


def form_scope(request: HttpRequest) -> dict:
    owner = console_owner(request)
    return scoped(request, owner, current_sandbox(request, owner))


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
    response = console_page(request, jwt=jwt)
    if jwt is not None:
        patch_cache_control(response, no_store=True)
    return response


@sandbox_page
@require_POST
def top_up(request: HttpRequest) -> HttpResponse:
    form = TopUpForm(request.POST, **form_scope(request))
    if not form.is_valid():
        return console_page(request, topup_form=form, status=400)
    account, amount = form.cleaned_data["account"], form.cleaned_data["amount"]
    if not services.top_up(account.pk, amount):
        form.add_error("amount", f"That would take the wallet of {account.name} above "
                                 f"{services.WALLET_LIMIT:,.2f} USD, the sandbox's limit.")
        return console_page(request, topup_form=form, status=400)
    remember(request, account.sandbox)
    messages.success(request, f"Added {amount:.2f} USD to {account.name}.")
    return redirect("sandbox:console")


@sandbox_page
@require_POST
def refund(request: HttpRequest) -> HttpResponse:
    form = RefundForm(request.POST, **form_scope(request))
    if not form.is_valid():
        messages.error(request, "That order does not exist.")
        return redirect("sandbox:console")
    order = form.cleaned_data["order"]
    remember(request, order.sandbox)
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
    form = JwtForm(request.POST, **form_scope(request))
    if not form.is_valid():
        return console_page(request, jwt_form=form, status=400)
    account, lifetime = form.cleaned_data["account"], form.cleaned_data["lifetime"]
    remember(request, account.sandbox)
    request.session[ISSUED_JWT] = {"account": account.pk, "lifetime": lifetime,
                                   "iat": int(time.time())}
    return redirect(reverse("sandbox:console") + "#jwt-issued")  # a reload posts nothing
