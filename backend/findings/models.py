"""Programme findings: one row of scenario facts per consultation held, in the public schema.

Kept in step by the domain events (``backend.findings.reactions``) and rebuilt
from every authority's schema by ``findings_rebuild``; requests read these rows
only, never the authorities' schemas. A row holds no personal data: the
proposal's controlled attributes and sums over its consultation's responses.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.models import Authority


class ScenarioFact(models.Model):
    """What one held consultation's proposal shares, and what its respondents thought.

    The scenario attributes are copied from the proposal (data kinds,
    sensitive-data flags, partner types, direction, frequency, service areas,
    legal gateway); the opinion sums follow ``backend.consultations.opinion``;
    the officers' view is the proposal's latest signed-off assessment.
    """

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="scenario_facts"
    )
    consultation_id = models.PositiveIntegerField()
    proposal_id = models.PositiveIntegerField()
    held_at = models.DateTimeField()
    results_published = models.BooleanField(default=False)
    data_kinds = ArrayField(models.CharField(max_length=32), default=list)
    special_category = models.BooleanField(default=False)
    criminal_offence = models.BooleanField(default=False)
    partner_types = ArrayField(models.CharField(max_length=32), default=list)
    direction = models.CharField(max_length=16)
    frequency = models.CharField(max_length=16)
    service_areas = ArrayField(models.CharField(max_length=32), default=list)
    legal_gateway = models.CharField(max_length=32)
    respondents = models.PositiveIntegerField(default=0)
    acceptable = models.PositiveIntegerField(default=0)
    unacceptable = models.PositiveIntegerField(default=0)
    # Per test: sum over responses of (public - officers) on 0..1, and how many responses.
    gap_sum = models.JSONField(default=dict)
    gap_count = models.JSONField(default=dict)
    officer_verdicts = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["authority_id", "consultation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "consultation_id"], name="one_fact_per_consultation"
            )
        ]
        indexes = [models.Index(fields=["authority", "proposal_id"])]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.consultation_id}"


class FindingsPublication(models.Model):
    """Whether the aggregated findings are published to the public (one row; off by default)."""

    published = models.BooleanField(default=False)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return "published" if self.published else "not published"


class FindingsPublicationChange(models.Model):
    """The audit trail of the publication switch: who turned it on or off, when and why."""

    published = models.BooleanField()
    reason = models.TextField(blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{'on' if self.published else 'off'} at {self.at:%Y-%m-%d %H:%M}"


class FindingsTable(models.Model):
    """The published findings, after disclosure control: what every request reads (one row).

    Written whole by ``findings_table_refresh`` in one statement, so a reader
    sees the previous table or the new one, never a mixture. ``cells`` maps a
    cell's name (``backend.findings.table.cell_name``) to its rendered row;
    ``facts_version`` fingerprints the facts and rules it was computed from.
    """

    cells = models.JSONField()
    policy = models.JSONField()
    facts_version = models.CharField(max_length=64)
    facts_count = models.PositiveIntegerField()
    facts_computed_at = models.DateTimeField(null=True)
    # When the facts were read: a slower, older computation never replaces a newer one.
    facts_read_at = models.DateTimeField()
    computed_at = models.DateTimeField()
    compute_seconds = models.FloatField()

    def __str__(self) -> str:
        return f"findings at {self.computed_at:%Y-%m-%d %H:%M:%S}"


class FindingsRefreshRequest(models.Model):
    """Some scenario facts changed; the sweeper recomputes the table once they settle (one row)."""

    requested_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"requested at {self.requested_at:%Y-%m-%d %H:%M:%S}"
