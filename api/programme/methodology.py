"""Programme host: the versioned methodology. Coordinators edit drafts, publish, retire,
copy and diff; observers read.

Routes (all under /api/v1/methodology/versions):
    GET, POST             .                      list, create a blank draft
    GET, PATCH, DELETE    {id}                   read (in full), edit or delete a draft
    POST                  {id}/publish, {id}/retire, {id}/copy
    GET                   {id}/diff?against={other id}
    PATCH                 {id}/criteria/{key}    a test's or feature's text and rule
    GET, POST             {id}/questions         a version's questions
    GET, PATCH, DELETE    {id}/questions/{key}
Edits of a published or retired version answer 409 ``version_immutable``.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ProgrammeViewSet
from api.errors import ErrorSerializer
from backend.accounts.models import User
from backend.methodology.diff import methodology_version_diff
from backend.methodology.models import (
    AnswerType,
    Criterion,
    MethodologyVersion,
    Question,
    VersionStatus,
)
from backend.methodology.selectors import (
    methodology_version_full,
    methodology_version_list,
    question_list,
)
from backend.methodology.services import (
    criterion_update,
    methodology_version_copy,
    methodology_version_create,
    methodology_version_delete,
    methodology_version_publish,
    methodology_version_retire,
    methodology_version_update,
    question_create,
    question_delete,
    question_update,
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
        child=serializers.DictField(),
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


IMMUTABLE = {409: ErrorSerializer}


class MethodologyVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProgrammeViewSet):
    """Methodology versions, drafts included. Coordinators write; observers read."""

    serializer_class = MethodologyVersionSerializer
    filterset_class = MethodologyVersionFilterSet
    ordering_fields = ["created_at", "published_at", "label"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[MethodologyVersion]:
        if self.action == "list":
            return methodology_version_list()
        return methodology_version_full()

    def _detail(self, version: MethodologyVersion, code: int = status.HTTP_200_OK) -> Response:
        fresh = methodology_version_full().get(pk=version.pk)
        return Response(MethodologyVersionDetailSerializer(fresh).data, status=code)

    @extend_schema(responses={200: MethodologyVersionDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MethodologyVersionDetailSerializer(self.get_object()).data)

    @extend_schema(
        request=MethodologyVersionCreateSerializer,
        responses={201: MethodologyVersionDetailSerializer},
        description="A blank draft holding the framework's three tests and five features with "
        "default rules and no questions. To start from an existing version, use copy.",
    )
    def create(self, request: Request) -> Response:
        data = MethodologyVersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = methodology_version_create(actor=cast(User, request.user), **data.validated_data)
        return self._detail(version, status.HTTP_201_CREATED)

    @extend_schema(
        request=MethodologyVersionUpdateSerializer,
        responses={200: MethodologyVersionDetailSerializer, **IMMUTABLE},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        data = MethodologyVersionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = methodology_version_update(version=self.get_object(), **data.validated_data)
        return self._detail(version)

    @extend_schema(responses={204: None, **IMMUTABLE}, description="Drafts only.")
    def destroy(self, request: Request, pk: str) -> Response:
        methodology_version_delete(version=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: MethodologyVersionDetailSerializer, **IMMUTABLE},
        description="Freeze the draft. Every test and feature must be informed by a question.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return self._detail(methodology_version_publish(version=self.get_object()))

    @extend_schema(
        request=None,
        responses={200: MethodologyVersionDetailSerializer, **IMMUTABLE},
        description="Retired versions stay readable but can no longer be adopted.",
    )
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        return self._detail(methodology_version_retire(version=self.get_object()))

    @extend_schema(
        request=MethodologyVersionCopySerializer,
        responses={201: MethodologyVersionDetailSerializer},
        description="A new draft with copies of this version's tests, features, rules and "
        "questions, recorded as based on it.",
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str) -> Response:
        data = MethodologyVersionCopySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = methodology_version_copy(
            source=self.get_object(), actor=cast(User, request.user), **data.validated_data
        )
        return self._detail(draft, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "against", OpenApiTypes.INT, required=True, description="The other version's id."
            )
        ],
        responses={200: MethodologyVersionDiffSerializer},
        description="Questions added, removed and changed (by key) going from this version "
        "to the other one.",
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str) -> Response:
        against = request.query_params.get("against", "")
        if not against.isdigit():
            raise serializers.ValidationError({"against": ["Give the other version's id."]})
        other = get_object_or_404(MethodologyVersion, pk=int(against))
        body = methodology_version_diff(base=self.get_object(), other=other)
        return Response(MethodologyVersionDiffSerializer(body).data)

    @extend_schema(
        request=CriterionUpdateSerializer,
        responses={200: CriterionSerializer, **IMMUTABLE},
        description="Reword a test or feature, or change its scoring rule (drafts only).",
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=rf"criteria/(?P<key>{KEY_PATTERN})",
        url_name="criterion",
    )
    def criterion(self, request: Request, pk: str, key: str) -> Response:
        version = self.get_object()
        found = get_object_or_404(Criterion, version=version, key=key)
        data = CriterionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            CriterionSerializer(criterion_update(criterion=found, **data.validated_data)).data
        )


class QuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProgrammeViewSet):
    """The questions of one version, addressed by their stable key."""

    serializer_class = QuestionSerializer
    queryset = Question.objects.none()  # for the schema generator; see get_queryset
    lookup_field = "key"
    lookup_value_regex = KEY_PATTERN
    ordering_fields = ["order", "key"]
    ordering = ["order", "id"]
    filterset_fields = ["answer_type", "required", "evidence_required"]

    def _version(self) -> MethodologyVersion:
        return get_object_or_404(MethodologyVersion, pk=self.kwargs["version_id"])

    def get_queryset(self) -> QuerySet[Question]:
        return question_list(version=self._version())

    @extend_schema(
        request=QuestionCreateSerializer, responses={201: QuestionSerializer, **IMMUTABLE}
    )
    def create(self, request: Request, version_id: str) -> Response:
        data = QuestionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = question_create(version=self._version(), **data.validated_data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=QuestionUpdateSerializer, responses={200: QuestionSerializer, **IMMUTABLE}
    )
    def partial_update(self, request: Request, version_id: str, key: str) -> Response:
        data = QuestionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = question_update(question=self.get_object(), **data.validated_data)
        return Response(QuestionSerializer(question).data)

    @extend_schema(responses={204: None, **IMMUTABLE})
    def destroy(self, request: Request, version_id: str, key: str) -> Response:
        question_delete(question=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
