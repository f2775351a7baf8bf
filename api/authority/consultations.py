"""Authority host: consultations on proposals, their lifecycle, results and calendar."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import django_filters
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.authority.population import RepresentativenessSerializer
from api.base import AuthorityViewSet
from api.errors import ErrorSerializer
from api.fields import AwareDateTimeField, KeyRelatedField
from api.filters import UTCDateTimeFilter
from api.renderers import CalendarRenderer
from api.typed_json import (
    AcceptabilityCountsSerializer,
    AcceptabilitySharesSerializer,
    AgreementSerializer,
    BlankAsNullURLField,
    PublicOfficerGapSerializer,
)
from backend.accounts.models import User
from backend.consultations import selectors
from backend.consultations.calendar import calendar_render
from backend.consultations.models import Consultation, ConsultationResult, ConsultationStatus
from backend.consultations.services import (
    consultation_cancel,
    consultation_close,
    consultation_create,
    consultation_open,
    consultation_publish_results,
    consultation_reschedule,
    consultation_update,
    participant_import_csv,
)
from backend.consultations.tokens import OPEN_LINK, calendar_feed_token, issued_token
from backend.consultations.transitions import CONSULTATION_TRANSITIONS
from backend.engagement.models import EngagementMethod
from backend.population.selectors import consultation_representativeness
from backend.proposals.models import Proposal
from tenants.context import require_authority_schema
from tenants.roles import ENGAGEMENT_STAFF
from tenants.selectors import authority_calendar_feed_secret

LONDON = ZoneInfo("Europe/London")


def money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0), **kwargs)


CSV_MAX_BYTES = 1_000_000
FACILITATOR_HELP = (
    "The facilitator's user id: a member's `user_id` from GET /api/v1/members (not the "
    "membership `id`)."
)


def calendar_feed_path() -> str:
    schema = require_authority_schema()
    secret = authority_calendar_feed_secret(schema_name=schema)
    return reverse("v1:public-calendar-feed", kwargs={"token": calendar_feed_token(schema, secret)})


class ConsultationSerializer(serializers.ModelSerializer[Consultation]):
    proposal_reference = serializers.CharField(source="proposal.reference", read_only=True)
    method = serializers.CharField(source="method.key", read_only=True)
    method_name = serializers.CharField(source="method.name", read_only=True)
    starts_at = AwareDateTimeField(read_only=True, help_text="UTC.")
    ends_at = AwareDateTimeField(read_only=True, help_text="UTC.")
    starts_at_london = serializers.DateTimeField(
        source="starts_at", read_only=True, default_timezone=LONDON, help_text="Europe/London."
    )
    ends_at_london = serializers.DateTimeField(
        source="ends_at", read_only=True, default_timezone=LONDON, help_text="Europe/London."
    )
    actual_cost = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    allowed_transitions = serializers.SerializerMethodField()
    participant_count = serializers.IntegerField(read_only=True)
    response_count = serializers.IntegerField(read_only=True)
    open_link_token = serializers.SerializerMethodField(
        help_text="Share as /api/v1/public/open-surveys/<token> (null when the link is off)."
    )
    calendar_url = serializers.SerializerMethodField(
        help_text="Subscribable iCalendar feed of this consultation (no personal data)."
    )
    online_url = BlankAsNullURLField(read_only=True, help_text="Null when there is none.")
    facilitator = serializers.IntegerField(
        source="facilitator_id", read_only=True, allow_null=True, help_text=FACILITATOR_HELP
    )

    class Meta:
        model = Consultation
        fields = [
            "id",
            "proposal",
            "proposal_reference",
            "method",
            "method_name",
            "title",
            "description",
            "location",
            "online_url",
            "starts_at",
            "ends_at",
            "starts_at_london",
            "ends_at_london",
            "capacity",
            "facilitator",
            "reminder_lead_minutes",
            "budget",
            "staff_hours",
            "cost_staff",
            "cost_venue",
            "cost_incentives",
            "cost_other",
            "actual_cost",
            "open_link_enabled",
            "open_link_token",
            "status",
            "allowed_transitions",
            "sequence",
            "opened_at",
            "reminders_sent_at",
            "closed_at",
            "results_published_at",
            "cancelled_at",
            "cancel_reason",
            "contacts_erased_at",
            "participant_count",
            "response_count",
            "calendar_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_allowed_transitions(self, consultation: Consultation) -> list[str]:
        return CONSULTATION_TRANSITIONS.allowed_from(consultation.status)

    def get_open_link_token(self, consultation: Consultation) -> str | None:
        if not consultation.open_link_enabled or not consultation.open_link_salt:
            return None
        return issued_token(OPEN_LINK, consultation.open_link_salt, consultation.open_link_digest)

    def get_calendar_url(self, consultation: Consultation) -> str:
        request = self.context.get("request")
        # One secret read per response, not per row (the context is shared by a list).
        shared = cast(dict[str, Any], self.root._context)  # one dict for a whole list
        if "calendar_feed_path" not in shared:
            shared["calendar_feed_path"] = calendar_feed_path()
        path = f"{shared['calendar_feed_path']}/consultations/{consultation.pk}"
        return request.build_absolute_uri(path) if request else path


class ConsultationDetailsSerializer(serializers.Serializer[Any]):
    """Fields a person may set on create and (all optional) on update."""

    method = KeyRelatedField(
        slug_field="key", queryset=EngagementMethod.objects.all(), required=False
    )
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    online_url = serializers.URLField(required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    facilitator = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, help_text=FACILITATOR_HELP
    )
    reminder_lead_minutes = serializers.IntegerField(
        min_value=0, max_value=60 * 24 * 60, required=False
    )
    budget = money(required=False, allow_null=True)
    staff_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal(0), required=False
    )
    cost_staff = money(required=False)
    cost_venue = money(required=False)
    cost_incentives = money(required=False)
    cost_other = money(required=False)
    open_link_enabled = serializers.BooleanField(required=False)


class ConsultationCreateSerializer(ConsultationDetailsSerializer):
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all())
    method = KeyRelatedField(slug_field="key", queryset=EngagementMethod.objects.all())
    title = serializers.CharField(max_length=200)
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()


class ConsultationRescheduleSerializer(serializers.Serializer[Any]):
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()


class ConsultationCancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ConsultationResultSerializer(serializers.ModelSerializer[ConsultationResult]):
    acceptability_distribution = AcceptabilityCountsSerializer(
        source="figures.acceptability_distribution", read_only=True
    )
    acceptability_shares = AcceptabilitySharesSerializer(
        source="figures.acceptability_shares", read_only=True
    )
    agreement = AgreementSerializer(
        source="figures.agreement",
        read_only=True,
        help_text="Per test (purposeful, proportionate, responsible): distribution of 1-5 "
        "answers, mean, share agreeing (4-5) and the mean on a 0..1 scale.",
    )
    representativeness = serializers.SerializerMethodField(
        help_text="Respondents against the authority's population baseline (GET /population), "
        "per census dimension, through disclosure control."
    )
    public_officer_gap = PublicOfficerGapSerializer(
        source="figures.public_officer_gap",
        read_only=True,
        help_text="Per test: the officers' verdict (met 1, partly_met 0.5, not_met 0), the "
        "public's 0..1 agreement and the gap (public minus officers; null without a verdict).",
    )

    class Meta:
        model = ConsultationResult
        fields = [
            "consultation",
            "invited",
            "responded",
            "open_link_respondents",
            "response_rate",
            "net_acceptability",
            "representativeness",
            "actual_cost",
            "cost_per_participant",
            "acceptability_distribution",
            "acceptability_shares",
            "agreement",
            "public_officer_gap",
            "computed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RepresentativenessSerializer)
    def get_representativeness(self, result: ConsultationResult) -> dict[str, Any]:
        return consultation_representativeness(consultation=result.consultation)


class ParticipantImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="UTF-8 CSV with a header row: email (required), full_name, age_band, gender, "
        "ethnicity, disability, deprivation_quintile, postcode_district."
    )


class ParticipantImportResultSerializer(serializers.Serializer[Any]):
    imported = serializers.IntegerField()


class CalendarFeedSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(
        help_text="The authority's subscribable feed of all its consultations."
    )


class ConsultationFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ConsultationStatus.choices)
    method = django_filters.CharFilter(field_name="method__key")
    starts_after = UTCDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UTCDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    title = django_filters.CharFilter(lookup_expr="icontains")
    facilitator = django_filters.NumberFilter(
        field_name="facilitator_id", help_text=FACILITATOR_HELP
    )

    class Meta:
        model = Consultation
        fields = ["proposal", "facilitator", "status", "method"]


ICS = {(200, "text/calendar"): OpenApiTypes.STR}
TRANSITION_RESPONSES = {200: ConsultationSerializer, 409: ErrorSerializer}


class ConsultationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityViewSet):
    """Public consultations on proposals. Engagement staff schedule and run them."""

    serializer_class = ConsultationSerializer
    queryset = Consultation.objects.none()  # for the schema generator; see get_queryset
    filterset_class = ConsultationFilterSet
    write_roles = ENGAGEMENT_STAFF
    ordering_fields = ["starts_at", "ends_at", "created_at", "status", "title"]
    ordering = ["starts_at", "id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Consultation]:
        return selectors.consultation_list()

    def _fresh(self, consultation: Consultation) -> Response:
        return Response(
            ConsultationSerializer(
                selectors.consultation_get(consultation_id=consultation.pk),
                context=self.get_serializer_context(),
            ).data
        )

    @extend_schema(request=ConsultationCreateSerializer, responses={201: ConsultationSerializer})
    def create(self, request: Request) -> Response:
        data = ConsultationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = consultation_create(
            created_by=request.user if isinstance(request.user, User) else None,
            **data.validated_data,
        )
        response = self._fresh(consultation)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        request=ConsultationDetailsSerializer,
        responses={200: ConsultationSerializer, 409: ErrorSerializer},
        description="Edit details and actual costs. Times change through `reschedule`.",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        data = ConsultationDetailsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        consultation = consultation_update(consultation=self.get_object(), **data.validated_data)
        return self._fresh(consultation)

    @extend_schema(
        request=ConsultationRescheduleSerializer,
        responses=TRANSITION_RESPONSES,
        description="Move a scheduled consultation (bumps the calendar SEQUENCE).",
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        data = ConsultationRescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._fresh(
            consultation_reschedule(consultation=self.get_object(), **data.validated_data)
        )

    @extend_schema(request=ConsultationCancelSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = ConsultationCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._fresh(
            consultation_cancel(consultation=self.get_object(), **data.validated_data)
        )

    @extend_schema(
        request=None,
        responses=TRANSITION_RESPONSES,
        description="Open now instead of waiting for the start time.",
    )
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str) -> Response:
        return self._fresh(consultation_open(consultation=self.get_object()))

    @extend_schema(
        request=None,
        responses=TRANSITION_RESPONSES,
        description="Close now instead of waiting for the end time; computes the results.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._fresh(consultation_close(consultation=self.get_object()))

    @extend_schema(
        request=None,
        responses=TRANSITION_RESPONSES,
        description="Publish the results and email a thank-you to everyone who responded.",
    )
    @action(detail=True, methods=["post"], url_path="publish-results")
    def publish_results(self, request: Request, pk: str) -> Response:
        return self._fresh(consultation_publish_results(consultation=self.get_object()))

    @extend_schema(
        responses={200: ConsultationResultSerializer},
        description="Computed once, when the consultation closes; 404 before that.",
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str) -> Response:
        result = selectors.result_get(consultation=self.get_object())
        if result is None:
            raise Http404
        return Response(ConsultationResultSerializer(result).data)

    @extend_schema(
        request={"multipart/form-data": ParticipantImportSerializer},
        responses={201: ParticipantImportResultSerializer, 409: ErrorSerializer},
        description="Import participants from a CSV file: every row or none. Errors name the "
        "row as in a spreadsheet: `fields` has `rows.<n>.<column>`.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="participants/import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_participants(self, request: Request, pk: str) -> Response:
        data = ParticipantImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise serializers.ValidationError({"file": ["The file is larger than 1 MB."]})
        try:
            content = upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise serializers.ValidationError({"file": ["The file is not UTF-8 text."]}) from error
        imported = participant_import_csv(consultation=self.get_object(), content=content)
        return Response({"imported": len(imported)}, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=ICS,
        description="This consultation as an iCalendar file (the same event as the feeds).",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="calendar",
        renderer_classes=[JSONRenderer, CalendarRenderer],
    )
    def calendar(self, request: Request, pk: str) -> HttpResponse:
        return ics_response(
            [self.get_object()], name=f"Consultation {pk}", filename=f"consultation-{pk}.ics"
        )

    @extend_schema(
        responses={200: CalendarFeedSerializer},
        description="The authority's subscribable calendar feed. The URL carries a secret; "
        "anyone with it sees titles, times and places of consultations (no personal data).",
    )
    @action(detail=False, methods=["get"], url_path="calendar-feed")
    def calendar_feed(self, request: Request) -> Response:
        return Response({"url": request.build_absolute_uri(calendar_feed_path())})


def ics_response(consultations: list[Consultation], *, name: str, filename: str) -> HttpResponse:
    body = calendar_render(
        consultations=consultations, schema_name=require_authority_schema(), name=name
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
