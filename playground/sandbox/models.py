"""The sandbox's own data: demo accounts with wallets, and their orders."""

from __future__ import annotations

import hashlib
import time
import uuid

from django.db import models


def hash_token(token: str) -> str:
    """Tokens are stored as SHA-256 digests, as a real API would store them."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Sandbox(models.Model):
    """One isolated sandbox: its accounts (wallets, tokens), their orders, and (as later
    issues add them) its journal, clock and armed faults.

    ``owner`` is an ``Owner.id`` (``user:<pk>`` or ``session:<hex>``); the empty string is
    the fixed public demo set (``sandbox-full`` and the rest), which is one sandbox too.
    ``held`` stops paid orders from falling due until released; ``clock_offset`` is how far
    (seconds) the owner has advanced this sandbox's clock past the real one; ``frozen_at``
    is the sandbox time the clock stands at while held (see ``clock.py``).
    """

    PUBLIC_OWNER = ""
    PUBLIC_NAME = "Public demo"

    owner = models.CharField(max_length=150, blank=True, db_index=True)
    name = models.CharField(max_length=64)
    created = models.FloatField(default=time.time)
    held = models.BooleanField(default=False)
    clock_offset = models.FloatField(default=0)
    frozen_at = models.FloatField(null=True, blank=True,
                                  help_text="While held: the sandbox time its clock stands at.")

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="sandbox_unique_name_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.owner == self.PUBLIC_OWNER

    def clock_now(self, real: float) -> float:
        """This sandbox's time when the real time is ``real``: stopped while held, else
        ahead of the real clock by what the owner advanced it (``clock.py`` moves it)."""
        if self.held and self.frozen_at is not None:
            return self.frozen_at
        return real + self.clock_offset

    @classmethod
    def public(cls) -> Sandbox:
        """The public demo set's sandbox (made by migration 0004; made again if missing)."""
        return cls.objects.get_or_create(owner=cls.PUBLIC_OWNER, name=cls.PUBLIC_NAME)[0]


def public_sandbox_id() -> int:
    """The default sandbox of an account: the public demo set. Reads only the key, so the
    migration that adds ``Account.sandbox`` can call it whatever fields come later."""
    pk = (Sandbox.objects.filter(owner=Sandbox.PUBLIC_OWNER, name=Sandbox.PUBLIC_NAME)
          .values_list("pk", flat=True).first())
    return pk if pk is not None else Sandbox.public().pk


class Account(models.Model):
    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="accounts",
                                default=public_sandbox_id)
    name = models.CharField(max_length=64, unique=True, help_text="Shown in the console.")
    kind = models.CharField(max_length=16, blank=True,
                            help_text="Which demo account it copies: full, discount, ...")
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(max_length=8, help_text="Last characters of the token.")
    token_sealed = models.TextField(blank=True, help_text=(
        "A generated token, encrypted (playground.secretbox) so its owner can copy it; "
        "empty for the public demo set, whose tokens are their names."))
    email = models.EmailField()
    fname = models.CharField(max_length=64, blank=True)
    lname = models.CharField(max_length=64, blank=True)
    can_read = models.BooleanField(default=False)
    can_write = models.BooleanField(default=False)
    balance = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def permissions(self) -> list[str]:
        perms = []
        if self.can_read:
            perms.append("account:api_ordering:read")
        if self.can_write:
            perms.append("account:api_ordering:write")
        return perms


class Order(models.Model):
    """An order as stored. ``paid`` turns into its outcome when it falls due (see
    ``services.settle``); the outcome is derived from timestamps, so no worker runs."""

    PAID, PROCESSED, BLOCKED = "paid", "processed", "blocked"
    FAILED, REFUNDED = "failed", "refunded"
    STATUSES = [(s, s) for s in (PAID, PROCESSED, BLOCKED, FAILED, REFUNDED)]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="orders")
    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="orders",
                                help_text="The account's sandbox, kept on the order for its "
                                          "console list, its clock and its reset.")
    type = models.CharField(max_length=64)
    body = models.JSONField(help_text="The request body, parsed.")
    received = models.TextField(help_text="The request body exactly as it arrived.")
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    email = models.CharField(max_length=254)
    fname = models.CharField(max_length=128, blank=True)
    lname = models.CharField(max_length=128, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=PAID)
    outcome = models.CharField(max_length=16, choices=STATUSES, default=PROCESSED,
                               help_text="What a paid order becomes when it falls due.")
    block_reason = models.CharField(max_length=200, blank=True)
    created = models.FloatField(default=time.time)
    due = models.FloatField(help_text="When the processor is done with it, on its sandbox's "
                                      "clock (Unix time plus the sandbox's advance).")
    updated = models.FloatField(default=time.time)
    subaccount_id = models.UUIDField(default=uuid.uuid4, unique=True)
    subaccount_number = models.PositiveIntegerField(default=1)
    pool_size = models.PositiveIntegerField(default=10)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["account", "status", "due"]),
            # The console's recent orders, and retention's "all but the newest N".
            models.Index(fields=["-created"], name="sandbox_order_recent"),
            # Settling every due order (the console), whoever's.
            models.Index(fields=["status", "due"], name="sandbox_order_due"),
            # An account's subaccounts in order, and its next subaccount number.
            models.Index(fields=["account", "status", "created"], name="sandbox_order_listed"),
            models.Index(fields=["account", "subaccount_number"], name="sandbox_order_number"),
            # One sandbox's console list, and its due orders.
            models.Index(fields=["sandbox", "-created"], name="sandbox_order_in_sandbox"),
            models.Index(fields=["sandbox", "status", "due"], name="sandbox_order_sandbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


from playground.sandbox.journal_models import ArmedFault, JournalEntry  # noqa: E402

__all__ = ["Account", "ArmedFault", "JournalEntry", "Order", "Sandbox", "hash_token"]
