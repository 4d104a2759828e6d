"""Sandboxes per owner: made on first use, at most ``MAX_PER_OWNER``, each with the six
kinds of demo account under freshly generated tokens; switch, reset, delete; and who may
see or change which sandbox.

Services take an ``Owner`` (``playground.owners``). A generated token is stored twice:
hashed, to authenticate, and sealed (``playground.secretbox``), so its owner can copy it.
It is never stored in plain text.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from playground import secretbox
from playground.owners import Owner
from playground.sandbox.demo import DEMO_ACCOUNTS
from playground.sandbox.models import Account, ArmedFault, JournalEntry, Order, Sandbox, hash_token
from playground.sandbox.numbers import whole

MAX_PER_OWNER = 5
NAME_MAX_LENGTH = 40
FIRST_NAME = "My sandbox"
TOKEN_PREFIX = "sbx_"
KINDS = [row[0].removeprefix("sandbox-") for row in DEMO_ACCOUNTS]


class SandboxRefused(Exception):
    """A request the owner may not make, with the words to show them."""


@dataclass(frozen=True)
class Listed:
    """A sandbox as the console's switcher shows it."""

    sandbox: Sandbox
    mine: bool  # the owner's own (else the public set, or someone else's for staff)

    @property
    def foreign(self) -> bool:
        return not self.mine and not self.sandbox.is_public


def new_token() -> str:
    """A random token: URL-safe characters, no dots (so it never passes for a JWT)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(24)


def _set_token(account: Account, token: str) -> None:
    account.token_hash = hash_token(token)
    account.token_hint = token[-4:]
    account.token_sealed = secretbox.seal(token)


def _seed(sandbox: Sandbox) -> None:
    """The six kinds of demo account, with their seeded wallets, and new tokens."""
    for name, can_read, can_write, wallet, discount, _what in DEMO_ACCOUNTS:
        kind = name.removeprefix("sandbox-")
        account = Account(sandbox=sandbox, kind=kind, name=f"sandbox{sandbox.pk}-{kind}",
                          email=f"sandbox{sandbox.pk}-{kind}@example.com", fname="Sandbox",
                          lname=kind.capitalize(), can_read=can_read, can_write=can_write,
                          balance=wallet, discount_percent=discount)
        _set_token(account, new_token())
        account.save()


def own(owner: Owner) -> QuerySet[Sandbox]:
    return Sandbox.objects.filter(owner=owner.id).exclude(owner=Sandbox.PUBLIC_OWNER)


def create(owner: Owner, name: str) -> Sandbox:
    """A new sandbox for ``owner``, seeded; refused past the limit or on a name in use."""
    name = " ".join(name.split())
    if not name:
        raise SandboxRefused("Give the sandbox a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise SandboxRefused(f"A name has at most {NAME_MAX_LENGTH} characters.")
    with transaction.atomic():
        # Lock the owner's sandboxes (PostgreSQL; SQLite's IMMEDIATE transactions already
        # run one at a time), so two creates at once cannot both pass the limit.
        list(own(owner).select_for_update().values_list("pk", flat=True))
        if own(owner).count() >= MAX_PER_OWNER:
            raise SandboxRefused(f"You have {MAX_PER_OWNER} sandboxes, the most there can be: "
                                 f"delete one first.")
        if own(owner).filter(name=name).exists():
            raise SandboxRefused(f"You already have a sandbox named “{name}”.")
        try:
            with transaction.atomic():
                sandbox = Sandbox.objects.create(owner=owner.id, name=name)
        except IntegrityError:  # the same name, made at the same moment
            raise SandboxRefused(f"You already have a sandbox named “{name}”.") from None
        _seed(sandbox)
    return sandbox


def ensure(owner: Owner) -> Sandbox:
    """The owner's first sandbox, made ("My sandbox") if they have none."""
    first = own(owner).first()
    if first is not None:
        return first
    try:
        return create(owner, FIRST_NAME)
    except SandboxRefused:  # made by a concurrent first visit
        return own(owner).get(name=FIRST_NAME)


def visible(owner: Owner) -> list[Listed]:
    """What the console lists: the owner's sandboxes, then the public set; staff also see
    everyone else's."""
    mine = [Listed(s, True) for s in own(owner)]
    public = [Listed(Sandbox.public(), False)]
    others: list[Listed] = []
    if owner.staff:
        others = [Listed(s, False) for s in Sandbox.objects.exclude(owner=owner.id)
                  .exclude(owner=Sandbox.PUBLIC_OWNER)]
    return mine + public + others


