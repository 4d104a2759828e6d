from django.db import migrations


def seed(apps, schema_editor):
    from playground.sandbox.demo import seed_demo_accounts

    seed_demo_accounts(apps.get_model("sandbox", "Account"))


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
