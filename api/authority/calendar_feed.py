"""Authority host: rotating the calendar-feed secret (admins only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.authority.consultations import CalendarFeedSerializer, calendar_feed_path
from api.base import AuthorityAPIView
from tenants.models import Authority
from tenants.roles import ADMINS
from tenants.services import authority_calendar_feed_rotate


class CalendarFeedRotateView(AuthorityAPIView):
    """Replace the authority's calendar-feed secret; every old feed URL then answers 404."""

    write_roles = ADMINS

    @extend_schema(
        request=None,
        responses={200: CalendarFeedSerializer},
        description="Rotate the calendar-feed secret (e.g. after a feed URL was shared too "
        "widely). Returns the new feed URL; subscribers must re-subscribe with it.",
    )
    def post(self, request: Request) -> Response:
        authority: Authority = request._request.tenant  # type: ignore[attr-defined]
        authority_calendar_feed_rotate(authority=authority)
        return Response({"url": request.build_absolute_uri(calendar_feed_path())})
