"""Programme host: the authorities in the programme, onboarding and status."""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ProgrammeViewSet
from api.errors import ErrorSerializer
from tenants.models import Authority, AuthorityKind, AuthorityStatus, Nation
from tenants.selectors import authority_list
from tenants.services import authority_onboard, authority_set_status, authority_update


class AuthoritySerializer(serializers.ModelSerializer[Authority]):
    slug = serializers.CharField(source="schema_name", read_only=True)
    host = serializers.SerializerMethodField()

    class Meta:
        model = Authority
        fields = [
            "slug",
            "name",
            "host",
            "kind",
            "nation",
            "gss_code",
            "population",
            "status",
            "date_joined",
            "consents_to_be_named",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_host(self, authority: Authority) -> str:
        return f"{authority.schema_name}.{settings.BASE_DOMAIN}"


class AuthorityOnboardSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField(
        max_length=63,
        help_text="Lower-case letters, digits and single hyphens, 3-40 characters; "
        "becomes the host <slug>.<base domain> and the schema name.",
    )
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=AuthorityKind.choices)
    nation = serializers.ChoiceField(choices=Nation.choices, default=Nation.ENGLAND)
    gss_code = serializers.RegexField(
        r"^([EKNSW]\d{8})?$", required=False, allow_blank=True, default=""
    )
    population = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    consents_to_be_named = serializers.BooleanField(default=False)
    admin_email = serializers.EmailField(help_text="The authority's first admin.")
    admin_full_name = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )


class AuthorityOnboardResultSerializer(serializers.Serializer[Any]):
    authority = AuthoritySerializer()
    created = serializers.BooleanField(help_text="False when this repeated an earlier onboarding.")
    admin_email = serializers.EmailField()
    admin_set_password_email_queued = serializers.BooleanField(
        help_text="True when this call created the admin's account: they get an email with a "
        "single-use link to choose their password (no password is ever returned)."
    )
    provisioning_seconds = serializers.FloatField()


class AuthorityUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=AuthorityKind.choices, required=False)
    nation = serializers.ChoiceField(choices=Nation.choices, required=False)
    gss_code = serializers.RegexField(r"^([EKNSW]\d{8})?$", required=False, allow_blank=True)
    population = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    consents_to_be_named = serializers.BooleanField(required=False)


class AuthorityStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=AuthorityStatus.choices)


class AuthorityFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AuthorityKind.choices)
    nation = django_filters.ChoiceFilter(choices=Nation.choices)
    status = django_filters.ChoiceFilter(choices=AuthorityStatus.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Authority
        fields = ["kind", "nation", "status", "consents_to_be_named"]


class AuthorityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProgrammeViewSet):
    """Authorities in the programme. Coordinators onboard and change them; observers read."""

    serializer_class = AuthoritySerializer
    filterset_class = AuthorityFilterSet
    ordering_fields = ["name", "date_joined", "population", "status"]
    ordering = ["name"]
    lookup_field = "schema_name"
    lookup_url_kwarg = "slug"

    def get_queryset(self) -> QuerySet[Authority]:
        return authority_list()

    @extend_schema(
        request=AuthorityOnboardSerializer,
        responses={201: AuthorityOnboardResultSerializer, 200: AuthorityOnboardResultSerializer},
        description="Create the authority's schema, its host and its first admin in one step. "
        "Repeating the same slug and name is safe and answers 200 with created=false.",
    )
    def create(self, request: Request) -> Response:
        data = AuthorityOnboardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = authority_onboard(**data.validated_data)
        body = {
            "authority": AuthoritySerializer(result.authority).data,
            "created": result.created,
            "admin_email": result.admin.email,
            "admin_set_password_email_queued": result.admin_invited,
            "provisioning_seconds": round(result.seconds, 3),
        }
        return Response(
            body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )

    @extend_schema(request=AuthorityUpdateSerializer, responses={200: AuthoritySerializer})
    def partial_update(self, request: Request, slug: str) -> Response:
        data = AuthorityUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        authority = authority_update(authority=self.get_object(), **data.validated_data)
        return Response(AuthoritySerializer(authority).data)

    @extend_schema(
        request=AuthorityStatusSerializer,
        responses={200: AuthoritySerializer, 409: ErrorSerializer},
        description="Activate, pause, withdraw or re-activate. Withdrawing never drops data.",
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, slug: str) -> Response:
        data = AuthorityStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        authority = authority_set_status(
            authority=self.get_object(), status=data.validated_data["status"]
        )
        return Response(AuthoritySerializer(authority).data)
