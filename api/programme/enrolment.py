"""Programme host: workshops and enrolments, the way organisations join the programme.

Coordinators only: it names organisations that have not agreed to anything yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.actor import actor_of
from api.base import ProgrammeViewSet
from api.errors import ErrorSerializer
from api.fields import KeyRelatedField
from backend.programme.models import Enrolment, EnrolmentStage, EnrolmentTransition, Workshop
from backend.programme.selectors import enrolment_list, workshop_list
from backend.programme.services import (
    enrolment_activate,
    enrolment_commit_in_principle,
    enrolment_create,
    enrolment_formally_collaborate,
    enrolment_reengage,
    enrolment_update,
    enrolment_withdraw,
    workshop_create,
)
from tenants.models import Authority, AuthorityKind, Nation
from tenants.roles import COORDINATORS


class WorkshopSerializer(serializers.ModelSerializer[Workshop]):
    enrolment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Workshop
        fields = ["id", "name", "held_on", "location", "enrolment_count", "created_at"]
        read_only_fields = ["id", "enrolment_count", "created_at"]


class EnrolmentTransitionSerializer(serializers.ModelSerializer[EnrolmentTransition]):
    by = serializers.IntegerField(source="by_id", allow_null=True, read_only=True)

    class Meta:
        model = EnrolmentTransition
        fields = ["from_stage", "to_stage", "at", "by", "note"]
        read_only_fields = fields


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    authority: serializers.SlugRelatedField[Authority] = serializers.SlugRelatedField(
        slug_field="schema_name", read_only=True, allow_null=True
    )
    transitions = EnrolmentTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "organisation_name",
            "kind",
            "nation",
            "workshop",
            "authority",
            "stage",
            "agreement_date",
            "notes",
            "transitions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EnrolmentInputSerializer(serializers.Serializer[Any]):
    organisation_name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=AuthorityKind.choices)
    nation = serializers.ChoiceField(choices=Nation.choices, default=Nation.ENGLAND)
    workshop = serializers.PrimaryKeyRelatedField(
        queryset=Workshop.objects.all(),
        required=False,
        allow_null=True,
        help_text="The workshop where the organisation joined (an id from /workshops).",
    )
    authority = KeyRelatedField(
        slug_field="schema_name",
        queryset=Authority.objects.all(),
        required=False,
        allow_null=True,
        help_text="The onboarded authority's slug, once it has one.",
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class EnrolmentUpdateSerializer(EnrolmentInputSerializer):
    organisation_name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=AuthorityKind.choices, required=False)
    nation = serializers.ChoiceField(choices=Nation.choices, required=False)


class StageMoveSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CollaborateSerializer(StageMoveSerializer):
    agreement_date = serializers.DateField()


class WithdrawSerializer(StageMoveSerializer):
    note = serializers.CharField(max_length=500)


class WorkshopViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProgrammeViewSet):
    """Programme workshops where organisations join. Coordinators only."""

    serializer_class = WorkshopSerializer
    queryset = Workshop.objects.none()  # for the schema generator; see get_queryset
    read_roles = COORDINATORS
    write_roles = COORDINATORS
    lookup_value_regex = r"\d+"
    ordering = ["-held_on", "name"]

    def get_queryset(self) -> QuerySet[Workshop]:
        return workshop_list()

    @extend_schema(request=WorkshopSerializer, responses={201: WorkshopSerializer})
    def create(self, request: Request) -> Response:
        data = WorkshopSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workshop = workshop_create(**data.validated_data)
        workshop.enrolment_count = 0  # type: ignore[attr-defined]
        return Response(WorkshopSerializer(workshop).data, status=status.HTTP_201_CREATED)


class EnrolmentFilterSet(django_filters.FilterSet):
    stage = django_filters.MultipleChoiceFilter(choices=EnrolmentStage.choices)

    class Meta:
        model = Enrolment
        fields = ["stage", "workshop", "kind", "nation"]


class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProgrammeViewSet):
    """Organisations on their way into the programme: interest, commitment, agreement, active,
    withdrawn. Each stage moves through its own action; coordinators only."""

    serializer_class = EnrolmentSerializer
    queryset = Enrolment.objects.none()  # for the schema generator; see get_queryset
    filterset_class = EnrolmentFilterSet
    read_roles = COORDINATORS
    write_roles = COORDINATORS
    lookup_value_regex = r"\d+"
    ordering_fields = ["organisation_name", "created_at", "stage"]
    ordering = ["organisation_name"]

    def get_queryset(self) -> QuerySet[Enrolment]:
        return enrolment_list()

    def _stage(
        self,
        request: Request,
        move: Callable[..., Enrolment],
        serializer_class: type[StageMoveSerializer] = StageMoveSerializer,
    ) -> Response:
        """Validate the move's input, make the move, answer with the enrolment."""
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        moved = move(enrolment=self.get_object(), actor=actor_of(request), **data.validated_data)
        return self._respond(moved)

    def _respond(self, enrolment: Enrolment, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            EnrolmentSerializer(enrolment_list().get(pk=enrolment.pk)).data, status=code
        )

    @extend_schema(request=EnrolmentInputSerializer, responses={201: EnrolmentSerializer})
    def create(self, request: Request) -> Response:
        data = EnrolmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = enrolment_create(actor=actor_of(request), **data.validated_data)
        return self._respond(enrolment, status.HTTP_201_CREATED)

    @extend_schema(
        request=EnrolmentUpdateSerializer,
        responses={200: EnrolmentSerializer, 409: ErrorSerializer},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        data = EnrolmentUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        enrolment = enrolment_update(enrolment=self.get_object(), **data.validated_data)
        return self._respond(enrolment)

    @extend_schema(
        request=StageMoveSerializer, responses={200: EnrolmentSerializer, 409: ErrorSerializer}
    )
    @action(detail=True, methods=["post"], url_path="commit-in-principle")
    def commit_in_principle(self, request: Request, pk: str) -> Response:
        """The organisation commits in principle to take part."""
        return self._stage(request, enrolment_commit_in_principle)

    @extend_schema(
        request=CollaborateSerializer, responses={200: EnrolmentSerializer, 409: ErrorSerializer}
    )
    @action(detail=True, methods=["post"], url_path="formally-collaborate")
    def formally_collaborate(self, request: Request, pk: str) -> Response:
        """The collaboration agreement is signed; its date is recorded."""
        return self._stage(request, enrolment_formally_collaborate, CollaborateSerializer)

    @extend_schema(
        request=StageMoveSerializer, responses={200: EnrolmentSerializer, 409: ErrorSerializer}
    )
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str) -> Response:
        """The pilot starts; the linked authority becomes active (409 if none is linked)."""
        return self._stage(request, enrolment_activate)

    @extend_schema(
        request=WithdrawSerializer, responses={200: EnrolmentSerializer, 409: ErrorSerializer}
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """The organisation leaves (a note says why); a linked authority is withdrawn too."""
        return self._stage(request, enrolment_withdraw, WithdrawSerializer)

    @extend_schema(
        request=StageMoveSerializer, responses={200: EnrolmentSerializer, 409: ErrorSerializer}
    )
    @action(detail=True, methods=["post"])
    def reengage(self, request: Request, pk: str) -> Response:
        """A withdrawn organisation shows interest again."""
        return self._stage(request, enrolment_reengage)
