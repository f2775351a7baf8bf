"""What an authority decided about a proposal (tenant schema)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models

from backend.proposals.models import Proposal, audited_events


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    REJECTED = "rejected", "Rejected"


@pghistory.track(*audited_events())
class Decision(models.Model):
    """The outcome of a proposal, why, and how the public's views shaped it.

    Recording it moves the proposal to ``decided``. Publishing copies the
    allow-listed public fields into the transparency register
    (``backend.register``); ``internal_notes`` and ``decided_by`` never leave
    the authority.
    """

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=32, choices=DecisionOutcome.choices)
    rationale = models.TextField()
    conditions = models.TextField(blank=True)
    public_influence = models.TextField(
        blank=True, help_text="How the public's views shaped the decision."
    )
    internal_notes = models.TextField(blank=True, help_text="Never published.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    decided_at = models.DateTimeField()
    # An approval schedules a benefit review (backend.reviews) on this day, against
    # the benefits the decision expected.
    review_due_on = models.DateField(null=True, blank=True)
    expected_benefits = models.TextField(blank=True)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="decision_conditions_when_conditional",
                condition=~models.Q(outcome="approved_with_conditions") | ~models.Q(conditions=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.outcome}"
