"""Authority host: benefit reviews after implementation (one per approved decision).

Every member reads them (``?status=overdue`` lists the overdue ones); admins and
officers record what a review found and publish it to the register.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.actor import actor_of
from api.base import AuthorityViewSet
from api.errors import ErrorSerializer
from api.typed_json import BlankAsNullChoiceField
from backend.reviews.models import BenefitReview, BenefitsRealised, Recommendation, ReviewStatus
from backend.reviews.selectors import review_list
from backend.reviews.services import review_publish, review_record


class BenefitReviewSerializer(serializers.ModelSerializer[BenefitReview]):
    proposal_reference = serializers.CharField(source="proposal.reference", read_only=True)
    recorded_by = serializers.IntegerField(source="recorded_by_id", read_only=True, allow_null=True)
    # Null until the review is recorded (schemathesis found a scheduled review answering ""
    # where the spec allowed only the choices; blank choices are null across the API).
    benefits_realised = BlankAsNullChoiceField(
        choices=BenefitsRealised.choices,
        read_only=True,
        help_text="Null until the review is recorded.",
    )
    recommendation = BlankAsNullChoiceField(
        choices=Recommendation.choices,
        read_only=True,
        help_text="Null until the review is recorded.",
    )

    class Meta:
        model = BenefitReview
        fields = [
            "id",
            "decision",
            "proposal",
            "proposal_reference",
            "due_on",
            "expected_benefits",
            "status",
            "reminded_at",
            "due_notified_at",
            "overdue_since",
            "benefits_for_individuals",
            "benefits_for_public",
            "benefits_realised",
            "costs_incurred",
            "harms_and_complaints",
            "complaints_received",
            "recommendation",
            "recorded_by",
            "recorded_at",
            "published",
            "published_at",
        ]
        read_only_fields = fields


class BenefitReviewRecordSerializer(serializers.Serializer[Any]):
    benefits_realised = serializers.ChoiceField(
        choices=BenefitsRealised.choices, help_text="Against the benefits the decision expected."
    )
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    benefits_for_individuals = serializers.CharField(required=False, allow_blank=True)
    benefits_for_public = serializers.CharField(
        required=False, allow_blank=True, help_text="Published on the register with the outcome."
    )
    costs_incurred = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    harms_and_complaints = serializers.CharField(required=False, allow_blank=True)
    complaints_received = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class BenefitReviewFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices)
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = BenefitReview
        fields = ["status", "published"]


class BenefitReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityViewSet):
    """Benefit reviews of approved decisions: due dates, reminders, what was found."""

    serializer_class = BenefitReviewSerializer
    queryset = BenefitReview.objects.none()  # for the schema generator; see get_queryset
    filterset_class = BenefitReviewFilterSet
    lookup_value_regex = r"\d+"
    ordering_fields = ["due_on", "recorded_at"]
    ordering = ["due_on", "id"]

    def get_queryset(self) -> QuerySet[BenefitReview]:
        return review_list()

    @extend_schema(
        request=BenefitReviewRecordSerializer,
        responses={200: BenefitReviewSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        """Record what the review found (correctable until published)."""
        data = BenefitReviewRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_record(
            review=self.get_object(), actor=actor_of(request), **data.validated_data
        )
        return Response(BenefitReviewSerializer(review_list().get(pk=review.pk)).data)

    @extend_schema(request=None, responses={200: BenefitReviewSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Show the review's outcome on the public register with its decision."""
        review = review_publish(review=self.get_object())
        return Response(BenefitReviewSerializer(review_list().get(pk=review.pk)).data)
