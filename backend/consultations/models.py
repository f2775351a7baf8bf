"""Public consultations on proposals, their participants, responses, results and outbox.

Tenant schema. Status moves only through ``backend.consultations.services``
(see ``transitions.CONSULTATION_TRANSITIONS``). Participants' contact details
are deliberately not tracked by pghistory, so erasing them leaves no copy.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from backend.core.delivery import DeliveryStatus


class ConsultationStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    RESULTS_PUBLISHED = "results_published", "Results published"
    CANCELLED = "cancelled", "Cancelled"


class Consultation(models.Model):
    """A scheduled public engagement activity on one proposal.

    ``starts_at`` and ``ends_at`` are the due times the beat sweeper acts on:
    it opens the consultation at ``starts_at``, reminds non-responders
    ``reminder_lead_minutes`` before ``ends_at`` and closes it at ``ends_at``.
    ``sequence`` is the iCalendar SEQUENCE, bumped on every reschedule and cancel.
    """

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="consultations"
    )
    # The catalogue lives in the public schema; no cross-schema constraint.
    method = models.ForeignKey(
        "engagement.EngagementMethod",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    location = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(null=True, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    reminder_lead_minutes = models.PositiveIntegerField(default=24 * 60)
    budget = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    staff_hours = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    cost_staff = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    cost_venue = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    cost_incentives = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    cost_other = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    open_link_enabled = models.BooleanField(default=False)
    # The open link's token is derived from this salt (see tokens.py), never stored.
    open_link_salt = models.CharField(max_length=64, blank=True)
    open_link_digest = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=32, choices=ConsultationStatus.choices, default=ConsultationStatus.SCHEDULED
    )
    sequence = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    reminders_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    contacts_erased_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["status", "ends_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="consultation_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def actual_cost(self) -> Decimal:
        return self.cost_staff + self.cost_venue + self.cost_incentives + self.cost_other


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    AGE_18_24 = "18_24", "18-24"
    AGE_25_34 = "25_34", "25-34"
    AGE_35_44 = "35_44", "35-44"
    AGE_45_54 = "45_54", "45-54"
    AGE_55_64 = "55_64", "55-64"
    AGE_65_74 = "65_74", "65-74"
    AGE_75_PLUS = "75_plus", "75 and over"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Gender(models.TextChoices):
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Another way"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Ethnicity(models.TextChoices):
    """The five high-level ONS 2021 census groups for England and Wales."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class DeprivationQuintile(models.TextChoices):
    """Quintiles of the Index of Multiple Deprivation for the area the person lives in
    (1 is the most deprived fifth of neighbourhoods, 5 the least)."""

    QUINTILE_1 = "quintile_1", "1 (most deprived fifth)"
    QUINTILE_2 = "quintile_2", "2"
    QUINTILE_3 = "quintile_3", "3"
    QUINTILE_4 = "quintile_4", "4"
    QUINTILE_5 = "quintile_5", "5 (least deprived fifth)"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class ParticipantSource(models.TextChoices):
    INVITED = "invited", "Invited by staff"
    IMPORTED = "imported", "Imported from CSV"
    OPEN_LINK = "open_link", "Joined through the open link"


