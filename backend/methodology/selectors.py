"""Reads on methodology versions and adoptions."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from backend.methodology.models import (
    Criterion,
    MethodologyAdoption,
    MethodologyVersion,
    Question,
    VersionStatus,
)
from tenants.models import Authority

READABLE_BY_AUTHORITIES = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)


def methodology_version_list(
    *, readable_by_authorities: bool = False
) -> QuerySet[MethodologyVersion]:
    versions = MethodologyVersion.objects.annotate(
        question_count=Count("questions", distinct=True)
    ).select_related("based_on")
    if readable_by_authorities:
        versions = versions.filter(status__in=READABLE_BY_AUTHORITIES)
    return versions


def methodology_version_full(
    *, readable_by_authorities: bool = False
) -> QuerySet[MethodologyVersion]:
    """Versions with their criteria and questions prefetched, for detail views."""
    return methodology_version_list(
        readable_by_authorities=readable_by_authorities
    ).prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("kind", "order", "id")),
        Prefetch("questions", queryset=Question.objects.order_by("order", "id")),
    )


def methodology_version_get(*, version_id: int) -> MethodologyVersion:
    return methodology_version_full().get(pk=version_id)


def methodology_current_adoption(*, authority: Authority) -> MethodologyAdoption | None:
    return (
        MethodologyAdoption.objects.filter(authority=authority)
        .select_related("version")
        .order_by("-adopted_at", "-id")
        .first()
    )


def methodology_newest_published() -> MethodologyVersion | None:
    return (
        MethodologyVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .order_by("-published_at", "-id")
        .first()
    )


def question_list(*, version: MethodologyVersion) -> QuerySet[Question]:
    return Question.objects.filter(version=version).select_related("version")
