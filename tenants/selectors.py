"""Reads on authorities and memberships."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.accounts.models import User
from tenants.models import Authority, Membership


def membership_role(*, user: User, authority: Authority) -> str | None:
    """The user's role in this authority, or None when they are not a member."""
    return (
        Membership.objects.filter(user=user, authority=authority)
        .values_list("role", flat=True)
        .first()
    )


def programme_role(*, user: User) -> str | None:
    """The user's programme-wide role (coordinator, observer), or None."""
    return (
        Membership.objects.filter(user=user, authority__isnull=True)
        .values_list("role", flat=True)
        .first()
    )


def membership_list(
    *, user: User | None = None, authority: Authority | None = None
) -> QuerySet[Membership]:
    memberships = Membership.objects.select_related("user", "authority")
    if user is not None:
        memberships = memberships.filter(user=user)
    if authority is not None:
        memberships = memberships.filter(authority=authority)
    return memberships


def authority_list() -> QuerySet[Authority]:
    return Authority.objects.all()


def authority_calendar_feed_secret(*, schema_name: str) -> str:
    """Read fresh from the database: the host cache may hold an authority from before a rotation."""
    secret = (
        Authority.objects.filter(schema_name=schema_name)
        .values_list("calendar_feed_secret", flat=True)
        .first()
    )
    return secret or ""