def _key(value: object) -> int | None:
    """A row id from form or session input, or None (never one the database would reject)."""
    return whole(str(value).strip(), low=1, high=2**63 - 1)


def viewable(owner: Owner, sandbox_id: object) -> Sandbox | None:
    """The sandbox ``owner`` may look at (own, public, or any for staff), else None."""
    pk = _key(sandbox_id)
    found = Sandbox.objects.filter(pk=pk).first() if pk else None
    if found is None or not (found.owner == owner.id or found.is_public or owner.staff):
        return None
    return found


def managed(owner: Owner, sandbox_id: object) -> Sandbox | None:
    """The sandbox ``owner`` may reset, hold or advance: their own; any for staff."""
    found = viewable(owner, sandbox_id)
    if found is None or not (found.owner == owner.id or owner.staff):
        return None
    return found


def usable_accounts(owner: Owner) -> QuerySet[Account]:
    """Accounts whose wallets and orders ``owner`` may act on from the console (top-up,
    refund, JWT): their own sandboxes' and the public set's, which is everyone's; staff:
    all."""
    if owner.staff:
        return Account.objects.all()
    return Account.objects.filter(Q(sandbox__owner=owner.id)
                                  | Q(sandbox__owner=Sandbox.PUBLIC_OWNER))


def usable_orders(owner: Owner) -> QuerySet[Order]:
    if owner.staff:
        return Order.objects.all()
    return Order.objects.filter(Q(sandbox__owner=owner.id)
                                | Q(sandbox__owner=Sandbox.PUBLIC_OWNER))


def own_account(owner: Owner, account_id: object) -> Account | None:
    """An account of one of the owner's own sandboxes (never the public set's, never
    another owner's, staff or not): the ones whose token they may see or replace."""
    pk = _key(account_id)
    if pk is None:
        return None
    return Account.objects.filter(pk=pk, sandbox__in=own(owner)).exclude(token_sealed="").first()


def offered(owner: Owner, current_id: object = None) -> list[Account]:
    """The accounts whose tokens the playground's token panel offers first: those of the
    owner's current sandbox (or their first); none until they have one."""
    sandbox = None
    if isinstance(current_id, int):
        sandbox = own(owner).filter(pk=current_id).first()
    sandbox = sandbox or own(owner).first()
    return list(sandbox.accounts.exclude(token_sealed="")) if sandbox else []


def token_of(account: Account) -> str | None:
    """The generated token of ``account``, unsealed (None for the public set)."""
    return secretbox.unseal(account.token_sealed) if account.token_sealed else None


def regenerate(account: Account) -> str:
    """A new token for ``account``; the old one stops working at once."""
    token = new_token()
    _set_token(account, token)
    account.save(update_fields=["token_hash", "token_hint", "token_sealed"])
    return token


def reset_sandbox(sandbox: Sandbox) -> None:
    """Back to the seeded state: wallets, discounts and permissions as seeded, no orders,
    an empty journal, no armed faults, the clock automatic and unmoved. Tokens stay
    (copied ones keep working). The one place that says what a reset clears: anything else
    a sandbox holds is cleared here too."""
    seeded = {row[0].removeprefix("sandbox-"): row for row in DEMO_ACCOUNTS}
    with transaction.atomic():
        Order.objects.filter(sandbox=sandbox).delete()
        JournalEntry.objects.filter(sandbox=sandbox).delete()
        ArmedFault.objects.filter(sandbox=sandbox).delete()
        for account in sandbox.accounts.all():
            row = seeded.get(account.kind)
            if row is not None:
                _, can_read, can_write, wallet, discount, _what = row
                Account.objects.filter(pk=account.pk).update(
                    balance=wallet, can_read=can_read, can_write=can_write,
                    discount_percent=discount)
        Sandbox.objects.filter(pk=sandbox.pk).update(held=False, frozen_at=None,
                                                     clock_offset=0)


def delete_sandbox(sandbox: Sandbox) -> None:
    """Remove a sandbox with its accounts and orders (the public set is never removed)."""
    if sandbox.is_public:
        raise SandboxRefused("The public demo set cannot be deleted.")
    sandbox.delete()
