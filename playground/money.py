"""Money a page shows before and after an order: the price panel's lines (the sandbox's own
quote, or in live mode the price last charged for the same package), the wallet beside
the total, and the price an order's status answer reports.

The wallet and the discount are read through the API client (``balance`` and ``me``) and
kept per token for a few seconds, so typing in the builder does not call the API on every
keystroke; a sent order forgets them at once.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.urls import reverse

from playground import api, catalogue
from playground.api import Credential
from playground.lru import LRU
from playground.models import Call
from playground.sandbox import quote as quotes

WALLET_TTL = 5.0  # seconds a wallet read is reused by the price panel
NO_QUOTE = ("The live API has no quote endpoint: it decides the price when the order is "
            "placed.")
_MONEY = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,2})?")


def amount(value: object) -> Decimal | None:
    """A money amount from an API answer (``"26.10"`` or a JSON number), or None for
    anything that is not one (text, NaN, ``1e400``, a boolean)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= 1e12:
            return None
        value = f"{value:.2f}"
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not _MONEY.fullmatch(value.strip()):
        return None
    try:
        return Decimal(value.strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


# --- the wallet, read for a credential --------------------------------------------------------

@dataclass(frozen=True)
class Wallet:
    balance: Decimal | None = None
    currency: str = ""
    discount: Decimal | None = None  # None: not known (no answer from `me`)
    email: str = ""
    error: str = ""


def _key(credential: Credential) -> tuple[str, str]:
    digest = hashlib.sha256(f"{credential.auth}:{credential.token}".encode(
        "utf-8", "surrogatepass")).hexdigest()
    return api.api_base(), digest


def read_wallet(credential: Credential) -> Wallet:
    """Balance and discount for this credential, reused for ``WALLET_TTL`` seconds."""
    key = _key(credential)
    cached = _wallets.get(key)
    if cached is not None and time.monotonic() - cached[0] < WALLET_TTL:
        return cached[1]
    wallet = _read(credential)
    _wallets.put(key, (time.monotonic(), wallet))
    return wallet


@dataclass(frozen=True)
class Balance:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency}".strip()


def balance_read(credential: Credential) -> Balance | None:
    """The wallet's balance read now (never from the panel's cache), or None when the API
    does not answer one this page can use."""
    try:
        answer = api.get_client().balance(credential)
    except api.ApiError:
        return None
    if not answer.ok or not isinstance(answer.data, dict):
        return None
    value = amount(answer.data.get("balance"))
    return None if value is None else Balance(value, str(answer.data.get("currency", ""))[:12])


def forget_wallet(credential: Credential) -> None:
    """After an order (or a top-up), the next read asks the API again."""
    _wallets.pop(_key(credential))


_wallets = LRU(1024)  # (API base, sha256 of the credential) -> (when read, Wallet)


def _read(credential: Credential) -> Wallet:
    client = api.get_client()
    balance, currency, error = None, "", ""
    try:
        answer = client.balance(credential)
    except api.ApiError as exc:
        answer, error = None, exc.message
    if answer is not None and answer.ok and isinstance(answer.data, dict):
        balance = amount(answer.data.get("balance"))
        currency = str(answer.data.get("currency", ""))[:12]
        if balance is None:
            error = "The API answered a balance this page cannot use."
    elif answer is not None:
        error = answer.error or f"HTTP {answer.status_code}"
    discount, email = None, ""
    try:
        me = client.me(credential)
    except api.ApiError:
        me = None
    if me is not None and me.ok and isinstance(me.data, dict):
        found = me.data.get("api_ordering_discount")
        if isinstance(found, (int, float)) and not isinstance(found, bool) \
                and math.isfinite(found) and 0 <= found <= 100:
            discount = Decimal(str(found))
        email = str(me.data.get("email", ""))[:254]
    return Wallet(balance, currency, discount, email, error[:300])


# --- the price panel ---------------------------------------------------------------------------

@dataclass
class Panel:
    sandbox: bool
    has_body: bool = False
    wallet_pending: bool = False  # a token is stored, its wallet not read yet
    priced: quotes.Priced | None = None
    problem: quotes.Problem | None = None
    discount_note: str = ""
    wallet: Wallet | None = None
    last: Call | None = None  # live: the last order of the same package with a known price
    notes: dict[str, str] = field(default_factory=dict)  # form field -> note beside it
    topup_url: str = ""

    @property
    def total(self) -> Decimal | None:
        if self.priced is not None:
            return self.priced.total
        return self.last.price if self.last is not None else None

    @property
    def currency(self) -> str:
        if self.priced is not None:
            return self.priced.currency
        return self.last.currency if self.last is not None else ""

    @property
    def leaves(self) -> Decimal | None:
        """What the wallet would hold after this order (None: not known, or short)."""
        short = self.short
        if short is not None or self.total is None or self.wallet is None \
                or self.wallet.balance is None:
            return None
        return self.wallet.balance - self.total

    @property
    def short(self) -> Decimal | None:
        if self.total is None or self.wallet is None or self.wallet.balance is None:
            return None
        missing = self.total - self.wallet.balance
        return missing if missing > 0 else None


