"""Live data-sharing proposals an authority is considering (tenant schema).

Every model here is tracked by django-pghistory: database triggers write an
event row per insert, update and delete (bulk ``QuerySet.update`` included),
attributed through ``pghistory.context(user=...)`` in the services.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


def audited_events() -> tuple[pghistory.RowEvent, ...]:
    """Inserts, updates and deletes (child lists are replaced on edit, so deletions matter).

    Fresh tracker instances per model: pghistory binds each tracker to one model.
    """
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_ASSESSMENT = "in_assessment", "In assessment"
    IN_CONSULTATION = "in_consultation", "In consultation"
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ServiceArea(models.TextChoices):
    HOUSING = "housing", "Housing"
    CRIMINAL_JUSTICE = "criminal_justice", "Criminal justice"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    WELFARE = "welfare", "Welfare"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other"


class LegalGateway(models.TextChoices):
    CONSENT = "consent", "Consent"
    PUBLIC_TASK = "public_task", "Public task"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
    CONTRACT = "contract", "Contract"
    STATUTORY_GATEWAY = "statutory_gateway", "Specific statutory gateway"
    OTHER = "other", "Other"


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "The authority shares data out"
    INBOUND = "inbound", "The authority receives data"
    TWO_WAY = "two_way", "Both ways"


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    REGULAR = "regular", "Regular"
    CONTINUOUS = "continuous", "Continuous"


class PartnerType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS = "nhs", "NHS body"
    POLICE = "police", "Police"
    CENTRAL_GOVERNMENT = "central_government", "Central government"
    EDUCATION = "education", "Education provider"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary or community sector"
    PRIVATE_SECTOR = "private_sector", "Private sector"
    OTHER = "other", "Other"


class DataKind(models.TextChoices):
    """What a data category is about, from a fixed list, so proposals can be compared by it.

    ``DataCategory.name`` is the authority's own words ("Tenancy arrears",
    "Rent account") and cannot be grouped across authorities; the programme's
    findings group on this instead (docs/findings.md).
    """

    IDENTITY = "identity", "Identity and contact details"
    HOUSEHOLD = "household", "Household and family circumstances"
    HOUSING = "housing", "Housing and tenancy"
    FINANCIAL = "financial", "Financial, tax and benefits"
    EDUCATION = "education", "Education and skills"
    EMPLOYMENT = "employment", "Employment"
    HEALTH = "health", "Health and disability"
    SOCIAL_CARE = "social_care", "Social care"
    CRIMINAL_JUSTICE = "criminal_justice", "Offending and criminal justice"
    LOCATION = "location", "Location and movements"
    OTHER = "other", "Other"
    UNSPECIFIED = "unspecified", "Not classified"


class PartnerRole(models.TextChoices):
    PROVIDER = "provider", "Provides data"
    RECIPIENT = "recipient", "Receives data"
    BOTH = "both", "Provides and receives"


@pghistory.track(*audited_events())
class Proposal(models.Model):
    """A live data-sharing initiative: who shares what personal data with whom, why, and how.

    ``status`` moves only through the services in ``backend.proposals.services``
    (see ``transitions.PROPOSAL_TRANSITIONS``); each move is logged in
    ``ProposalTransition``.
    """

    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    purpose = models.TextField()
    service_areas = ArrayField(
        models.CharField(max_length=32, choices=ServiceArea.choices), default=list
    )
    data_subjects_description = models.TextField(blank=True)
    data_subjects_estimated_count = models.PositiveIntegerField(null=True, blank=True)
    legal_gateway = models.CharField(max_length=32, choices=LegalGateway.choices)
    legal_gateway_detail = models.TextField(blank=True)
    direction = models.CharField(max_length=16, choices=Direction.choices)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    retention_period = models.CharField(max_length=200, blank=True)
    expected_benefits_individuals = models.TextField(blank=True)
    expected_benefits_public = models.TextField(blank=True)
    estimated_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    status = models.CharField(
        max_length=32, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    skip_consultation_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


@pghistory.track(*audited_events())
class DataCategory(models.Model):
    """A category of personal data a proposal shares, flagged when it is sensitive."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="data_categories")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=32,
        choices=DataKind.choices,
        default=DataKind.UNSPECIFIED,
        help_text="What the data is about, from the programme's fixed list (for findings).",
    )
    special_category = models.BooleanField(
        default=False, help_text="UK GDPR Article 9 special category data."
    )
    criminal_offence = models.BooleanField(
        default=False, help_text="Criminal offence data (UK GDPR Article 10)."
    )

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "data categories"

    def __str__(self) -> str:
        return self.name


@pghistory.track(*audited_events())
class Partner(models.Model):
    """An organisation that provides or receives the data."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=32, choices=PartnerType.choices)
    role = models.CharField(max_length=16, choices=PartnerRole.choices)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


@pghistory.track(*audited_events())
class Risk(models.Model):
    """A known risk of the proposal and how it is mitigated."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField()
    mitigation = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:60]


@pghistory.track(*audited_events())
class ProposalTransition(models.Model):
    """One timestamped, attributed move of a proposal between states."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=32, choices=ProposalStatus.choices)
    to_status = models.CharField(max_length=32, choices=ProposalStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class ReferenceCounter(models.Model):
    """The last proposal number used in a year, for references like DSP-2026-0007."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
