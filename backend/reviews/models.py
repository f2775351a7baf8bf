"""Benefit reviews: after an approval, did the sharing deliver what it promised?

The fifth feature of public benefit asks for benefits that are tangible,
recognised and valued. Every approved decision schedules one review; the
sweeper reminds the proposal's owner before and on the due day and marks the
review overdue the day after; the owner records what was measured.
"""

from __future__ import annotations

from django.db import models

from backend.decisions.models import Decision
from backend.proposals.models import Proposal


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    REMINDED = "reminded", "Reminded (due soon)"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    RECORDED = "recorded", "Recorded"


class BenefitsRealised(models.TextChoices):
    FULLY = "fully", "Fully"
    PARTLY = "partly", "Partly"
    NOT_REALISED = "not_realised", "Not realised"


class Recommendation(models.TextChoices):
    CONTINUE = "continue", "Continue"
    AMEND = "amend", "Amend"
    STOP = "stop", "Stop"


class BenefitReview(models.Model):
    """The review of one approved decision: when it falls, and what it found.

    ``remind_at``, ``due_at`` and ``overdue_at`` are the sweeper's due times
    (UK midnights), fixed when the review is scheduled; each notice is sent
    once because the status only moves forward.
    """

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="benefit_review"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    expected_benefits = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED
    )
    remind_at = models.DateTimeField()
    due_at = models.DateTimeField()
    overdue_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    due_notified_at = models.DateTimeField(null=True, blank=True)
    overdue_since = models.DateTimeField(null=True, blank=True)

    benefits_for_individuals = models.TextField(blank=True)
    benefits_for_public = models.TextField(blank=True)
    benefits_realised = models.CharField(
        max_length=16, choices=BenefitsRealised.choices, blank=True
    )
    costs_incurred = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    harms_and_complaints = models.TextField(blank=True)
    complaints_received = models.PositiveIntegerField(null=True, blank=True)
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "remind_at"], name="review_remind_idx"),
            models.Index(fields=["status", "due_at"], name="review_due_idx"),
            models.Index(fields=["status", "overdue_at"], name="review_overdue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="recorded")
                | (~models.Q(recommendation="") & ~models.Q(benefits_realised="")),
                name="recorded_review_has_findings",
            ),
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(status="recorded"),
                name="only_recorded_reviews_are_published",
            ),
        ]

    def __str__(self) -> str:
        return f"review of decision {self.decision_id} due {self.due_on}"
