"""URL lists shared by both hosts' URL configurations and by the spec surfaces."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api.accounts import LoginView, LogoutAllView, LogoutView, MeView
from api.authority.assessments import AssessmentViewSet
from api.authority.members import CurrentAuthorityView, MemberViewSet
from api.authority.methodology import (
    MethodologyAdoptView,
    MethodologyInUseView,
    PublishedMethodologyVersionViewSet,
)
from api.programme.authorities import AuthorityViewSet
from api.programme.methodology import MethodologyVersionViewSet, QuestionViewSet
from api.public.directory import PublicAuthorityViewSet


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
programme_router.register(
    "methodology/versions", MethodologyVersionViewSet, basename="methodology-version"
)
programme_router.register(
    r"methodology/versions/(?P<version_id>\d+)/questions",
    QuestionViewSet,
    basename="methodology-question",
)
programme_urls = [*programme_router.urls]

authority_router = Router(trailing_slash=False)
authority_router.register("members", MemberViewSet, basename="member")
authority_router.register(
    "methodology/versions",
    PublishedMethodologyVersionViewSet,
    basename="published-methodology-version",
)
authority_router.register("assessments", AssessmentViewSet, basename="assessment")
authority_urls = [
    path("authority", CurrentAuthorityView.as_view(), name="current-authority"),
    path("methodology", MethodologyInUseView.as_view(), name="methodology-in-use"),
    path("methodology/adopt", MethodologyAdoptView.as_view(), name="methodology-adopt"),
    *authority_router.urls,
]

public_programme_router = Router(trailing_slash=False)
public_programme_router.register(
    "public/authorities", PublicAuthorityViewSet, basename="public-authority"
)
public_programme_urls = [*public_programme_router.urls]

public_authority_urls: list = []


def api_v1(*groups: list) -> object:
    patterns = [pattern for group in groups for pattern in group]
    return path("api/v1/", include((patterns, "api"), namespace="v1"))
