"""Programme host: the authorities in the programme, onboarding and status."""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ProgrammeViewSet
from api.errors import ErrorSerializer
from api.permissions import is_coordinator
from backend.benchmarks.privacy import Viewer
from backend.benchmarks.selectors import authority_bands
from backend.disclosure.bands import Bands
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


class AuthorityBandedSerializer(serializers.ModelSerializer[Authority]):
    """An authority as an observer sees it: kind, nation and population only as bands.

    The bands come from ``backend.disclosure.bands`` (through the benchmark
    selectors), the same as in benchmark rows, so this list cannot be used to
    link a pseudonym in the comparison to a name.
    """

    slug = serializers.CharField(source="schema_name", read_only=True)
    host = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField(
        help_text="A band holding enough authorities, or null."
    )
    nation = serializers.SerializerMethodField(
        help_text="A band holding enough authorities, or null."
    )
    population_band = serializers.SerializerMethodField(
        help_text="A population range holding enough authorities, or null."
    )

    class Meta:
        model = Authority
        fields = [
            "slug",
            "name",
            "host",
            "kind",
            "nation",
            "population_band",
            "status",
            "date_joined",
            "consents_to_be_named",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_host(self, authority: Authority) -> str:
        return f"{authority.schema_name}.{settings.BASE_DOMAIN}"

    def _bands(self, authority: Authority) -> Bands:
        bands: dict[int, Bands] = self.context.get("bands", {})
        return bands.get(authority.pk, Bands(None, None, None))

    def get_kind(self, authority: Authority) -> str | None:
        return self._bands(authority).kind

    def get_nation(self, authority: Authority) -> str | None:
        return self._bands(authority).nation

    def get_population_band(self, authority: Authority) -> str | None:
        return self._bands(authority).population


def _for_viewer(many: bool) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="AuthorityForViewer",
        serializers=[AuthoritySerializer, AuthorityBandedSerializer],
        resource_type_field_name=None,
        many=many,
    )


# Coordinators get AuthoritySerializer, observers AuthorityBandedSerializer.
AUTHORITY_FOR_VIEWER = _for_viewer(False)
AUTHORITY_FOR_VIEWER_LIST = _for_viewer(True)


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

    # Exact quasi-identifiers an observer may not filter or order by (they would give
    # back what the bands hide).
    EXACT_FILTERS = ("kind", "nation", "population")

    def get_queryset(self) -> QuerySet[Authority]:
        return authority_list()

    @extend_schema(responses={200: AUTHORITY_FOR_VIEWER})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action in ("list", "retrieve") and not is_coordinator(self.request):
            return AuthorityBandedSerializer
        return AuthoritySerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.action in ("list", "retrieve") and not is_coordinator(self.request):
            context["bands"] = authority_bands(Viewer(sees_all_names=False))
        return context

    @extend_schema(
        responses={200: AUTHORITY_FOR_VIEWER_LIST},
        description="Coordinators see every attribute. Observers see kind, nation and "
        "population only as bands (docs/disclosure.md) and may not filter or order by them.",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not is_coordinator(request):
            ordering = request.query_params.get("ordering", "")
            refused = [name for name in ("kind", "nation") if name in request.query_params]
            if "population" in ordering:
                refused.append("ordering")
            if refused:
                raise ValidationError(
                    {
                        name: [
                            "Observers see kind, nation and population only as bands; "
                            "they cannot be filtered or ordered on exactly."
                        ]
                        for name in refused
                    }
                )
        return super().list(request, *args, **kwargs)

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
