"""Programme host: the funding ledger and the programme's funding position (coordinators only).

Both answer ``?format=csv`` (or ``Accept: text/csv``) for the finance team's spreadsheets.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.actor import actor_of
from api.base import ProgrammeAPIView, ProgrammeViewSet
from api.disclosure import WithheldSerializer
from api.fields import KeyRelatedField
from api.renderers import CSVRenderer
from backend.programme.models import FunderKind, FundingEntry, FundingEntryKind
from backend.programme.publication import (
    PublishedFundingLine,
    PublishedFundingPosition,
    funding_position_published,
)
from backend.programme.selectors import funding_entry_list
from backend.programme.services import funding_entry_record
from tenants.models import Authority
from tenants.roles import COORDINATORS

RENDERERS = [JSONRenderer, CSVRenderer]


def money(**options: Any) -> serializers.DecimalField:
    """Pounds and pence, as a JSON string (exact, unlike a float)."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, **options)


class FundingEntrySerializer(serializers.ModelSerializer[FundingEntry]):
    authority: serializers.SlugRelatedField[Authority] = serializers.SlugRelatedField(
        slug_field="schema_name", read_only=True, allow_null=True
    )
    recorded_by = serializers.IntegerField(source="recorded_by_id", read_only=True, allow_null=True)

    class Meta:
        model = FundingEntry
        fields = [
            "id",
            "kind",
            "funder_kind",
            "authority",
            "funder_name",
            "amount",
            "on",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class FundingEntryInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=FundingEntryKind.choices)
    amount = money(help_text="Pounds; a negative amount corrects an earlier entry (note required).")
    on = serializers.DateField(help_text="The day the money was pledged or received.")
    authority = KeyRelatedField(
        slug_field="schema_name",
        queryset=Authority.objects.all(),
        required=False,
        allow_null=True,
        help_text="A participating authority's slug; or give funder_name for another funder.",
    )
    funder_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class FundingEntryFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=FundingEntryKind.choices)
    funder_kind = django_filters.ChoiceFilter(choices=FunderKind.choices)
    authority = django_filters.CharFilter(field_name="authority__schema_name")
    on_from = django_filters.DateFilter(field_name="on", lookup_expr="gte")
    on_to = django_filters.DateFilter(field_name="on", lookup_expr="lte")

    class Meta:
        model = FundingEntry
        fields = ["kind", "funder_kind", "authority"]


class FundingEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProgrammeViewSet):
    """The ledger: pledges and receipts from authorities and other funders. Append-only:
    correct a line with a further, negative entry."""

    serializer_class = FundingEntrySerializer
    queryset = FundingEntry.objects.none()  # for the schema generator; see get_queryset
    filterset_class = FundingEntryFilterSet
    renderer_classes = RENDERERS
    read_roles = COORDINATORS
    write_roles = COORDINATORS
    lookup_value_regex = r"\d+"
    ordering_fields = ["on", "amount", "recorded_at"]
    ordering = ["-on", "-id"]

    def get_queryset(self) -> QuerySet[FundingEntry]:
        return funding_entry_list()

    @extend_schema(request=FundingEntryInputSerializer, responses={201: FundingEntrySerializer})
    def create(self, request: Request) -> Response:
        data = FundingEntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = funding_entry_record(actor=actor_of(request), **data.validated_data)
        return Response(FundingEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


PEOPLE_HELP = (
    "People who responded to the costed consultations, rounded; null when withheld "
    "(few people, or so that a withheld line cannot be recovered from the total)."
)
PER_PARTICIPANT_HELP = (
    "Consultation costs over the published (rounded) participants; null when those are "
    "withheld or zero."
)
WITHHELD_HELP = "Figure → why it is null (participants, cost_per_participant)."


class FundingLineSerializer(serializers.Serializer[PublishedFundingLine]):
    authority = serializers.SerializerMethodField()
    funder_name = serializers.SerializerMethodField()
    pledged = money(source="line.pledged")
    received = money(source="line.received")
    outstanding = money(source="line.outstanding")
    consultation_costs = money(source="line.consultation_costs")
    participants = serializers.IntegerField(allow_null=True, help_text=PEOPLE_HELP)
    cost_per_participant = money(allow_null=True, help_text=PER_PARTICIPANT_HELP)
    proposals_consulted = serializers.IntegerField(source="line.proposals_consulted")
    withheld = serializers.DictField(child=WithheldSerializer(), help_text=WITHHELD_HELP)

    def get_authority(self, published: PublishedFundingLine) -> str | None:
        authority = published.line.authority
        return authority.schema_name if authority else None

    def get_funder_name(self, published: PublishedFundingLine) -> str:
        line = published.line
        return line.authority.name if line.authority else line.funder_name


class FundingPositionSerializer(serializers.Serializer[PublishedFundingPosition]):
    pledged = money(source="position.pledged")
    received = money(source="position.received")
    outstanding = money(source="position.outstanding", help_text="Pledged but not yet received.")
    consultation_costs = money(
        source="position.consultation_costs",
        help_text="Actual costs of every closed consultation in the programme.",
    )
    balance = money(source="position.balance", help_text="Received minus consultation costs.")
    participants = serializers.IntegerField(allow_null=True, help_text=PEOPLE_HELP)
    proposals_consulted = serializers.IntegerField(source="position.proposals_consulted")
    cost_per_participant = money(allow_null=True, help_text=PER_PARTICIPANT_HELP)
    cost_per_proposal = money(source="position.cost_per_proposal", allow_null=True)
    withheld = serializers.DictField(child=WithheldSerializer(), help_text=WITHHELD_HELP)
    lines = FundingLineSerializer(many=True)


class FundingPositionQuerySerializer(serializers.Serializer[Any]):
    on_or_before = serializers.DateField(required=False, help_text="The position on this day.")


# Fixed, whichever figures a call withholds: the reason codes sit beside the figures.
POSITION_CSV_COLUMNS = [
    "authority",
    "funder_name",
    "pledged",
    "received",
    "outstanding",
    "consultation_costs",
    "participants",
    "cost_per_participant",
    "proposals_consulted",
    "withheld.participants.code",
    "withheld.cost_per_participant.code",
]


class FundingPositionView(ProgrammeAPIView):
    """The programme's funding position: money in and promised, consultation costs, balance,
    cost per participant and per proposal, and one line per funder (CSV: the lines).

    People counts and costs per participant pass through disclosure control."""

    renderer_classes = RENDERERS
    csv_columns = POSITION_CSV_COLUMNS
    read_roles = COORDINATORS

    @extend_schema(
        parameters=[FundingPositionQuerySerializer], responses={200: FundingPositionSerializer}
    )
    def get(self, request: Request) -> Response:
        query = FundingPositionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        position = funding_position_published(on_or_before=query.validated_data.get("on_or_before"))
        body = FundingPositionSerializer(position).data
        if request.accepted_renderer.format == "csv":
            return Response(body["lines"])
        return Response(body)
