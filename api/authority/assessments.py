"""Authority host: assessments of proposals against the methodology.

    GET, POST  /api/v1/assessments                 list (filter proposal, status), start one
    GET        /api/v1/assessments/{id}            in full, with answers and verdicts
    POST       /api/v1/assessments/{id}/answers    save some answers (all or nothing)
    POST       /api/v1/assessments/{id}/submit     check completeness, compute verdicts
    POST       /api/v1/assessments/{id}/sign-off   a second officer or admin completes it
    POST       /api/v1/assessments/{id}/return     back to draft with a comment
Every member reads; officers and admins write.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import AuthorityViewSet
from api.errors import ErrorSerializer
from api.typed_json import AnswerValueField, BlankAsNullURLField
from backend.accounts.models import User
from backend.assessments.models import Answer, Assessment, AssessmentContributor, AssessmentStatus
from backend.assessments.selectors import assessment_detail_list, assessment_list
from backend.assessments.services import (
    MAX_TEXT_ANSWER,
    assessment_answers_save,
    assessment_return,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
)
from backend.assessments.transitions import ASSESSMENT_TRANSITIONS
from backend.methodology.scoring import VERDICTS
from backend.proposals.models import Proposal


class PersonSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]
        read_only_fields = fields


class CriterionScoreSerializer(serializers.Serializer[Any]):
    score = serializers.FloatField(allow_null=True, help_text="Weighted mean on 0..1.")
    answered = serializers.IntegerField(help_text="Scored answers that informed it.")
    lowest_required = serializers.ListField(
        child=serializers.CharField(),
        help_text="Required questions answered at the lowest point (forcing not_met).",
    )


class ScoresSerializer(serializers.Serializer[Any]):
    tests = serializers.DictField(child=CriterionScoreSerializer())
    features = serializers.DictField(child=CriterionScoreSerializer())


class VerdictsSerializer(serializers.Serializer[Any]):
    tests = serializers.DictField(
        child=serializers.ChoiceField(choices=VERDICTS), help_text="Test key → verdict."
    )
    features = serializers.DictField(
        child=serializers.ChoiceField(choices=VERDICTS), help_text="Feature key → verdict."
    )
    overall = serializers.ChoiceField(choices=VERDICTS)
    scores = ScoresSerializer()


class AnswerSerializer(serializers.ModelSerializer[Answer]):
    question = serializers.CharField(source="question_key", read_only=True)
    value = AnswerValueField(read_only=True, allow_null=True)
    link = BlankAsNullURLField(read_only=True, help_text="Null when there is none.")

    class Meta:
        model = Answer
        fields = ["question", "value", "evidence", "link", "answered_by", "updated_at"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    proposal_reference = serializers.CharField(source="proposal.reference", read_only=True)
    methodology_version_label = serializers.CharField(
        source="methodology_version.label", read_only=True
    )
    assessor = PersonSerializer(read_only=True)
    reviewer = PersonSerializer(read_only=True, allow_null=True)
    returned_by = PersonSerializer(read_only=True, allow_null=True)
    verdicts = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "proposal",
            "proposal_reference",
            "methodology_version",
            "methodology_version_label",
            "status",
            "allowed_transitions",
            "assessor",
            "reviewer",
            "submitted_at",
            "signed_off_at",
            "returned_at",
            "returned_by",
            "return_comment",
            "verdicts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(VerdictsSerializer(allow_null=True))
    def get_verdicts(self, assessment: Assessment) -> dict[str, Any] | None:
        return assessment.verdicts or None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, assessment: Assessment) -> list[str]:
        return ASSESSMENT_TRANSITIONS.allowed_from(assessment.status)


class AssessmentContributorSerializer(serializers.ModelSerializer[AssessmentContributor]):
    user = serializers.IntegerField(source="user_id", read_only=True)

    class Meta:
        model = AssessmentContributor
        fields = ["user", "contribution", "first_at"]
        read_only_fields = fields


class AssessmentDetailSerializer(AssessmentSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    contributors = AssessmentContributorSerializer(
        many=True,
        read_only=True,
        help_text="Who started, answered or submitted it: none of them may sign it off "
        "or return it.",
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "answers", "contributors"]
        read_only_fields = fields


class AssessmentCreateSerializer(serializers.Serializer[Any]):
    proposal = serializers.PrimaryKeyRelatedField(
        queryset=Proposal.objects.all(),
        help_text="A proposal in status in_assessment with no open assessment.",
    )


class AnswerInputSerializer(serializers.Serializer[Any]):
    question = serializers.SlugField(max_length=60, help_text="The question's key.")
    value = AnswerValueField(
        required=False,
        allow_null=True,
        help_text=f"scale_5: integer 1..5; yes_no: true/false; free_text: text of at most "
        f"{MAX_TEXT_ANSWER} characters; null clears the answer. Left out: unchanged.",
    )
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    link = serializers.URLField(required=False, allow_blank=True, max_length=500)


class AnswersSaveSerializer(serializers.Serializer[Any]):
    answers = AnswerInputSerializer(many=True, allow_empty=False, max_length=200)  # type: ignore[call-arg]


class AssessmentReturnSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=5000, help_text="Why it goes back to draft.")


class AssessmentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices)

    class Meta:
        model = Assessment
        fields = ["proposal", "status", "methodology_version"]


CONFLICT = {409: ErrorSerializer}


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityViewSet):
    """Assessments of this authority's proposals; reassessments are new assessments."""

    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.none()  # for the schema generator; see get_queryset
    filterset_class = AssessmentFilterSet
    ordering_fields = ["created_at", "submitted_at", "signed_off_at"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Assessment]:
        if self.action == "list":
            return assessment_list()
        return assessment_detail_list()

    def _detail(self, assessment: Assessment, code: int = status.HTTP_200_OK) -> Response:
        fresh = assessment_detail_list().get(pk=assessment.pk)
        return Response(AssessmentDetailSerializer(fresh).data, status=code)

    @extend_schema(responses={200: AssessmentDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(AssessmentDetailSerializer(self.get_object()).data)

    @extend_schema(
        request=AssessmentCreateSerializer,
        responses={201: AssessmentDetailSerializer, **CONFLICT},
        description="Start an assessment with the methodology version this authority uses.",
    )
    def create(self, request: Request) -> Response:
        data = AssessmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = assessment_start(
            proposal=data.validated_data["proposal"],
            authority=request._request.tenant,  # type: ignore[attr-defined]
            actor=cast(User, request.user),
        )
        return self._detail(assessment, status.HTTP_201_CREATED)

    @extend_schema(
        request=AnswersSaveSerializer,
        responses={200: AssessmentDetailSerializer, **CONFLICT},
        description="Insert or update answers by question key. Unknown keys or values of the "
        "wrong type answer 400 naming them (fields `answers.<key>[.value]`), and nothing "
        "is saved.",
    )
    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk: str) -> Response:
        data = AnswersSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = assessment_answers_save(
            assessment=self.get_object(),
            answers=data.validated_data["answers"],
            actor=cast(User, request.user),
        )
        return self._detail(assessment)

    @extend_schema(
        request=None,
        responses={200: AssessmentDetailSerializer, **CONFLICT},
        description="A 400 lists missing required answers as `answers.<key>` and missing "
        "evidence as `evidence.<key>` in `fields`. Otherwise the server computes the verdicts.",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._detail(
            assessment_submit(assessment=self.get_object(), actor=cast(User, request.user))
        )

    @extend_schema(
        request=None,
        responses={200: AssessmentDetailSerializer, **CONFLICT},
        description="Complete a submitted assessment. The reviewer must not have started, "
        "answered, edited or submitted it (409 `reviewer_contributed`, with "
        "`context.contributions`).",
    )
    @action(detail=True, methods=["post"], url_path="sign-off", url_name="sign-off")
    def sign_off(self, request: Request, pk: str) -> Response:
        return self._detail(
            assessment_sign_off(assessment=self.get_object(), actor=cast(User, request.user))
        )

    @extend_schema(
        request=AssessmentReturnSerializer,
        responses={200: AssessmentDetailSerializer, **CONFLICT},
        description="Send a submitted assessment back to draft with a comment; the verdicts "
        "are cleared until it is submitted again. Not by anyone who contributed to it (409 "
        "`reviewer_contributed`).",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_draft(self, request: Request, pk: str) -> Response:
        data = AssessmentReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = assessment_return(
            assessment=self.get_object(),
            actor=cast(User, request.user),
            comment=data.validated_data["comment"],
        )
        return self._detail(assessment)
