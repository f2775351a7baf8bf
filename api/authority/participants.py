"""Authority host: the people invited to consultations."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import AuthorityViewSet
from api.errors import ErrorSerializer
from api.typed_json import BlankAsNullChoiceField
from backend.consultations import selectors
from backend.consultations.models import (
    AgeBand,
    Consultation,
    DeprivationQuintile,
    Disability,
    Ethnicity,
    Gender,
    Participant,
    ParticipantSource,
)
from backend.consultations.services import participant_add, participant_erase
from tenants.roles import ENGAGEMENT_STAFF


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    email = serializers.CharField(read_only=True, help_text="An email address; blank once erased.")
    age_band = BlankAsNullChoiceField(choices=AgeBand.choices, read_only=True)
    gender = BlankAsNullChoiceField(choices=Gender.choices, read_only=True)
    ethnicity = BlankAsNullChoiceField(choices=Ethnicity.choices, read_only=True)
    disability = BlankAsNullChoiceField(choices=Disability.choices, read_only=True)
    deprivation_quintile = BlankAsNullChoiceField(
        choices=DeprivationQuintile.choices, read_only=True
    )
    has_responded = serializers.BooleanField(read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "consultation",
            "email",
            "full_name",
            "age_band",
            "gender",
            "ethnicity",
            "disability",
            "deprivation_quintile",
            "postcode_district",
            "source",
            "has_responded",
            "erased_at",
            "created_at",
        ]
        read_only_fields = fields


class ParticipantCreateSerializer(serializers.Serializer[Any]):
    consultation = serializers.PrimaryKeyRelatedField(queryset=Consultation.objects.all())
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, allow_blank=True)
    disability = serializers.ChoiceField(
        choices=Disability.choices, required=False, allow_blank=True
    )
    deprivation_quintile = serializers.ChoiceField(
        choices=DeprivationQuintile.choices, required=False, allow_blank=True
    )
    postcode_district = serializers.CharField(max_length=5, required=False, allow_blank=True)


class ParticipantFilterSet(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=ParticipantSource.choices)
    has_responded = django_filters.BooleanFilter()
    erased = django_filters.BooleanFilter(
        field_name="erased_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Participant
        fields = [
            "consultation",
            "source",
            "age_band",
            "gender",
            "ethnicity",
            "disability",
            "deprivation_quintile",
        ]


class ParticipantViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, AuthorityViewSet
):
    """People invited to consultations. Deleting one erases their details and response."""

    serializer_class = ParticipantSerializer
    queryset = Participant.objects.none()  # for the schema generator; see get_queryset
    filterset_class = ParticipantFilterSet
    write_roles = ENGAGEMENT_STAFF
    ordering_fields = ["created_at", "email"]
    ordering = ["id"]

    def get_queryset(self) -> QuerySet[Participant]:
        return selectors.participant_list()

    @extend_schema(
        request=ParticipantCreateSerializer,
        responses={201: ParticipantSerializer, 409: ErrorSerializer},
        description="Invite one person; the invitation email goes out through the outbox.",
    )
    def create(self, request: Request) -> Response:
        data = ParticipantCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = participant_add(**data.validated_data)
        fresh = selectors.participant_list().get(pk=participant.pk)
        return Response(ParticipantSerializer(fresh).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Participant) -> None:
        participant_erase(participant=instance)
