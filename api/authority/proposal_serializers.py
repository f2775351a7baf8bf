"""Input and output shapes of the proposals API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.representation import ChildRows, FastRepresentation
from backend.accounts.models import User
from backend.proposals.models import (
    DataCategory,
    Direction,
    Frequency,
    LegalGateway,
    Partner,
    Proposal,
    ProposalTransition,
    Risk,
    ServiceArea,
)
from backend.proposals.transitions import PROPOSAL_TRANSITIONS


class UserSummarySerializer(FastRepresentation, serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]
        read_only_fields = fields


class DataCategorySerializer(FastRepresentation, serializers.ModelSerializer[DataCategory]):
    class Meta:
        model = DataCategory
        list_serializer_class = ChildRows
        fields = ["name", "description", "kind", "special_category", "criminal_offence"]


class PartnerSerializer(FastRepresentation, serializers.ModelSerializer[Partner]):
    class Meta:
        model = Partner
        list_serializer_class = ChildRows
        fields = ["name", "organisation_type", "role"]


class RiskSerializer(FastRepresentation, serializers.ModelSerializer[Risk]):
    class Meta:
        model = Risk
        list_serializer_class = ChildRows
        fields = ["description", "mitigation"]


class ProposalSerializer(FastRepresentation, serializers.ModelSerializer[Proposal]):
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    data_categories = DataCategorySerializer(many=True, read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)
    risks = RiskSerializer(many=True, read_only=True)
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The states this proposal can move to next."
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "reference",
            "title",
            "summary",
            "purpose",
            "service_areas",
            "data_categories",
            "data_subjects_description",
            "data_subjects_estimated_count",
            "partners",
            "legal_gateway",
            "legal_gateway_detail",
            "direction",
            "frequency",
            "retention_period",
            "expected_benefits_individuals",
            "expected_benefits_public",
            "risks",
            "estimated_cost",
            "owner",
            "status",
            "allowed_transitions",
            "skip_consultation_reason",
            "submitted_at",
            "decided_at",
            "withdrawn_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_allowed_transitions(self, proposal: Proposal) -> list[str]:
        return PROPOSAL_TRANSITIONS.allowed_from(proposal.status)


class ProposalWriteSerializer(serializers.Serializer[Any]):
    """Create (all required fields) or partial update (any subset)."""

    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    purpose = serializers.CharField()
    service_areas = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceArea.choices), min_length=1
    )
    data_subjects_description = serializers.CharField(required=False, allow_blank=True)
    data_subjects_estimated_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=0
    )
    legal_gateway = serializers.ChoiceField(choices=LegalGateway.choices)
    legal_gateway_detail = serializers.CharField(required=False, allow_blank=True)
    direction = serializers.ChoiceField(choices=Direction.choices)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    retention_period = serializers.CharField(max_length=200, required=False, allow_blank=True)
    expected_benefits_individuals = serializers.CharField(required=False, allow_blank=True)
    expected_benefits_public = serializers.CharField(required=False, allow_blank=True)
    estimated_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    owner = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The owner's user id: a member's `user_id` from GET /api/v1/members (not "
        "the membership `id`), an admin or officer of this authority (400 `owner_not_member` "
        "or `owner_cannot_act` otherwise); defaults to the creator.",
    )
    data_categories = DataCategorySerializer(
        many=True, required=False, help_text="Replaces the whole list when given."
    )
    partners = PartnerSerializer(
        many=True, required=False, help_text="Replaces the whole list when given."
    )
    risks = RiskSerializer(
        many=True, required=False, help_text="Replaces the whole list when given."
    )

    CHILDREN = ("data_categories", "partners", "risks")

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(proposal fields for the service, child lists) from the validated data."""
        fields = dict(self.validated_data)
        children = {name: fields.pop(name) for name in self.CHILDREN if name in fields}
        if "owner" in fields:
            fields["owner_id"] = fields.pop("owner")
        return fields, children


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SkipConsultationSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text="Why the public is not being consulted. Required.")


class ProposalTransitionSerializer(serializers.ModelSerializer[ProposalTransition]):
    by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = ProposalTransition
        fields = ["id", "from_status", "to_status", "at", "by", "reason"]
        read_only_fields = fields
