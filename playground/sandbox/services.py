"""What the sandbox does: authenticate, place, settle, refund and describe orders.

Every change to a wallet is one conditional UPDATE whose row count decides; nothing
reads a balance into Python and writes it back.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

import jwt
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Round

from playground import strictjson
from playground.catalogue import OVERRIDE_FIELDS, PRODUCTS
from playground.sandbox import prices, retention
from playground.sandbox.models import Account, Order, Sandbox, hash_token
from playground.sandbox.quote import Problem, quote_body
from playground.spec import ERROR_INSUFFICIENT_BALANCE, ERROR_PRICING

# Error texts, exactly as the vendor documents them (CONTRACT.md sections 2 and 3).
UNAUTHENTICATED = "Could not determine account email from authenticated identity."
NO_WRITE = "API ordering is not enabled for this account. Contact support to request access."
NO_READ_STATUS = ("Reading order status via the API-ordering endpoint is not enabled for this "
                  "account. Contact support to request access.")
NO_READ_BALANCE = ("Reading the wallet balance via the API-ordering endpoint is not enabled for "
                   "this account. Contact support to request access.")  # (assumed) wording
PRICING = ERROR_PRICING
INSUFFICIENT = ERROR_INSUFFICIENT_BALANCE
ORDER_NOT_FOUND = "Order not found."
# Sandbox texts for cases the vendor page leaves open (assumed).
BAD_BODY = "Request body must be a JSON object."
BODY_TOO_LARGE = "Request body is too large."
BAD_OVERRIDE = "Fields email, fname and lname must be strings."
SUBACCOUNT_NOT_FOUND = "Subaccount not found."
INTERNAL_ERROR = "The sandbox failed to answer this request; the error is in its log."
BLOCK_REASON = "Blocked by the fraud guard (sandbox scenario coupon SANDBOX-BLOCK)."

JWT_ISSUER = "playground-sandbox"
# The most a sandbox wallet holds after a top-up: far below what the balance column
# (12 digits, 2 after the point) can store, so no top-up can overflow it.
WALLET_LIMIT = Decimal("1000000.00")


class SandboxError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --- identity ---------------------------------------------------------------------------

def _jwt_key() -> str:
    return hashlib.sha256(f"sandbox-jwt:{settings.SECRET_KEY}".encode()).hexdigest()


def issue_jwt(account: Account, *, lifetime: int, now: int | None = None) -> str:
    """A signed JWT for ``account`` valid for ``lifetime`` seconds (negative: already expired),
    issued ``now`` (a Unix time; the same inputs sign the same token)."""
    now = int(time.time()) if now is None else now
    claims = {"sub": str(account.pk), "email": account.email, "iss": JWT_ISSUER,
              "iat": now, "exp": now + lifetime}
    return jwt.encode(claims, _jwt_key(), algorithm="HS256")


def _account_from_jwt(token: str) -> Account | None:
    try:
        claims = jwt.decode(token, _jwt_key(), algorithms=["HS256"], issuer=JWT_ISSUER,
                            options={"require": ["exp", "sub", "iss"]})
    except jwt.InvalidTokenError:
        return None
    if not claims["sub"].isdigit():
        return None
    return Account.objects.select_related("sandbox").filter(pk=claims["sub"]).first()


def authenticate(headers) -> Account:
    """The account behind an ``api-token`` header or an ``Authorization: Bearer`` header.

    A bearer credential is either a JWT issued by the console or a demo token.
    """
    token = headers.get("api-token", "").strip()
    if not token:
        scheme, _, credential = headers.get("Authorization", "").partition(" ")
        credential = credential.strip()
        if scheme.lower() == "bearer" and credential:
            if credential.count(".") == 2:
                account = _account_from_jwt(credential)
                if account is None:
                    raise SandboxError(401, UNAUTHENTICATED)
                return account
            token = credential
    account = (Account.objects.select_related("sandbox").filter(token_hash=hash_token(token))
               .first() if token else None)
    if account is None:
        raise SandboxError(401, UNAUTHENTICATED)
    return account


# --- orders -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Placed:
    order: Order
    quote: prices.Quote


def parse_body(raw: bytes) -> dict:
    """The request body as a JSON object that can be stored, or the 400 that says it is
    not one (``strictjson`` says what else is refused: the builder refuses the same)."""
    try:
        body = strictjson.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        body = None
    if not isinstance(body, dict) or strictjson.problem(body) is not None:
        raise SandboxError(400, BAD_BODY)
    return body


def place_order(account: Account, raw_body: bytes) -> Placed:
    """Permission first, then the body, the package, the coupon, and the debit."""
    if not account.can_write:
        raise SandboxError(403, NO_WRITE)
    body = parse_body(raw_body)
    priced = quote_body(body, discount_percent=account.discount_percent,
                        currency=account.currency)
    if isinstance(priced, Problem):
        raise SandboxError(400, priced.error)
    overrides = {name: body[name] for name in OVERRIDE_FIELDS if body.get(name) is not None}
    if any(not isinstance(v, str) for v in overrides.values()):
        raise SandboxError(400, BAD_OVERRIDE)
    package, coupon, quote = priced.package, priced.coupon, priced.steps
    scenario = coupon.scenario if coupon else ""
    delay = settings.SANDBOX_SLOW_DELAY if scenario == "slow" else settings.SANDBOX_PROCESSING_DELAY
    now = time.time()
    with transaction.atomic():
        order = Order.objects.create(
            account=account,
            sandbox=account.sandbox,
            type=package.product.type,
            body=body,
            received=raw_body.decode("utf-8"),
            price=quote.total,
            currency=account.currency,
            email=overrides.get("email", account.email)[:254],
            fname=overrides.get("fname", account.fname)[:128],
            lname=overrides.get("lname", account.lname)[:128],
            outcome=scenario if scenario in (Order.BLOCKED, Order.FAILED) else Order.PROCESSED,
            block_reason=BLOCK_REASON if scenario == Order.BLOCKED else "",
            created=now,
            updated=now,
            due=account.sandbox.clock_now(now) + delay,
            subaccount_number=_next_subaccount_number(account),
            pool_size=package.size,
        )
        debited = Account.objects.filter(pk=account.pk, balance__gte=quote.total).update(
            balance=_cents_sql(F("balance") - quote.total))
        if not debited:  # raising inside atomic() rolls the order row back
            raise SandboxError(400, INSUFFICIENT)
    retention.after_write()
    return Placed(order, quote)


def _next_subaccount_number(account: Account) -> int:
    """One more than the account's highest number: an index lookup, not a count, and no
    number is given twice when retention has removed older orders."""
    highest = Order.objects.filter(account=account).order_by("-subaccount_number") \
        .values_list("subaccount_number", flat=True).first()
    return (highest or 0) + 1


def _cents_sql(expression):
    """Wallet arithmetic rounded to cents in SQL. SQLite computes ``balance - 26.40`` in
    binary floating point; unrounded, the drift made a wallet of exactly 7 prices pay
    for only 6 orders. Every stored balance is the nearest float to a whole-cent amount,
    so comparisons with a price are exact."""
    return Round(expression, 2)


def _credit(account_id: int, amount: Decimal) -> None:
    Account.objects.filter(pk=account_id).update(balance=_cents_sql(F("balance") + amount))


def settle(sandbox: Sandbox, **filters) -> None:
    """Turn every paid order of ``sandbox`` that has fallen due on its clock into its
    outcome. Safe to run from any number of processes at once."""
    real = time.time()
    due = Order.objects.filter(sandbox=sandbox, status=Order.PAID,
                               due__lte=sandbox.clock_now(real), **filters)
    for order in due.only("id", "outcome", "due", "created", "price", "account_id").order_by():
        # The real time it fell due (the due time itself on an unmoved clock).
        updated = max(order.created, min(order.due - sandbox.clock_offset, real))
        finish(order, order.outcome, updated=updated)


def finish(order: Order, status: str, *, updated: float, block_reason: str = "") -> bool:
    """End a paid order as ``status``; blocked and failed ones give the money back. One
    conditional UPDATE decides, so an order ends once however many processes try."""
    fields: dict = {"status": status, "updated": updated}
    if block_reason:
        fields["block_reason"] = block_reason
    with transaction.atomic():
        moved = Order.objects.filter(pk=order.pk, status=Order.PAID).update(**fields)
        if moved and status in (Order.BLOCKED, Order.FAILED):
            _credit(order.account_id, order.price)
    return bool(moved)


def find_order(account: Account, order_id: str) -> Order:
    """The caller's own order; any other id, well-formed or not, is the same 404."""
    if not account.can_read:
        raise SandboxError(403, NO_READ_STATUS)
    try:
        order = Order.objects.filter(pk=uuid.UUID(order_id), account=account).first()
    except ValueError:  # not a UUID: indistinguishable from an unknown id
        order = None
    if order is None:
        raise SandboxError(404, ORDER_NOT_FOUND)
    if order.status == Order.PAID and order.due <= account.sandbox.clock_now(time.time()):
        settle(account.sandbox, pk=order.pk)
        order.refresh_from_db()
    return order


