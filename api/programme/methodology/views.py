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

from typing import cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ProgrammeViewSet
from api.errors import ErrorSerializer
from api.programme.methodology.serializers import (
    KEY_PATTERN,
    CriterionSerializer,
    CriterionUpdateSerializer,
    MethodologyVersionCopySerializer,
    MethodologyVersionCreateSerializer,
    MethodologyVersionDetailSerializer,
    MethodologyVersionDiffSerializer,
    MethodologyVersionFilterSet,
    MethodologyVersionSerializer,
    MethodologyVersionUpdateSerializer,
    QuestionCreateSerializer,
    QuestionSerializer,
    QuestionUpdateSerializer,
)
from backend.accounts.models import User
from backend.methodology.diff import methodology_version_diff
from backend.methodology.models import Criterion, MethodologyVersion, Question
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
