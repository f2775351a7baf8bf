"""Authority host: the published methodology, the version this authority uses, adoption.

GET  /api/v1/methodology                 the version in use, in full (adopted on first need)
POST /api/v1/methodology/adopt           admins: move to a newer published version
GET  /api/v1/methodology/versions[/{id}] published and retired versions, read-only
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import AuthorityAPIView, AuthorityViewSet
from api.errors import ErrorSerializer
from api.programme.methodology import (
    MethodologyVersionDetailSerializer,
    MethodologyVersionSerializer,
)
from backend.accounts.models import User
from backend.methodology.models import MethodologyVersion
from backend.methodology.selectors import (
    READABLE_BY_AUTHORITIES,
    methodology_current_adoption,
    methodology_version_full,
    methodology_version_list,
)
from backend.methodology.services import methodology_adopt, methodology_version_for
from tenants.models import Authority
from tenants.roles import ADMINS


class MethodologyInUseSerializer(serializers.Serializer[Any]):
    adopted_at = serializers.DateTimeField()
    adopted_automatically = serializers.BooleanField(
        help_text="True when the newest published version was adopted on first use."
    )
    version = MethodologyVersionDetailSerializer()


class MethodologyAdoptSerializer(serializers.Serializer[Any]):
    version = serializers.PrimaryKeyRelatedField(
        queryset=MethodologyVersion.objects.filter(status__in=READABLE_BY_AUTHORITIES),
        help_text="The id of a published version newer than the one in use.",
    )


class PublishedMethodologyVersionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=[(s, s) for s in READABLE_BY_AUTHORITIES])

    class Meta:
        model = MethodologyVersion
        fields = ["status"]


def _in_use(authority: Authority) -> dict[str, Any]:
    methodology_version_for(authority=authority)
    adoption = methodology_current_adoption(authority=authority)
    assert adoption is not None
    version = methodology_version_full().get(pk=adoption.version_id)
    return {
        "adopted_at": adoption.adopted_at,
        "adopted_automatically": adoption.adopted_by_id is None,
        "version": version,
    }


class MethodologyInUseView(AuthorityAPIView):
    """The methodology version this authority uses for new assessments."""

    @extend_schema(
        responses={200: MethodologyInUseSerializer, 409: ErrorSerializer}, tags=["methodology"]
    )
    def get(self, request: Request) -> Response:
        authority: Authority = request._request.tenant  # type: ignore[attr-defined]
        return Response(MethodologyInUseSerializer(_in_use(authority)).data)


class MethodologyAdoptView(AuthorityAPIView):
    """Admins move the authority to a newer published version; assessments already
    started keep theirs."""

    write_roles = ADMINS

    @extend_schema(
        request=MethodologyAdoptSerializer,
        responses={201: MethodologyInUseSerializer, 409: ErrorSerializer},
        tags=["methodology"],
    )
    def post(self, request: Request) -> Response:
        authority: Authority = request._request.tenant  # type: ignore[attr-defined]
        data = MethodologyAdoptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        methodology_adopt(
            authority=authority,
            version=data.validated_data["version"],
            actor=cast(User, request.user),
        )
        return Response(
            MethodologyInUseSerializer(_in_use(authority)).data, status=status.HTTP_201_CREATED
        )


class PublishedMethodologyVersionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityViewSet
):
    """Published and retired methodology versions, read-only for every member."""

    serializer_class = MethodologyVersionSerializer
    queryset = MethodologyVersion.objects.none()  # for the schema generator
    filterset_class = PublishedMethodologyVersionFilterSet
    ordering_fields = ["published_at", "label"]
    ordering = ["-published_at"]

    def get_queryset(self) -> QuerySet[MethodologyVersion]:
        if self.action == "list":
            return methodology_version_list(readable_by_authorities=True)
        return methodology_version_full(readable_by_authorities=True)

    @extend_schema(responses={200: MethodologyVersionDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MethodologyVersionDetailSerializer(self.get_object()).data)
