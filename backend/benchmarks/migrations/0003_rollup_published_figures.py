from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("benchmarks", "0002_rollup_period_kind_index")]

    operations = [
        migrations.AddField(
            model_name="rollup",
            name="published",
            field=models.JSONField(default=dict),
        ),
    ]