def panel(body: dict | None, credential: Credential | None, *, read: bool = True,
          sandbox: bool | None = None) -> Panel:
    """The price panel for an order body (None: not a valid body yet). With ``read`` False
    (a full page, which calls no API) the wallet is left for the page's first preview."""
    sandbox = api.is_sandbox() if sandbox is None else sandbox
    wallet = read_wallet(credential) if credential is not None and read else None
    result = Panel(sandbox=sandbox, wallet=wallet,
                   wallet_pending=credential is not None and not read)
    if body is None:
        return result
    result.has_body = True
    if sandbox:
        discount = wallet.discount if wallet is not None else None
        if result.wallet_pending:
            result.discount_note = "Reading the account's discount…"
        elif wallet is None:
            result.discount_note = "No token: discount not applied."
        elif discount is None:
            result.discount_note = "The account's discount could not be read: not applied."
        priced = quotes.quote_body(body, discount_percent=discount or Decimal("0"),
                                   currency=(wallet.currency if wallet and wallet.currency
                                             else "USD"))
        if isinstance(priced, quotes.Problem):
            result.problem = priced
            if priced.field:
                result.notes[priced.field] = priced.note
        else:
            result.priced = priced
        short = result.short
        if short is not None and wallet is not None:
            result.topup_url = reverse("sandbox:console") + "?" + urlencode(
                {"account": wallet.email, "amount": f"{short:.2f}"}) + "#top-up"
    else:
        result.last = last_charged(body)
        result.notes = live_notes(body)
    return result


def live_notes(body: dict) -> dict[str, str]:
    """Live mode: a package size or a country name outside the known ones is a soft note,
    never a block."""
    notes = {}
    country = body.get("country")
    if isinstance(country, str) and not catalogue.country_code(country):
        notes["country"] = (f"“{country}” is not a country name this playground knows; "
                            "the API decides whether it takes it.")
    return {**notes, **_size_note(body)}


def _size_note(body: dict) -> dict[str, str]:
    product_type = body.get("type")
    if product_type not in quotes.SIZE_FIELDS:
        return {}
    name = quotes.SIZE_FIELDS[str(product_type)]
    value = next((v for k, v in body.items() if catalogue.POOL_FIELD.match(k)), None) \
        if name == "proxies" else body.get(name)
    known = catalogue.PACKAGE_SIZES[str(product_type)]
    if type(value) is not int or value in known:
        return {}
    field_name = "proxies_size" if name == "proxies" else name
    return {field_name: f"{value:,} is not one of the sizes this playground knows "
                        f"({', '.join(f'{s:,}' for s in known)}); the API decides."}


def package_key(body: dict | None) -> tuple:
    """What makes two bodies the same package: everything but the coupon and overrides."""
    if not isinstance(body, dict):
        return ()
    return tuple(sorted((k, repr(v)) for k, v in body.items()
                        if k not in catalogue.SHARED_OPTIONAL_FIELDS))


def last_charged(body: dict, *, scan: int = 200) -> Call | None:
    """The newest live order of the same package whose price is known (anyone's: the
    team shares what it was charged), or None. The newest ``scan`` priced orders are read
    at most every ``WALLET_TTL`` seconds per process, so typing in live mode does not
    query History on every keystroke."""
    wanted = package_key(body)
    return next((c for key, c in _priced_orders(scan) if key == wanted), None)


def _priced_orders(scan: int) -> list[tuple[tuple, Call]]:
    cached = _recent.get(scan)
    if cached is not None and time.monotonic() - cached[0] < WALLET_TTL:
        return cached[1]
    recent = [(package_key(c.request_body), c) for c in Call.objects.filter(
        environment="live", endpoint="create", price__isnull=False).only(
        "created", "request_body", "price", "currency")[:scan]]
    _recent.put(scan, (time.monotonic(), recent))
    return recent


_recent = LRU(4)  # how many were read -> (when, [(package key, Call)], newest first)


def record_price(call: Call, data: dict) -> None:
    """Keep the price a status answer reports on the create call that placed the order
    (once: a price never changes)."""
    price = amount(data.get("price"))
    if price is None or call.price is not None:
        return
    currency = str(data.get("currency", ""))[:12]
    Call.objects.filter(pk=call.pk, price__isnull=True).update(price=price, currency=currency)
    call.price, call.currency = price, currency
    _recent.clear()  # a new last price for some package


def cache_key(result: Panel) -> tuple:
    """Everything the rendered panel shows (the notes beside the fields aside), for a
    per-process cache of its HTML: in live mode typing another size or coupon shows the same
    panel, so it is rendered once."""
    last, priced = result.last, result.priced
    return (result.sandbox, result.has_body, result.wallet_pending, result.wallet,
            (last.pk, last.price, last.currency, last.created) if last is not None else None,
            (tuple(priced.lines), priced.total, priced.currency) if priced is not None else None,
            result.problem, result.discount_note, result.topup_url)
