"""Sandboxes: every account belongs to one; the existing demo accounts to the public one."""

import time

import django.db.models.deletion
from django.db import migrations, models

import playground.sandbox.models


def public_sandbox(apps, schema_editor):
    Sandbox = apps.get_model("sandbox", "Sandbox")
    Account = apps.get_model("sandbox", "Account")
    public, _ = Sandbox.objects.get_or_create(owner="", name="Public demo")
    Account.objects.filter(sandbox__isnull=True).update(sandbox=public)


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0003_order_indexes")]

    operations = [
        migrations.CreateModel(
            name="Sandbox",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("owner", models.CharField(blank=True, db_index=True, max_length=150)),
                ("name", models.CharField(max_length=64)),
                ("created", models.FloatField(default=time.time)),
                ("held", models.BooleanField(default=False)),
                ("clock_offset", models.FloatField(default=0)),
            ],
            options={"ordering": ["created", "id"]},
        ),
        migrations.AddConstraint(
            model_name="sandbox",
            constraint=models.UniqueConstraint(fields=("owner", "name"),
                                               name="sandbox_unique_name_per_owner"),
        ),
        migrations.AddField(
            model_name="account",
            name="sandbox",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="accounts", to="sandbox.sandbox"),
        ),
        migrations.RunPython(public_sandbox, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="account",
            name="sandbox",
            field=models.ForeignKey(default=playground.sandbox.models.public_sandbox_id,
                                    on_delete=django.db.models.deletion.CASCADE,
                                    related_name="accounts", to="sandbox.sandbox"),
        ),
    ]
