"""Authority host, no account: answering a consultation with a personal token.

A token reveals only its own participant's data and its consultation's
public details; an unknown, erased or malformed token is a 404. Every view
here is rate-limited per token and per client address.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.authority.consultations import ICS, ics_response
from api.base import PublicAPIView
from api.errors import ErrorSerializer
from api.fields import (
    AwareDateTimeField,
    RejectUnknownFieldsMixin,
    SharedInputFieldsMixin,
    StrictCharField,
)
from api.fields import StrictIntegerField as Scale
from api.public.throttles import (
    CALENDAR_FEED_THROTTLES,
    PUBLIC_CONSULTATION_THROTTLES,
    token_miss_record,
)
from api.renderers import CalendarRenderer
from api.typed_json import BlankAsNullChoiceField, BlankAsNullURLField
from backend.consultations import selectors
from backend.consultations.models import (
    AgeBand,
    Consultation,
    ConsultationStatus,
    DeprivationQuintile,
    Disability,
    Ethnicity,
    Gender,
    Participant,
)
from backend.consultations.models import Response as ConsultationResponse
from backend.consultations.services import (
    DEMOGRAPHIC_FIELDS,
    participant_erase,
    response_submit,
    response_submit_open_link,
)
from backend.consultations.services.invitations import invitation_answer
from backend.consultations.tokens import calendar_feed_token_verifies
from tenants.context import require_authority_schema
from tenants.selectors import authority_calendar_feed_secret

LONDON = ZoneInfo("Europe/London")


class PublicConsultationSerializer(serializers.ModelSerializer[Consultation]):
    method = serializers.CharField(source="method.key", read_only=True)
    method_name = serializers.CharField(source="method.name", read_only=True)
    starts_at = AwareDateTimeField(read_only=True)
    ends_at = AwareDateTimeField(read_only=True)
    starts_at_london = serializers.DateTimeField(
        source="starts_at", read_only=True, default_timezone=LONDON
    )
    ends_at_london = serializers.DateTimeField(
        source="ends_at", read_only=True, default_timezone=LONDON
    )
    accepting_responses = serializers.SerializerMethodField()
    online_url = BlankAsNullURLField(read_only=True, help_text="Null when there is none.")

    class Meta:
        model = Consultation
        fields = [
            "title",
            "description",
            "method",
            "method_name",
            "location",
            "online_url",
            "starts_at",
            "ends_at",
            "starts_at_london",
            "ends_at_london",
            "status",
            "accepting_responses",
        ]
        read_only_fields = fields

    def get_accepting_responses(self, consultation: Consultation) -> bool:
        return consultation.status == ConsultationStatus.OPEN


class OwnDetailsSerializer(serializers.ModelSerializer[Participant]):
    email = serializers.CharField(read_only=True, help_text="An email address; blank once erased.")
    age_band = BlankAsNullChoiceField(choices=AgeBand.choices, read_only=True)
    gender = BlankAsNullChoiceField(choices=Gender.choices, read_only=True)
    ethnicity = BlankAsNullChoiceField(choices=Ethnicity.choices, read_only=True)
    disability = BlankAsNullChoiceField(choices=Disability.choices, read_only=True)
    deprivation_quintile = BlankAsNullChoiceField(
        choices=DeprivationQuintile.choices, read_only=True
    )

    class Meta:
        model = Participant
        fields = [
            "email",
            "full_name",
            "age_band",
            "gender",
            "ethnicity",
            "disability",
            "deprivation_quintile",
            "postcode_district",
            "source",
        ]
        read_only_fields = fields


class OwnResponseSerializer(serializers.ModelSerializer[ConsultationResponse]):
    class Meta:
        model = ConsultationResponse
        fields = [
            "acceptability",
            "purposeful",
            "proportionate",
            "responsible",
            "conditions",
            "comment",
            "submitted_at",
            "updated_at",
            "revision",
        ]
        read_only_fields = fields


class InvitationSerializer(serializers.Serializer[Any]):
    consultation = PublicConsultationSerializer()
    participant = OwnDetailsSerializer()
    response = OwnResponseSerializer(allow_null=True)


class AnswerInputSerializer(
    SharedInputFieldsMixin, RejectUnknownFieldsMixin, serializers.Serializer[Any]
):
    acceptability = Scale(
        min_value=1,
        max_value=5,
        help_text="How acceptable the proposal is: 1 very unacceptable … 5 very acceptable.",
    )
    purposeful = Scale(min_value=1, max_value=5, help_text="Agreement that it is purposeful, 1-5.")
    proportionate = Scale(
        min_value=1, max_value=5, help_text="Agreement that it is proportionate, 1-5."
    )
    responsible = Scale(
        min_value=1, max_value=5, help_text="Agreement that it is responsible, 1-5."
    )
    conditions = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Under which conditions it would be acceptable.",
    )
    comment = StrictCharField(max_length=4000, required=False, allow_blank=True, default="")


class DemographicsInputMixin(serializers.Serializer[Any]):
    """The optional questions about the person answering (docs/representativeness.md)."""

    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False)
    disability = serializers.ChoiceField(choices=Disability.choices, required=False)
    deprivation_quintile = serializers.ChoiceField(
        choices=DeprivationQuintile.choices,
        required=False,
        help_text="The fifth of neighbourhoods by the Index of Multiple Deprivation that the "
        "person lives in: quintile_1 is the most deprived fifth, quintile_5 the least.",
    )
    postcode_district = serializers.RegexField(
        r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?$", required=False, max_length=4
    )


class ResponseInputSerializer(AnswerInputSerializer, DemographicsInputMixin):
    """The answer, and any of the questions about you; those left out stay as they were."""


class OpenLinkResponseInputSerializer(AnswerInputSerializer, DemographicsInputMixin):
    """An answer through a survey's open link, and any of the questions about you."""


class OpenLinkReceiptSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(
        help_text="Your personal token: use /api/v1/public/invitations/<token> to see, change "
        "or erase your answer. It is shown only once."
    )
    response = OwnResponseSerializer()


def _participant(request: Request, token: str) -> Participant:
    participant = selectors.participant_by_token(token=token)
    if participant is None:
        token_miss_record(request)
        raise Http404
    return participant


# One instance for every request: DRF builds a serializer's fields (copies of the
# declared ones, model introspection for the nested model serializers) each time
# one is made, which cost about as much as recording the answer. Representing
# keeps no state between calls, so the instance is safe to share between threads.
_INVITATION = InvitationSerializer()


def _invitation_body(participant: Participant, response: ConsultationResponse | None) -> Any:
    return _INVITATION.to_representation(
        {"consultation": participant.consultation, "participant": participant, "response": response}
    )


class InvitationView(PublicAPIView):
    """Your invitation: the consultation, what is held about you, and your answer."""

    throttle_classes = PUBLIC_CONSULTATION_THROTTLES

    @extend_schema(responses={200: InvitationSerializer}, tags=["public"])
    def get(self, request: Request, token: str) -> Response:
        participant = _participant(request, token)
        response = selectors.response_for(participant=participant)
        return Response(_invitation_body(participant, response))

    @extend_schema(
        responses={204: None},
        tags=["public"],
        description="Erase your answer and your details. The token stops working.",
    )
    def delete(self, request: Request, token: str) -> Response:
        participant_erase(participant=_participant(request, token))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResponseView(PublicAPIView):
    """Give your answer; sending it again before the close replaces it."""

    throttle_classes = PUBLIC_CONSULTATION_THROTTLES

    @extend_schema(
        request=ResponseInputSerializer,
        responses={200: InvitationSerializer, 409: ErrorSerializer, 410: ErrorSerializer},
        tags=["public"],
        description="410 once the consultation has closed or was cancelled; 409 before it opens. "
        "The questions about you are optional: those given replace what is held, those left "
        "out stay as they were.",
    )
    def put(self, request: Request, token: str) -> Response:
        participant = _participant(request, token)
        data = ResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        demographics = {field: values.pop(field) for field in DEMOGRAPHIC_FIELDS if field in values}
        if demographics:
            answered = invitation_answer(
                participant=participant, answers=values, demographics=demographics
            )
        else:  # the common case: one statement, no transaction of its own
            answered = response_submit(participant=participant, answers=values)
        return Response(_invitation_body(participant, answered))


class OpenSurveyView(PublicAPIView):
    """A survey's open link: anyone with it may answer once per visit."""

    throttle_classes = PUBLIC_CONSULTATION_THROTTLES

    def _consultation(self, request: Request, token: str) -> Consultation:
        consultation = selectors.consultation_by_open_link(token=token)
        if consultation is None:
            token_miss_record(request)
            raise Http404
        return consultation

    @extend_schema(responses={200: PublicConsultationSerializer}, tags=["public"])
    def get(self, request: Request, token: str) -> Response:
        return Response(PublicConsultationSerializer(self._consultation(request, token)).data)

    @extend_schema(
        request=OpenLinkResponseInputSerializer,
        responses={201: OpenLinkReceiptSerializer, 409: ErrorSerializer, 410: ErrorSerializer},
        tags=["public"],
    )
    def post(self, request: Request, token: str) -> Response:
        consultation = self._consultation(request, token)
        data = OpenLinkResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        demographics = {field: values.pop(field) for field in DEMOGRAPHIC_FIELDS if field in values}
        new, response = response_submit_open_link(
            consultation=consultation, answers=values, demographics=demographics
        )
        body = {"token": new.token, "response": OwnResponseSerializer(response).data}
        return Response(body, status=status.HTTP_201_CREATED)


def _check_feed_token(request: Request, token: str) -> None:
    # Constant-time comparisons, current key then fallbacks; the secret is read fresh so
    # a rotation retires the old URL at once in every process. A miss counts against
    # the client's address (guessing feed URLs is throttled like guessing invitations).
    schema = require_authority_schema()
    secret = authority_calendar_feed_secret(schema_name=schema)
    if len(token) > 100 or not calendar_feed_token_verifies(schema, secret, token):
        token_miss_record(request)
        raise Http404


class CalendarFeedView(PublicAPIView):
    """The authority's consultations as a subscribable iCalendar feed (secret URL)."""

    throttle_classes = CALENDAR_FEED_THROTTLES
    renderer_classes = [JSONRenderer, CalendarRenderer]

    @extend_schema(responses=ICS, tags=["public"])
    def get(self, request: Request, token: str) -> HttpResponse:
        _check_feed_token(request, token)
        return ics_response(
            list(selectors.calendar_consultations()),
            name="Public consultations",
            filename="consultations.ics",
        )


class ConsultationCalendarFeedView(PublicAPIView):
    """One consultation as a subscribable iCalendar feed (secret URL)."""

    throttle_classes = CALENDAR_FEED_THROTTLES
    renderer_classes = [JSONRenderer, CalendarRenderer]

    @extend_schema(responses=ICS, tags=["public"])
    def get(self, request: Request, token: str, consultation_id: int) -> HttpResponse:
        _check_feed_token(request, token)
        consultation = selectors.calendar_consultations().filter(pk=consultation_id).first()
        if consultation is None:
            raise Http404
        return ics_response(
            [consultation],
            name=consultation.title,
            filename=f"consultation-{consultation_id}.ics",
        )
