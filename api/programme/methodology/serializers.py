"""Serializers for methodology versions, their tests, features and questions (read on both
the programme and authority hosts; write inputs on the programme host)."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.typed_json import FieldChangeValueSerializer
from backend.methodology.models import (
    AnswerType,
    Criterion,
    MethodologyVersion,
    Question,
    VersionStatus,
)
from backend.methodology.transitions import VERSION_TRANSITIONS

KEY_PATTERN = r"[-a-zA-Z0-9_]+"


class CriterionSerializer(serializers.ModelSerializer[Criterion]):
    class Meta:
        model = Criterion
        fields = [
            "key",
            "name",
            "description",
            "order",
            "met_threshold",
            "partly_met_threshold",
            "lowest_required_means_not_met",
        ]
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer[Question]):
    class Meta:
        model = Question
        fields = [
            "key",
            "text",
            "guidance",
            "tests",
            "features",
            "answer_type",
            "scale_labels",
            "required",
            "evidence_required",
            "weight",
            "order",
        ]
        read_only_fields = fields


class MethodologyVersionSerializer(serializers.ModelSerializer[MethodologyVersion]):
    question_count = serializers.IntegerField(read_only=True)
    based_on_label = serializers.CharField(
        source="based_on.label", read_only=True, allow_null=True, default=None
    )
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = MethodologyVersion
        fields = [
            "id",
            "label",
            "status",
            "published_at",
            "retired_at",
            "change_notes",
            "based_on",
            "based_on_label",
            "question_count",
            "allowed_transitions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, version: MethodologyVersion) -> list[str]:
        return VERSION_TRANSITIONS.allowed_from(version.status)


class MethodologyVersionDetailSerializer(MethodologyVersionSerializer):
    """A version in full: its three tests and five features (with scoring rules) and questions."""

    tests = serializers.SerializerMethodField()
    features = serializers.SerializerMethodField()
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta(MethodologyVersionSerializer.Meta):
        fields = [*MethodologyVersionSerializer.Meta.fields, "tests", "features", "questions"]
        read_only_fields = fields

    def _criteria(self, version: MethodologyVersion, kind: str) -> list[dict[str, Any]]:
        return [
            CriterionSerializer(c).data
            for c in sorted(version.criteria.all(), key=lambda c: (c.order, c.pk))
            if c.kind == kind
        ]

    @extend_schema_field(CriterionSerializer(many=True))
    def get_tests(self, version: MethodologyVersion) -> list[dict[str, Any]]:
        return self._criteria(version, "test")

    @extend_schema_field(CriterionSerializer(many=True))
    def get_features(self, version: MethodologyVersion) -> list[dict[str, Any]]:
        return self._criteria(version, "feature")


class MethodologyVersionCreateSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(max_length=20)  # type: ignore[assignment]
    change_notes = serializers.CharField(required=False, allow_blank=True, default="")


class MethodologyVersionUpdateSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(max_length=20, required=False)  # type: ignore[assignment]
    change_notes = serializers.CharField(required=False, allow_blank=True)


class CriterionUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    met_threshold = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=0, max_value=1, required=False
    )
    partly_met_threshold = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=0, max_value=1, required=False
    )
    lowest_required_means_not_met = serializers.BooleanField(required=False)


class QuestionWriteSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    guidance = serializers.CharField(required=False, allow_blank=True)
    tests = serializers.ListField(child=serializers.SlugField(max_length=40), required=False)
    features = serializers.ListField(child=serializers.SlugField(max_length=40), required=False)
    answer_type = serializers.ChoiceField(choices=AnswerType.choices)
    scale_labels = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=5
    )
    required = serializers.BooleanField(required=False)  # type: ignore[assignment]
    evidence_required = serializers.BooleanField(required=False)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class QuestionCreateSerializer(QuestionWriteSerializer):
    key = serializers.SlugField(max_length=60)


class QuestionUpdateSerializer(QuestionWriteSerializer):
    text = serializers.CharField(required=False)
    answer_type = serializers.ChoiceField(choices=AnswerType.choices, required=False)


class MethodologyVersionCopySerializer(serializers.Serializer[Any]):
    label = serializers.CharField(  # type: ignore[assignment]
        max_length=20, help_text="The new draft's label."
    )
    change_notes = serializers.CharField(required=False, allow_blank=True, default="")


class FieldChangeSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    fields = serializers.DictField(  # type: ignore[assignment]
        child=FieldChangeValueSerializer(),
        help_text='Field name → {"from": old, "to": new}.',
    )


class MethodologyVersionDiffSerializer(serializers.Serializer[Any]):
    base = serializers.IntegerField(help_text="The version compared from.")
    other = serializers.IntegerField(help_text="The version compared to.")
    added = serializers.ListField(
        child=serializers.CharField(), help_text="Question keys only in the other version."
    )
    removed = serializers.ListField(
        child=serializers.CharField(), help_text="Question keys only in the base version."
    )
    changed = FieldChangeSerializer(many=True, help_text="Questions in both that differ.")
    criteria_changed = FieldChangeSerializer(
        many=True, help_text="Tests and features whose text or rule differ."
    )


class MethodologyVersionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=VersionStatus.choices)

    class Meta:
        model = MethodologyVersion
        fields = ["status"]