class Participant(models.Model):
    """A member of the public invited to (or joining) one consultation.

    The invitation token is derived from ``token_salt`` with the server's key
    (see tokens.py) so emails can carry it, while the database holds only its
    SHA-256 ``token_digest``. ``email`` and ``full_name`` are contact details,
    blanked by erasure (``erased_at``); demographics stay for analysis.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    email = models.EmailField(blank=True)
    full_name = models.CharField(max_length=200, blank=True)
    age_band = models.CharField(max_length=32, choices=AgeBand.choices, blank=True)
    gender = models.CharField(max_length=32, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=32, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=32, choices=Disability.choices, blank=True)
    deprivation_quintile = models.CharField(
        max_length=32, choices=DeprivationQuintile.choices, blank=True
    )
    postcode_district = models.CharField(max_length=4, blank=True)
    source = models.CharField(
        max_length=16, choices=ParticipantSource.choices, default=ParticipantSource.INVITED
    )
    token_salt = models.CharField(max_length=64, blank=True)
    token_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "email"],
                condition=~Q(email=""),
                name="participant_email_once_per_consultation",
            )
        ]

    def __str__(self) -> str:
        return f"participant {self.pk}"


class Agreement(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEUTRAL = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


class Acceptability(models.IntegerChoices):
    VERY_UNACCEPTABLE = 1, "Very unacceptable"
    UNACCEPTABLE = 2, "Unacceptable"
    NEUTRAL = 3, "Neither acceptable nor unacceptable"
    ACCEPTABLE = 4, "Acceptable"
    VERY_ACCEPTABLE = 5, "Very acceptable"


_five_point = [MinValueValidator(1), MaxValueValidator(5)]


class Response(models.Model):
    """One participant's answer; a resubmission before close replaces it in place."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="response"
    )
    acceptability = models.PositiveSmallIntegerField(
        choices=Acceptability.choices, validators=_five_point
    )
    purposeful = models.PositiveSmallIntegerField(choices=Agreement.choices, validators=_five_point)
    proportionate = models.PositiveSmallIntegerField(
        choices=Agreement.choices, validators=_five_point
    )
    responsible = models.PositiveSmallIntegerField(
        choices=Agreement.choices, validators=_five_point
    )
    conditions = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acceptability__gte=1, acceptability__lte=5)
                & Q(purposeful__gte=1, purposeful__lte=5)
                & Q(proportionate__gte=1, proportionate__lte=5)
                & Q(responsible__gte=1, responsible__lte=5),
                name="response_scales_one_to_five",
            )
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"


class ConsultationResult(models.Model):
    """The figures computed once, when the consultation closes.

    One row per consultation (the one-to-one key is what makes a repeated
    close compute nothing twice). Open-link respondents chose themselves, so
    they are counted apart and kept out of the response rate. ``figures``
    holds the distributions, the agreement per test and the public-vs-officer
    gap per test.
    """

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="result"
    )
    invited = models.PositiveIntegerField(
        help_text="People the authority invited or imported (erased ones too); "
        "not open-link respondents."
    )
    responded = models.PositiveIntegerField(
        help_text="Everyone whose answer is in the figures, open-link respondents included."
    )
    open_link_respondents = models.PositiveIntegerField(
        default=0, help_text="Of those who responded, how many came through the open link."
    )
    response_rate = models.FloatField(
        null=True, help_text="(responded - open_link_respondents) / invited."
    )
    net_acceptability = models.FloatField(null=True)
    actual_cost = models.DecimalField(max_digits=12, decimal_places=2)
    cost_per_participant = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"results of consultation {self.consultation_id}"


class OutboxKind(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    REMINDER = "reminder", "Reminder"
    THANK_YOU = "thank_you", "Thank-you with results"
    OWNER_RESULTS = "owner_results", "Results to the proposal's owner"
    RESCHEDULED = "rescheduled", "The consultation moved"
    CANCELLED = "cancelled", "The consultation was cancelled"


# One status vocabulary for every outbox (see backend.core.delivery).
OutboxStatus = DeliveryStatus


class OutboxMessage(models.Model):
    """An email to send, written in the same transaction as the change that causes it.

    Holds references, not addresses or tokens: the relay renders the message
    when it sends it, so erasing a participant leaves nothing here to scrub.
    ``idempotency_key`` (consultation, participant or user, kind, and for
    reschedule/cancel notices the consultation's ``sequence``) is unique, so a
    repeated transition cannot queue a second copy. Delivery, backoff
    (``next_attempt_at``) and giving up (``failed``) follow backend.core.delivery.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=32, choices=OutboxKind.choices)
    idempotency_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ]

    def __str__(self) -> str:
        return self.idempotency_key
