"""Each authority gets its own random calendar-feed secret (one per row, not one for all)."""

import secrets

from django.db import migrations, models

import backend.consultations.tokens


def fill_secrets(apps, schema_editor):
    Authority = apps.get_model("tenants", "Authority")
    for authority in Authority.objects.all().only("pk"):
        Authority.objects.filter(pk=authority.pk).update(
            calendar_feed_secret=secrets.token_urlsafe(32)
        )


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="authority",
            name="calendar_feed_secret",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill_secrets, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="authority",
            name="calendar_feed_secret",
            field=models.CharField(
                default=backend.consultations.tokens.new_feed_secret,
                editable=False,
                max_length=64,
            ),
        ),
    ]
