import hashlib

from django.db import migrations


def seed(apps, schema_editor):
    from playground.sandbox.demo import DEMO_ACCOUNTS

    Account = apps.get_model("sandbox", "Account")
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
        }
        # Re-running keeps a wallet's balance; only a new account gets the starting one.
        Account.objects.update_or_create(
            name=name, defaults=fields, create_defaults={**fields, "balance": wallet}
        )


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
