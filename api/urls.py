"""URL lists shared by both hosts' URL configurations and by the spec surfaces."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api.accounts import LoginView, LogoutAllView, LogoutView, MeView
from api.authority.assessments import AssessmentViewSet
from api.authority.benchmarks import (
    OwnBenchmarkDistributionChartView,
    OwnBenchmarkTimeSeriesChartView,
    OwnBenchmarkTimeSeriesView,
    OwnBenchmarkView,
)
from api.authority.calendar_feed import CalendarFeedRotateView
from api.authority.consultations import ConsultationViewSet
from api.authority.decisions import DecisionViewSet
from api.authority.history import HistoryViewSet
from api.authority.members import CurrentAuthorityView, MemberViewSet
from api.authority.methodology import (
    MethodologyAdoptView,
    MethodologyInUseView,
    PublishedMethodologyVersionViewSet,
)
from api.authority.outbox import AccountEmailViewSet, OutboxMessageViewSet
from api.authority.participants import ParticipantViewSet
from api.authority.population import (
    PopulationDimensionView,
    PopulationImportView,
    PopulationView,
)
from api.authority.proposals import ProposalViewSet
from api.authority.reviews import BenefitReviewViewSet
from api.discovery import ApiRootView
from api.passwords import (
    AuthorityPasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetRequestView,
    ProgrammePasswordChangeView,
)
from api.programme.authorities import AuthorityViewSet
from api.programme.benchmarks import (
    BenchmarkCatalogueView,
    BenchmarkCompareView,
    BenchmarkDistributionChartView,
    BenchmarkTableView,
    BenchmarkTimeSeriesChartView,
    BenchmarkTimeSeriesView,
)
from api.programme.enrolment import EnrolmentViewSet, WorkshopViewSet
from api.programme.findings import (
    FindingsDimensionsView,
    FindingsPublicationView,
    FindingsView,
)
from api.programme.funding import FundingEntryViewSet, FundingPositionView
from api.programme.login_failures import LoginFailureViewSet
from api.programme.methodology import MethodologyVersionViewSet, QuestionViewSet
from api.public.consultations import (
    CalendarFeedView,
    ConsultationCalendarFeedView,
    InvitationResponseView,
    InvitationView,
    OpenSurveyView,
)
from api.public.directory import PublicAuthorityViewSet
from api.public.engagement import EngagementMethodViewSet
from api.public.findings import PublicFindingsView
from api.public.register import RegisterEntryViewSet
from api.webhooks import ProgrammeWebhookEndpointViewSet, WebhookEndpointViewSet


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
programme_router.register("login-failures", LoginFailureViewSet, basename="login-failure")
programme_router.register(
    "methodology/versions", MethodologyVersionViewSet, basename="methodology-version"
)
programme_router.register(
    r"methodology/versions/(?P<version_id>\d+)/questions",
    QuestionViewSet,
    basename="methodology-question",
)
programme_router.register("webhooks", ProgrammeWebhookEndpointViewSet, basename="programme-webhook")
programme_router.register("workshops", WorkshopViewSet, basename="workshop")
programme_router.register("enrolments", EnrolmentViewSet, basename="enrolment")
programme_router.register("funding/entries", FundingEntryViewSet, basename="funding-entry")
programme_urls = [
    path("account/password", ProgrammePasswordChangeView.as_view(), name="programme-password"),
    *programme_router.urls,
    path("funding/position", FundingPositionView.as_view(), name="funding-position"),
    path("findings", FindingsView.as_view(), name="findings"),
    path("findings/dimensions", FindingsDimensionsView.as_view(), name="findings-dimensions"),
    path("findings/publication", FindingsPublicationView.as_view(), name="findings-publication"),
    path("benchmarks/figures", BenchmarkCatalogueView.as_view(), name="benchmark-figures"),
    path("benchmarks/authorities", BenchmarkTableView.as_view(), name="benchmark-table"),
    path(
        "benchmarks/authorities/<str:ref>", BenchmarkCompareView.as_view(), name="benchmark-compare"
    ),
    path(
        "benchmarks/authorities/<str:ref>/timeseries",
        BenchmarkTimeSeriesView.as_view(),
        name="benchmark-timeseries",
    ),
    path(
        "benchmarks/authorities/<str:ref>/timeseries.svg",
        BenchmarkTimeSeriesChartView.as_view(),
        name="benchmark-timeseries-chart",
    ),
    path(
        "benchmarks/charts/distribution.svg",
        BenchmarkDistributionChartView.as_view(),
        name="benchmark-distribution-chart",
    ),
]

authority_router = Router(trailing_slash=False)
authority_router.register("members", MemberViewSet, basename="member")
authority_router.register("proposals", ProposalViewSet, basename="proposal")
authority_router.register("decisions", DecisionViewSet, basename="decision")
authority_router.register("history", HistoryViewSet, basename="history")
authority_router.register(
    "methodology/versions",
    PublishedMethodologyVersionViewSet,
    basename="published-methodology-version",
)
authority_router.register("assessments", AssessmentViewSet, basename="assessment")
authority_router.register("consultations", ConsultationViewSet, basename="consultation")
authority_router.register("participants", ParticipantViewSet, basename="participant")
authority_router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
authority_router.register("reviews", BenefitReviewViewSet, basename="benefit-review")
authority_router.register("outbox/messages", OutboxMessageViewSet, basename="outbox-message")
authority_router.register("outbox/account-emails", AccountEmailViewSet, basename="account-email")
authority_urls = [
    path("account/password", AuthorityPasswordChangeView.as_view(), name="authority-password"),
    path("authority", CurrentAuthorityView.as_view(), name="current-authority"),
    path("population", PopulationView.as_view(), name="population"),
    path("population/import", PopulationImportView.as_view(), name="population-import"),
    path(
        "population/<str:dimension>",
        PopulationDimensionView.as_view(),
        name="population-dimension",
    ),
    path("methodology", MethodologyInUseView.as_view(), name="methodology-in-use"),
    path("methodology/adopt", MethodologyAdoptView.as_view(), name="methodology-adopt"),
    path(
        "consultations/calendar-feed/rotate",
        CalendarFeedRotateView.as_view(),
        name="calendar-feed-rotate",
    ),
    path("benchmarks", OwnBenchmarkView.as_view(), name="own-benchmark"),
    path("benchmarks/timeseries", OwnBenchmarkTimeSeriesView.as_view(), name="own-timeseries"),
    path(
        "benchmarks/timeseries.svg",
        OwnBenchmarkTimeSeriesChartView.as_view(),
        name="own-timeseries-chart",
    ),
    path(
        "benchmarks/charts/distribution.svg",
        OwnBenchmarkDistributionChartView.as_view(),
        name="own-distribution-chart",
    ),
    *authority_router.urls,
]

public_programme_router = Router(trailing_slash=False)
public_programme_router.register(
    "public/authorities", PublicAuthorityViewSet, basename="public-authority"
)
public_programme_router.register(
    "public/register", RegisterEntryViewSet, basename="public-register"
)
public_programme_urls = [
    *public_programme_router.urls,
    path("public/findings", PublicFindingsView.as_view(), name="public-findings"),
]

# Password reset and set-your-password links: no account, served on every host.
public_account_urls = [
    path("public/password-reset", PasswordResetRequestView.as_view(), name="password-reset"),
    path(
        "public/password-reset/confirm",
        PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
]

# The programme-wide catalogue, served on both hosts (listed once in the public spec).
public_catalogue_router = Router(trailing_slash=False)
public_catalogue_router.register(
    "public/engagement-methods", EngagementMethodViewSet, basename="public-engagement-method"
)
public_catalogue_urls = [*public_catalogue_router.urls]

# The same register view on an authority's host lists that authority's entries only.
public_authority_router = Router(trailing_slash=False)
public_authority_router.register(
    "public/register", RegisterEntryViewSet, basename="public-authority-register"
)
public_authority_urls: list = [
    *public_authority_router.urls,
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
    root = path("", ApiRootView.as_view(patterns=patterns), name="api-root")
    return path("api/v1/", include(([root, *patterns], "api"), namespace="v1"))
