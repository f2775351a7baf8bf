"""Authority host: proposals, their lifecycle moves, their decision, and the CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.actor import actor_of
from api.authority.decision_serializers import DecisionRecordSerializer, DecisionSerializer
from api.authority.proposal_serializers import (
    ProposalSerializer,
    ProposalTransitionSerializer,
    ProposalWriteSerializer,
    ReasonSerializer,
    SkipConsultationSerializer,
)
from api.base import AuthorityViewSet
from api.csv_export import csv_stream, wants_bom
from api.errors import ErrorSerializer
from api.filters import UTCDateTimeFilter
from api.renderers import CSVRenderer
from backend.decisions.services import decision_record
from backend.proposals.models import LegalGateway, Proposal, ProposalStatus, ServiceArea
from backend.proposals.selectors import (
    proposal_children_attach,
    proposal_export_rows,
    proposal_list,
    proposal_page_list,
    proposal_transition_list,
)
from backend.proposals.services import (
    proposal_create,
    proposal_finish_consultation,
    proposal_skip_consultation,
    proposal_start_consultation,
    proposal_submit,
    proposal_update,
    proposal_withdraw,
)
from tenants.context import authority_context

TRANSITION_RESPONSES = {200: ProposalSerializer, 409: ErrorSerializer}


class ProposalFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ProposalStatus.choices)
    service_area = django_filters.ChoiceFilter(
        choices=ServiceArea.choices,
        field_name="service_areas",
        lookup_expr="contains",
        method="filter_service_area",
        help_text="Proposals that include this service area.",
    )
    legal_gateway = django_filters.ChoiceFilter(choices=LegalGateway.choices)
    owner = django_filters.NumberFilter(
        field_name="owner_id",
        help_text="The owner's user id: a member's `user_id` from GET /api/v1/members.",
    )
    created_from = UTCDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_to = UTCDateTimeFilter(field_name="created_at", lookup_expr="lte")
    submitted_from = UTCDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_to = UTCDateTimeFilter(field_name="submitted_at", lookup_expr="lte")
    search = django_filters.CharFilter(
        method="filter_search", help_text="Words in the title or the reference."
    )

    class Meta:
        model = Proposal
        fields = ["status", "legal_gateway"]

    def filter_service_area(
        self, queryset: QuerySet[Proposal], name: str, value: str
    ) -> QuerySet[Proposal]:
        return queryset.filter(service_areas__contains=[value])

    def filter_search(
        self, queryset: QuerySet[Proposal], name: str, value: str
    ) -> QuerySet[Proposal]:
        return queryset.filter(Q(title__icontains=value) | Q(reference__icontains=value))


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityViewSet):
    """Live data-sharing proposals. Every member reads; admins and officers write and move them."""

    serializer_class = ProposalSerializer
    queryset = Proposal.objects.none()  # for the schema generator; see get_queryset
    filterset_class = ProposalFilterSet
    ordering_fields = [
        "created_at",
        "updated_at",
        "submitted_at",
        "decided_at",
        "reference",
        "title",
    ]
    ordering = ["-created_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Proposal]:
        # A page's children are attached as plain rows once the page is cut (see list).
        return proposal_page_list() if self.action == "list" else proposal_list()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        proposals = list(queryset) if page is None else page
        proposal_children_attach(proposals=proposals)
        data = self.get_serializer(proposals, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def _authority(self) -> Any:
        return self.request._request.tenant  # type: ignore[attr-defined]

    def _moved(self, proposal: Proposal) -> Response:
        return Response(ProposalSerializer(proposal_list().get(pk=proposal.pk)).data)

    @extend_schema(request=ProposalWriteSerializer, responses={201: ProposalSerializer})
    def create(self, request: Request) -> Response:
        data = ProposalWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields, children = data.split()
        proposal = proposal_create(
            authority=self._authority(), actor=actor_of(request), fields=fields, **children
        )
        body = ProposalSerializer(proposal_list().get(pk=proposal.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProposalWriteSerializer,
        responses={200: ProposalSerializer, 409: ErrorSerializer},
        description="Edit an open proposal (not decided or withdrawn). A child list that is "
        "sent replaces the stored list.",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        data = ProposalWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields, children = data.split()
        proposal = proposal_update(
            authority=self._authority(),
            proposal=self.get_object(),
            actor=actor_of(request),
            fields=fields,
            **children,
        )
        return self._moved(proposal)

    @extend_schema(request=None, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """draft → in_assessment."""
        return self._moved(proposal_submit(proposal=self.get_object(), actor=actor_of(request)))

    @extend_schema(request=None, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="start-consultation")
    def start_consultation(self, request: Request, pk: str) -> Response:
        """in_assessment → in_consultation."""
        return self._moved(
            proposal_start_consultation(proposal=self.get_object(), actor=actor_of(request))
        )

    @extend_schema(request=SkipConsultationSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="skip-consultation")
    def skip_consultation(self, request: Request, pk: str) -> Response:
        """in_assessment → awaiting_decision without consulting; the reason is recorded."""
        data = SkipConsultationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._moved(
            proposal_skip_consultation(
                proposal=self.get_object(),
                actor=actor_of(request),
                reason=data.validated_data["reason"],
            )
        )

    @extend_schema(request=None, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="finish-consultation")
    def finish_consultation(self, request: Request, pk: str) -> Response:
        """in_consultation → awaiting_decision, once at least one consultation has closed with
        its results computed (409 `consultation_not_held`, `context.missing` otherwise)."""
        return self._moved(
            proposal_finish_consultation(proposal=self.get_object(), actor=actor_of(request))
        )

    @extend_schema(request=ReasonSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Any open state → withdrawn."""
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._moved(
            proposal_withdraw(
                proposal=self.get_object(),
                actor=actor_of(request),
                reason=data.validated_data["reason"],
            )
        )

    @extend_schema(
        request=DecisionRecordSerializer,
        responses={201: DecisionSerializer, 409: ErrorSerializer},
        description="Record the decision; the proposal must be awaiting_decision and moves to "
        "decided in the same transaction. It needs a signed-off assessment under the "
        "authority's adopted methodology version and either a closed consultation with results "
        "or a recorded skip reason: otherwise 409 `decision_prerequisites_missing` with "
        "`context.missing` (`signed_off_assessment`, "
        "`closed_consultation_with_results_or_skip_reason`) and `context.methodology_version`.",
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str) -> Response:
        data = DecisionRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = decision_record(
            proposal=self.get_object(), actor=actor_of(request), **data.validated_data
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ProposalTransitionSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def transitions(self, request: Request, pk: str) -> Response:
        """Every move of this proposal: from, to, when, by whom, and why."""
        moves = proposal_transition_list(proposal=self.get_object())
        return Response(ProposalTransitionSerializer(moves, many=True).data)

    @extend_schema(
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="CSV (UTF-8 with a byte-order mark, header row first, one row "
                "per proposal ordered by reference; answers `?format=csv` and "
                "`Accept: text/csv`): reference, title, status, "
                "service_areas (semicolon-separated), legal_gateway, owner_email, created_at, "
                "submitted_at, decided_at, withdrawn_at, days_to_decision, verdict_overall, "
                "verdict_purposeful, verdict_proportionate, verdict_responsible. Verdict "
                "columns are empty until a proposal has a completed assessment. Cells that "
                "start with = + - or @ are prefixed with ' so spreadsheets do not run them.",
            )
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[CSVRenderer])
    def export(self, request: Request) -> StreamingHttpResponse:
        """The authority's proposals as CSV; the list filters apply."""
        proposals = self.filter_queryset(self.get_queryset())
        authority = self._authority()

        def rows() -> Iterator[list[Any]]:
            # The body is produced after the view returns, when the request's schema
            # may have been reset: pin the authority again while streaming.
            with authority_context(authority):
                yield from proposal_export_rows(queryset=proposals)

        response = StreamingHttpResponse(
            csv_stream(rows(), bom=wants_bom(request)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="proposals.csv"'
        return response
