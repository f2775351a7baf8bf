"""Input and output shapes of decisions (authority host; the register has its own)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.authority.proposal_serializers import UserSummarySerializer
from backend.decisions.models import Decision, DecisionOutcome


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    proposal_reference = serializers.CharField(source="proposal.reference", read_only=True)
    decided_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "proposal",
            "proposal_reference",
            "outcome",
            "rationale",
            "conditions",
            "public_influence",
            "internal_notes",
            "decided_by",
            "decided_at",
            "review_due_on",
            "expected_benefits",
            "published",
            "published_at",
        ]
        read_only_fields = fields


class DecisionRecordSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    rationale = serializers.CharField()
    conditions = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the outcome is approved_with_conditions.",
    )
    public_influence = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="How the public's views shaped it."
    )
    internal_notes = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Never published."
    )
    review_due_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Approvals only: when the benefit review falls (after today); defaults to "
        "REVIEW_DEFAULT_MONTHS (12) months after the decision.",
    )
    expected_benefits = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Approvals only: the benefits the review will measure against.",
    )
