"""The demo credentials (CONTRACT.md section 5). Public by design: they only open the
sandbox. The migration that seeds them and the console both read this table."""

from decimal import Decimal

# name (also the token), can_read, can_write, wallet, discount percent, what it shows
DEMO_ACCOUNTS = [
    ("sandbox-full", True, True, Decimal("250.00"), Decimal("0"),
     "Everything works."),
    ("sandbox-discount", True, True, Decimal("250.00"), Decimal("10"),
     "A 10 % API-ordering discount after any coupon."),
    ("sandbox-readonly", True, False, Decimal("50.00"), Decimal("0"),
     "Status and balance work; placing an order gets the 403."),
    ("sandbox-writeonly", False, True, Decimal("250.00"), Decimal("0"),
     "Placing works; status and balance get the 403."),
    ("sandbox-disabled", False, False, Decimal("50.00"), Decimal("0"),
     "No API-ordering permission at all."),
    ("sandbox-empty", True, True, Decimal("0.00"), Decimal("0"),
     "An empty wallet: every order gets the insufficient-balance 400."),
]
DEMO_TOKENS = [row[0] for row in DEMO_ACCOUNTS]
DEMO_DESCRIPTIONS = {row[0]: row[5] for row in DEMO_ACCOUNTS}


def seed_demo_accounts(Account) -> None:
    """Create the demo accounts, or restore their names, tokens and permissions.

    Idempotent: an existing wallet keeps its balance. ``Account`` is the model class (the
    historical one inside a migration).
    """
    import hashlib

    has_kind = any(f.name == "kind" for f in Account._meta.get_fields())  # 0005 adds it
    for name, can_read, can_write, wallet, discount, _what in DEMO_ACCOUNTS:
        fields = {
            "token_hash": hashlib.sha256(name.encode()).hexdigest(),
            "token_hint": name[-4:],
            "email": f"{name}@example.com",
            "fname": "Sandbox",
            "lname": name.removeprefix("sandbox-").capitalize(),
            "can_read": can_read,
            "can_write": can_write,
            "discount_percent": discount,
            **({"kind": name.removeprefix("sandbox-")} if has_kind else {}),
        }
        Account.objects.update_or_create(
            name=name, defaults=fields, create_defaults={**fields, "balance": wallet}
        )
