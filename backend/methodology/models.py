"""The programme's versioned methodology (public schema): tests, features, questions.

A version is edited only while it is a draft. Once published it is frozen, so
every assessment that names it can always be re-read and re-scored exactly as
it was made. Changes go into a new draft copied from an existing version.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class CriterionKind(models.TextChoices):
    TEST = "test", "Test"
    FEATURE = "feature", "Feature"


class AnswerType(models.TextChoices):
    SCALE_5 = "scale_5", "Five-point scale"
    YES_NO = "yes_no", "Yes or no"
    FREE_TEXT = "free_text", "Free text"


class MethodologyVersion(models.Model):
    """One version of the shared methodology: its criteria, scoring rules and questions.

    ``status`` moves only through ``backend.methodology.services``
    (see ``transitions.VERSION_TRANSITIONS``).
    """

    label = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    change_notes = models.TextField(blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="derived"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"


class Criterion(models.Model):
    """A test (purposeful, proportionate, responsible) or a feature, with its scoring rule.

    The rule works on answers normalised to 0..1: the weighted mean of the
    answers that inform the criterion is compared with the two thresholds,
    and, when ``lowest_required_means_not_met`` is set, any required answer
    at the lowest point makes the verdict "not met" whatever the mean.
    """

    version = models.ForeignKey(
        MethodologyVersion, on_delete=models.CASCADE, related_name="criteria"
    )
    kind = models.CharField(max_length=8, choices=CriterionKind.choices)
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    description = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    met_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    partly_met_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    lowest_required_means_not_met = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="criterion_key_per_version"),
            models.CheckConstraint(
                condition=models.Q(partly_met_threshold__lte=models.F("met_threshold")),
                name="criterion_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version.label}/{self.key}"


class Question(models.Model):
    """A question the assessor answers about a proposal; it informs tests and/or features."""

    version = models.ForeignKey(
        MethodologyVersion, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(max_length=60)
    text = models.TextField()
    guidance = models.TextField(blank=True)
    tests = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    features = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    answer_type = models.CharField(max_length=16, choices=AnswerType.choices)
    scale_labels = ArrayField(
        models.CharField(max_length=120),
        default=list,
        blank=True,
        help_text="Five labels, lowest first, for a five-point scale; empty otherwise.",
    )
    required = models.BooleanField(default=True)
    evidence_required = models.BooleanField(default=False)
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_per_version"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="question_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version.label}/{self.key}"


class MethodologyAdoption(models.Model):
    """An authority's choice of methodology version; its latest row is the version in use.

    Rows are only added, never changed, so the history of what an authority
    used, and since when, stays readable.
    """

    authority = models.ForeignKey(
        "tenants.Authority", on_delete=models.CASCADE, related_name="methodology_adoptions"
    )
    version = models.ForeignKey(
        MethodologyVersion, on_delete=models.PROTECT, related_name="adoptions"
    )
    adopted_at = models.DateTimeField()
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the newest published version was adopted automatically.",
    )

    class Meta:
        ordering = ["-adopted_at", "-id"]
        indexes = [models.Index(fields=["authority", "-adopted_at"])]

    def __str__(self) -> str:
        return f"{self.authority_id} → {self.version_id}"
