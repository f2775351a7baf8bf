"""Cross-authority benchmark figures, kept in the public schema and refreshed by tasks.

Requests read these tables only; no request scans the authorities' schemas.
"""

from __future__ import annotations

from django.db import models

from tenants.models import Authority


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    ALL = "all", "All time"


class Rollup(models.Model):
    """One authority's figures for one period and one segment.

    ``period_key`` is ``all``, ``2026-Q4`` or ``2026-11``; ``segment`` is ``all``,
    ``service_area:<area>`` or ``method:<method key>``. ``sample_sizes`` holds the
    numbers of responses and participants behind the figures, which decide
    disclosure control (``published``) when the rollup is computed.
    """

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="rollups")
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_key = models.CharField(max_length=10)
    period_start = models.DateField(null=True, blank=True)
    segment = models.CharField(max_length=64, default="all")
    figures = models.JSONField(default=dict)
    sample_sizes = models.JSONField(default=dict)
    # The figures as anyone but the authority may see them (``backend.disclosure``),
    # decided when the rollup is computed: {"figures": {...}, "withheld": {key: reason}}.
    # Empty for a rollup computed before it existed: everything is withheld until refresh.
    published = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["authority_id", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "period_key", "segment"], name="one_rollup_per_slice"
            )
        ]
        indexes = [
            models.Index(fields=["period_key", "segment"]),
            # Time series read one segment of every authority's months or quarters.
            models.Index(fields=["period_kind", "segment"]),
        ]

    def __str__(self) -> str:
        return f"{self.authority_id} {self.period_key} {self.segment}"


class Pseudonym(models.Model):
    """A stable, random public number for an authority that did not consent to be named.

    The number is drawn at random when first needed, so it reveals nothing about
    the authority's name, slug, id or joining order, and never changes.
    """

    authority = models.OneToOneField(Authority, on_delete=models.CASCADE, related_name="pseudonym")
    number = models.PositiveIntegerField(unique=True)

    def __str__(self) -> str:
        return f"Authority {self.number}"

    @property
    def label(self) -> str:
        return f"Authority {self.number}"


class RefreshRequest(models.Model):
    """An authority whose figures changed; the sweeper refreshes it once things settle.

    Debounces bursts of changes: many decisions recorded in a minute cause one
    recompute, ``settle_seconds`` after the last of them.
    """

    authority = models.OneToOneField(
        Authority, on_delete=models.CASCADE, related_name="rollup_refresh_request"
    )
    requested_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.authority_id} at {self.requested_at:%Y-%m-%d %H:%M:%S}"
