"""Programme host, no account: the aggregated findings, once the charity publishes them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import PublicAPIView
from api.findings_common import (
    RENDERERS,
    FindingsQuerySerializer,
    FindingsTableSerializer,
    findings_csv_columns,
    query_by,
    table_body,
)
from backend.findings.selectors import findings_published, findings_table


class PublicFindingsView(PublicAPIView):
    """The same disclosure-controlled figures as the programme's findings; 404 until a
    coordinator publishes them. ``?format=csv`` for a spreadsheet. Served from the same
    stored table as the programme's findings (``computed_at``, ``version``)."""

    renderer_classes = RENDERERS
    csv_columns = staticmethod(findings_csv_columns)

    @extend_schema(
        parameters=[FindingsQuerySerializer],
        responses={200: FindingsTableSerializer},
        tags=["findings"],
    )
    def get(self, request: Request) -> Response:
        if not findings_published():
            raise exceptions.NotFound(
                "The programme's findings are not published.", code="findings_not_published"
            )
        return Response(table_body(findings_table(by=query_by(request))))
