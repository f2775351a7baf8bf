"""URL lists shared by both hosts' URL configurations and by the spec surfaces."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api.accounts import LoginView, LogoutAllView, LogoutView, MeView
from api.authority.consultations import ConsultationViewSet
from api.authority.members import CurrentAuthorityView, MemberViewSet
from api.authority.participants import ParticipantViewSet
from api.programme.authorities import AuthorityViewSet
from api.public.consultations import (
    CalendarFeedView,
    ConsultationCalendarFeedView,
    InvitationResponseView,
    InvitationView,
    OpenSurveyView,
)
from api.public.directory import PublicAuthorityViewSet
from api.public.engagement import EngagementMethodViewSet


class Router(DefaultRouter):
    include_root_view = False
    include_format_suffixes = False


account_urls = [
    path("auth/login", LoginView.as_view(), name="login"),
    path("auth/logout", LogoutView.as_view(), name="logout"),
    path("auth/logout-all", LogoutAllView.as_view(), name="logout-all"),
    path("me", MeView.as_view(), name="me"),
]

programme_router = Router(trailing_slash=False)
programme_router.register("authorities", AuthorityViewSet, basename="authority")
programme_urls = [*programme_router.urls]

authority_router = Router(trailing_slash=False)
authority_router.register("members", MemberViewSet, basename="member")
authority_router.register("consultations", ConsultationViewSet, basename="consultation")
authority_router.register("participants", ParticipantViewSet, basename="participant")
authority_urls = [
    path("authority", CurrentAuthorityView.as_view(), name="current-authority"),
    *authority_router.urls,
]

public_programme_router = Router(trailing_slash=False)
public_programme_router.register(
    "public/authorities", PublicAuthorityViewSet, basename="public-authority"
)
public_programme_urls = [*public_programme_router.urls]

# The programme-wide catalogue, served on both hosts (listed once in the public spec).
public_catalogue_router = Router(trailing_slash=False)
public_catalogue_router.register(
    "public/engagement-methods", EngagementMethodViewSet, basename="public-engagement-method"
)
public_catalogue_urls = [*public_catalogue_router.urls]

public_authority_urls: list = [
    path("public/invitations/<str:token>", InvitationView.as_view(), name="public-invitation"),
    path(
        "public/invitations/<str:token>/response",
        InvitationResponseView.as_view(),
        name="public-invitation-response",
    ),
    path("public/open-surveys/<str:token>", OpenSurveyView.as_view(), name="public-open-survey"),
    path("public/calendars/<str:token>", CalendarFeedView.as_view(), name="public-calendar-feed"),
    path(
        "public/calendars/<str:token>/consultations/<int:consultation_id>",
        ConsultationCalendarFeedView.as_view(),
        name="public-consultation-calendar",
    ),
]


def api_v1(*groups: list) -> object:
    patterns = [pattern for group in groups for pattern in group]
    return path("api/v1/", include((patterns, "api"), namespace="v1"))