def refund(order_id) -> bool:
    """Refund a processed order: status refunded, money back, proxy list gone."""
    found = Order.objects.select_related("sandbox").filter(pk=order_id).first()
    if found is None:
        return False
    settle(found.sandbox, pk=order_id)
    with transaction.atomic():
        order = Order.objects.filter(pk=order_id, status=Order.PROCESSED).first()
        if order is None:
            return False
        moved = Order.objects.filter(pk=order.pk, status=Order.PROCESSED).update(
            status=Order.REFUNDED, updated=time.time())
        if moved:
            _credit(order.account_id, order.price)
        return bool(moved)


def top_up(account_id: int, amount: Decimal) -> bool:
    """Add ``amount`` unless the wallet would then hold more than ``WALLET_LIMIT``: one
    conditional UPDATE, so concurrent top-ups cannot pass the limit together."""
    amount = prices.cents(amount)
    return bool(Account.objects.filter(pk=account_id, balance__lte=WALLET_LIMIT - amount)
                .update(balance=_cents_sql(F("balance") + amount)))


def read_balance(account: Account) -> Account:
    if not account.can_read:
        raise SandboxError(403, NO_READ_BALANCE)
    settle(account.sandbox, account=account)
    account.refresh_from_db(fields=["balance", "currency"])
    return account


