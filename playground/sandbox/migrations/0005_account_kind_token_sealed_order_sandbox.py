"""Per-person sandboxes: an account's kind and its sealed generated token; each order keeps
its sandbox (for one sandbox's list, clock and reset); a held clock's frozen time."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Account = apps.get_model("sandbox", "Account")
    Order = apps.get_model("sandbox", "Order")
    for account in Account.objects.filter(kind="", name__startswith="sandbox-"):
        Account.objects.filter(pk=account.pk).update(kind=account.name.removeprefix("sandbox-"))
    Order.objects.filter(sandbox__isnull=True).update(sandbox=Subquery(
        Account.objects.filter(pk=OuterRef("account_id")).values("sandbox_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0004_sandbox")]

    operations = [
        migrations.AddField(
            model_name="sandbox",
            name="frozen_at",
            field=models.FloatField(blank=True, null=True,
                                    help_text="While held: the sandbox time its clock stands at."),
        ),
        migrations.AddField(
            model_name="account",
            name="kind",
            field=models.CharField(blank=True, max_length=16,
                                   help_text="Which demo account it copies: full, discount, ..."),
        ),
        migrations.AddField(
            model_name="account",
            name="token_sealed",
            field=models.TextField(blank=True, help_text=(
                "A generated token, encrypted (playground.secretbox) so its owner can copy it; "
                "empty for the public demo set, whose tokens are their names.")),
        ),
        migrations.AddField(
            model_name="order",
            name="sandbox",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="orders", to="sandbox.sandbox"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="order",
            name="sandbox",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                    related_name="orders", to="sandbox.sandbox",
                                    help_text="The account's sandbox, kept on the order for "
                                              "its console list, its clock and its reset."),
        ),
        migrations.AlterField(
            model_name="order",
            name="due",
            field=models.FloatField(help_text="When the processor is done with it, on its "
                                              "sandbox's clock (Unix time plus the sandbox's "
                                              "advance)."),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["sandbox", "-created"], name="sandbox_order_in_sandbox"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["sandbox", "status", "due"],
                               name="sandbox_order_sandbox_due"),
        ),
    ]
