"""The programme around the authorities: who is joining, and how the programme is paid for.

All of it lives in the public schema and is the coordinators' own record.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from tenants.models import Authority, AuthorityKind, Nation


class Workshop(models.Model):
    """A programme workshop where organisations hear about the pilots and sign up."""

    name = models.CharField(max_length=200)
    held_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.held_on:%d %b %Y})"


class EnrolmentStage(models.TextChoices):
    EXPRESSION_OF_INTEREST = "expression_of_interest", "Expression of interest"
    COMMITTED_IN_PRINCIPLE = "committed_in_principle", "Committed in principle"
    FORMALLY_COLLABORATING = "formally_collaborating", "Formally collaborating"
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Enrolment(models.Model):
    """One organisation's way into the programme, from first interest to active pilot.

    It exists before the organisation has an authority (a schema); the
    authority is linked when it is onboarded and must be linked before the
    enrolment becomes active.
    """

    organisation_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=AuthorityKind.choices)
    nation = models.CharField(max_length=32, choices=Nation.choices, default=Nation.ENGLAND)
    workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    authority = models.OneToOneField(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolment"
    )
    stage = models.CharField(
        max_length=32,
        choices=EnrolmentStage.choices,
        default=EnrolmentStage.EXPRESSION_OF_INTEREST,
    )
    agreement_date = models.DateField(
        null=True, blank=True, help_text="When the collaboration agreement was signed."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage__in=["formally_collaborating", "active"])
                | Q(agreement_date__isnull=False),
                name="collaborating_needs_agreement_date",
            ),
            models.CheckConstraint(
                condition=~Q(stage="active") | Q(authority__isnull=False),
                name="active_needs_authority",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation_name


class EnrolmentTransition(models.Model):
    """Who moved an enrolment from one stage to the next, when, and why."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=32, choices=EnrolmentStage.choices)
    to_stage = models.CharField(max_length=32, choices=EnrolmentStage.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class FunderKind(models.TextChoices):
    AUTHORITY = "authority", "Participating authority"
    OTHER = "other", "Other funder"


class FundingEntryKind(models.TextChoices):
    PLEDGE = "pledge", "Pledged"
    RECEIPT = "receipt", "Received"


class FundingEntry(models.Model):
    """A line in the programme's ledger: money pledged or received, from whom, when.

    The ledger is append-only: a mistake is corrected by a further entry with
    a negative amount and a note, so the history of the figures is kept.
    """

    kind = models.CharField(max_length=16, choices=FundingEntryKind.choices)
    funder_kind = models.CharField(max_length=16, choices=FunderKind.choices)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="funding"
    )
    funder_name = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(funder_kind="authority") & Q(authority__isnull=False))
                | (Q(funder_kind="other") & Q(authority__isnull=True) & ~Q(funder_name="")),
                name="funder_is_an_authority_or_named",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="funding_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.on}"


class ConsultationCost(models.Model):
    """What a closed consultation cost and how many took part, copied when it closes.

    Kept in step by the ledger's reaction to the consultations' events, so the
    programme's cost figures never read an authority's schema.
    """

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="consultation_costs"
    )
    consultation_id = models.BigIntegerField()
    proposal_id = models.BigIntegerField()
    closed_on = models.DateField()
    cost = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    participants = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-closed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "consultation_id"], name="one_cost_per_consultation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.consultation_id}: {self.cost}"