# --- representations ----------------------------------------------------------------------

def subaccount_data(order: Order) -> dict:
    product = PRODUCTS[order.type]
    return {
        "AccountID": str(order.subaccount_id),
        "AccountType": product.account_type,
        "label": f"{product.label} #{order.subaccount_number}",
        "time_added": int(order.due),
    }


def order_data(order: Order) -> dict:
    has_subaccount = order.status in (Order.PROCESSED, Order.REFUNDED)
    data = {
        "order_id": str(order.pk),
        "status": order.status,
        "type": order.type,
        "created_at": int(order.created),
        "updated_at": int(order.updated),
        "price": f"{order.price:.2f}",
        "currency": order.currency,
        "paid_with_credit": True,
        "subaccount": subaccount_data(order) if has_subaccount else None,
    }
    if order.status == Order.BLOCKED:
        data["block_reason"] = order.block_reason
    return data


def proxy_lines(order: Order) -> list[str]:
    """A stable, made-up proxy list for a subaccount (documentation address ranges)."""
    seed = order.subaccount_id.bytes
    count = min(order.pool_size, 100) if order.type.startswith("new_datacenter") else 10
    lines = []
    for i in range(count):
        block = ("192.0.2", "198.51.100", "203.0.113")[(seed[i % 16] + i) % 3]
        host = (seed[(i * 7) % 16] + i * 13) % 254 + 1
        port = 8000 + (seed[i % 16] * 31 + i) % 2000
        lines.append(f"{block}.{host}:{port}")
    return lines
