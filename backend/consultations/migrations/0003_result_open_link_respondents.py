"""Count open-link respondents apart from the people the authority invited.

Existing results are corrected from the participants: an open-link participant
exists only because they responded, so they move from ``invited`` to
``open_link_respondents``, and the response rate becomes invited respondents
over invited people.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_outbox_backoff_and_change_notices"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultationresult",
            name="open_link_respondents",
            field=models.PositiveIntegerField(
                default=0, help_text="Of those who responded, how many came through the open link."
            ),
        ),
        migrations.AlterField(
            model_name="consultationresult",
            name="invited",
            field=models.PositiveIntegerField(
                help_text="People the authority invited or imported (erased ones too); not open-link respondents."
            ),
        ),
        migrations.AlterField(
            model_name="consultationresult",
            name="responded",
            field=models.PositiveIntegerField(
                help_text="Everyone whose answer is in the figures, open-link respondents included."
            ),
        ),
        migrations.AlterField(
            model_name="consultationresult",
            name="response_rate",
            field=models.FloatField(
                help_text="(responded - open_link_respondents) / invited.", null=True
            ),
        ),
        migrations.RunSQL(
            sql="""
            UPDATE consultations_consultationresult r
            SET open_link_respondents = o.open_link,
                invited = r.invited - o.open_link,
                response_rate = CASE WHEN r.invited - o.open_link > 0
                    THEN round(
                        (GREATEST(r.responded - o.open_link, 0))::numeric
                        / (r.invited - o.open_link), 4)::float8
                    ELSE NULL END
            FROM (
                SELECT consultation_id, count(*) AS open_link
                FROM consultations_participant
                WHERE source = 'open_link'
                GROUP BY consultation_id
            ) o
            WHERE o.consultation_id = r.consultation_id AND o.open_link > 0
        """,
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
