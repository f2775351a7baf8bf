"""Programme host: findings by scenario across authorities, and the switch that publishes them."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ProgrammeAPIView
from api.findings_common import (
    RENDERERS,
    FindingsDimensionListSerializer,
    FindingsQuerySerializer,
    FindingsTableSerializer,
    findings_csv_columns,
    query_by,
    table_body,
)
from backend.findings.models import FindingsPublicationChange
from backend.findings.selectors import findings_dimensions, findings_table
from backend.findings.services import findings_publication_get, findings_publication_set
from tenants.roles import ANY_PROGRAMME_ROLE, COORDINATORS


class FindingsView(ProgrammeAPIView):
    """Net acceptability and the public-vs-officer gap by one scenario dimension or a pair,
    across authorities, through disclosure control; ``?format=csv`` for a spreadsheet.

    Answers from the stored table, recomputed about a minute after the facts change
    (``computed_at``, ``version``); until then the previous table is served whole. The
    very first request of an installation with no stored table computes it, once."""

    renderer_classes = RENDERERS
    csv_columns = staticmethod(findings_csv_columns)
    read_roles: ClassVar[frozenset[str]] = ANY_PROGRAMME_ROLE

    @extend_schema(
        parameters=[FindingsQuerySerializer],
        responses={200: FindingsTableSerializer},
        tags=["findings"],
    )
    def get(self, request: Request) -> Response:
        return Response(table_body(findings_table(by=query_by(request))))


class FindingsDimensionsView(ProgrammeAPIView):
    """The dimensions findings can be cut by, and their values."""

    @extend_schema(responses={200: FindingsDimensionListSerializer}, tags=["findings"])
    def get(self, request: Request) -> Response:
        return Response({"dimensions": findings_dimensions()})


class FindingsPublicationChangeSerializer(serializers.Serializer[Any]):
    published = serializers.BooleanField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.EmailField(allow_null=True, help_text="The coordinator who flipped it.")


class FindingsPublicationSerializer(serializers.Serializer[Any]):
    """Whether the public findings page and CSV are served, and every change to that."""

    published = serializers.BooleanField()
    changed_at = serializers.DateTimeField(allow_null=True)
    history = FindingsPublicationChangeSerializer(many=True)


class FindingsPublicationInputSerializer(serializers.Serializer[Any]):
    published = serializers.BooleanField()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why, for the audit trail.",
    )


def _publication_body() -> dict[str, Any]:
    publication = findings_publication_get()
    history = FindingsPublicationChange.objects.select_related("by")[:50]
    return {
        "published": publication.published,
        "changed_at": publication.changed_at,
        "history": [
            {
                "published": change.published,
                "reason": change.reason,
                "at": change.at,
                "by": change.by.email if change.by else None,
            }
            for change in history
        ],
    }


class FindingsPublicationView(ProgrammeAPIView):
    """Whether the aggregated findings are public (off until a coordinator turns it on)."""

    read_roles: ClassVar[frozenset[str]] = ANY_PROGRAMME_ROLE
    write_roles: ClassVar[frozenset[str]] = COORDINATORS

    @extend_schema(responses={200: FindingsPublicationSerializer}, tags=["findings"])
    def get(self, request: Request) -> Response:
        return Response(_publication_body())

    @extend_schema(
        request=FindingsPublicationInputSerializer,
        responses={200: FindingsPublicationSerializer},
        tags=["findings"],
    )
    def put(self, request: Request) -> Response:
        serializer = FindingsPublicationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        findings_publication_set(
            published=serializer.validated_data["published"],
            reason=serializer.validated_data["reason"],
            actor=request.user,  # type: ignore[arg-type]
        )
        return Response(_publication_body())
