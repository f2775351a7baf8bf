"""Assessments: one run of a methodology version on a proposal (tenant schema).

The version lives in the public schema; the foreign key to it carries no
database constraint because tenant tables cannot reference public ones
reliably across schema copies, and ``DO_NOTHING`` keeps Django's delete
collector out of tenant tables when a (draft) version is deleted from the
public schema. Only published versions are ever assessed, and those cannot be
deleted.
"""

from __future__ import annotations

from typing import Any

import pghistory
from django.conf import settings
from django.db import models

from backend.methodology.models import MethodologyVersion
from backend.proposals.models import Proposal


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SIGNED_OFF = "signed_off", "Signed off"


OPEN_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED)


def _user_fk(*, null: bool = False) -> Any:
    # Users live in the public schema; see the module docstring on DO_NOTHING.
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        null=null,
        blank=null,
    )


@pghistory.track()
class Assessment(models.Model):
    """One run of the methodology on a proposal: answers, then server-computed verdicts.

    ``status`` moves only through ``backend.assessments.services``
    (see ``transitions.ASSESSMENT_TRANSITIONS``). ``verdicts`` is written only
    by ``assessment_submit``, never from client input.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="assessments")
    methodology_version = models.ForeignKey(
        MethodologyVersion,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    status = models.CharField(
        max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessor = _user_fk()
    reviewer = _user_fk(null=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = _user_fk(null=True)
    return_comment = models.TextField(blank=True)
    verdicts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["proposal", "status"])]
        constraints = [
            # The service refuses a second open assessment with a clear 409; this
            # catches the race between two concurrent starts.
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="one_open_assessment_per_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk} of proposal {self.proposal_id} ({self.status})"


@pghistory.track()
class Answer(models.Model):
    """The assessor's answer to one question, with the evidence behind it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question_key = models.SlugField(max_length=60)
    value = models.JSONField(
        null=True, blank=True, help_text="1..5, true/false or text, by the question's type."
    )
    evidence = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    answered_by = _user_fk(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_key"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.question_key}"


class Contribution(models.TextChoices):
    STARTED = "started", "Started the assessment"
    ANSWERED = "answered", "Answered or edited an answer"
    SUBMITTED = "submitted", "Submitted it for review"


class AssessmentContributor(models.Model):
    """Who contributed to an assessment, and how: one row per person and kind of contribution.

    Written by the assessment services in the same transaction as the
    contribution, and never removed (a return to draft keeps them), so
    four-eyes review is one indexed lookup: nobody with a row here may sign
    the assessment off or return it. ``Answer.answered_by`` keeps only the
    latest editor of each answer; this keeps everyone.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="contributors"
    )
    user = _user_fk()
    contribution = models.CharField(max_length=16, choices=Contribution.choices)
    first_at = models.DateTimeField()

    class Meta:
        ordering = ["first_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user", "contribution"],
                name="one_row_per_contributor_and_contribution",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: user {self.user_id} {self.contribution}"
