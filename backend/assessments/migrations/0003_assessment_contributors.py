"""Record who contributed to each assessment, so four-eyes review refuses all of them.

Existing assessments are backfilled from what is already recorded: the assessor
started it; every author of an answer version (the pghistory answer events keep
each one, where ``Answer.answered_by`` keeps only the latest); whoever the audit
context names on the move to submitted.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_initial"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AssessmentContributor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "contribution",
                    models.CharField(
                        choices=[
                            ("started", "Started the assessment"),
                            ("answered", "Answered or edited an answer"),
                            ("submitted", "Submitted it for review"),
                        ],
                        max_length=16,
                    ),
                ),
                ("first_at", models.DateTimeField()),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contributors",
                        to="assessments.assessment",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["first_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "user", "contribution"),
                        name="one_row_per_contributor_and_contribution",
                    )
                ],
            },
        ),
        migrations.RunSQL(
            sql=[
                """
            INSERT INTO assessments_assessmentcontributor (assessment_id, user_id, contribution, first_at)
            SELECT id, assessor_id, 'started', created_at FROM assessments_assessment
            ON CONFLICT DO NOTHING
            """,
                """
            INSERT INTO assessments_assessmentcontributor (assessment_id, user_id, contribution, first_at)
            SELECT assessment_id, answered_by_id, 'answered', min(pgh_created_at)
            FROM assessments_answerevent
            WHERE answered_by_id IS NOT NULL
            GROUP BY assessment_id, answered_by_id
            ON CONFLICT DO NOTHING
            """,
                """
            INSERT INTO assessments_assessmentcontributor (assessment_id, user_id, contribution, first_at)
            SELECT e.pgh_obj_id, (c.metadata->>'user')::bigint, 'submitted', min(e.pgh_created_at)
            FROM assessments_assessmentevent e
            JOIN pghistory_context c ON c.id = e.pgh_context_id
            WHERE e.status = 'submitted' AND c.metadata->>'user' ~ '^[0-9]+$'
            GROUP BY e.pgh_obj_id, (c.metadata->>'user')::bigint
            ON CONFLICT DO NOTHING
            """,
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
