"""Writes on authorities and memberships: onboarding, status changes, dropping a schema."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from backend.accounts.models import User
from backend.accounts.services import account_invite
from backend.consultations.tokens import new_feed_secret
from backend.core.errors import Conflict
from backend.core.transitions import TransitionTable
from tenants.models import Authority, AuthorityStatus, Domain, Membership
from tenants.provisioning.template import (
    schema_clone_from_template,
    schemas_clone_from_template,
)
from tenants.roles import AUTHORITY_ROLES, PROGRAMME_ROLES, Role
from tenants.slugs import slug_problems

AUTHORITY_STATUS_TRANSITIONS = TransitionTable(
    "authority",
    {
        AuthorityStatus.INVITED: frozenset({AuthorityStatus.ACTIVE, AuthorityStatus.WITHDRAWN}),
        AuthorityStatus.ACTIVE: frozenset({AuthorityStatus.PAUSED, AuthorityStatus.WITHDRAWN}),
        AuthorityStatus.PAUSED: frozenset({AuthorityStatus.ACTIVE, AuthorityStatus.WITHDRAWN}),
        AuthorityStatus.WITHDRAWN: frozenset({AuthorityStatus.ACTIVE}),
    },
)


@dataclass(frozen=True)
class OnboardingResult:
    authority: Authority
    admin: User
    created: bool
    # True when this call created the admin's account and queued their set-your-password email.
    admin_invited: bool
    seconds: float


def authority_host(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def _validate_new_slug(slug: str, name: str) -> Authority | None:
    """Return the existing authority when this is a repeat of the same onboarding."""
    existing = Authority.objects.filter(schema_name=slug).first()
    if existing is not None:
        if existing.name == name:
            return existing
        raise ValidationError(
            {"slug": [f"The slug '{slug}' is already used by another authority."]}
        )
    problems = slug_problems(slug)
    if problems:
        raise ValidationError({"slug": problems})
    return None


def authority_onboard(
    *,
    slug: str,
    name: str,
    kind: str,
    admin_email: str,
    nation: str = "england",
    gss_code: str = "",
    population: int | None = None,
    consents_to_be_named: bool = False,
    admin_full_name: str = "",
    status: str = AuthorityStatus.INVITED,
    from_template: bool = True,
) -> OnboardingResult:
    """Create an authority's schema, domain and first admin membership.

    Safe to repeat with the same slug and name: each step finds what an earlier
    run made. Schema DDL runs before the rows are written, so a failure leaves
    at most an empty schema that the next attempt reuses; the rows themselves
    are written in one transaction.
    """
    started = time.monotonic()
    existing = _validate_new_slug(slug, name)
    authority = existing or Authority(
        schema_name=slug,
        name=name,
        kind=kind,
        nation=nation,
        gss_code=gss_code,
        population=population,
        consents_to_be_named=consents_to_be_named,
        status=status,
    )
    authority.full_clean(validate_unique=False)

    # The schema is a clone of a migrated template (tenants.provisioning), made
    # and checked in its own transaction: it exists complete or not at all. A
    # schema left by an interrupted onboarding of the old kind is brought up to
    # date by migrations, as is every schema when ``from_template`` is False
    # (the benchmark's baseline). Migrations manage their own transactions.
    if from_template and not schema_exists(slug):
        schema_clone_from_template(schema_name=slug)
    else:
        authority.create_schema(check_if_exists=True, sync_schema=True, verbosity=0)

    invited = False
    with transaction.atomic():
        created = existing is None
        if created:
            authority.save()
        Domain.objects.get_or_create(
            domain=authority_host(slug), defaults={"tenant": authority, "is_primary": True}
        )
        admin = User.objects.filter(email__iexact=admin_email).first()
        if admin is None:
            # No password anyone could read: the admin chooses one through the emailed link.
            admin = User.objects.create_user(email=admin_email, full_name=admin_full_name)
            invited = account_invite(user=admin, authority=authority, host=authority_host(slug))
        Membership.objects.get_or_create(
            user=admin, authority=authority, defaults={"role": Role.ADMIN}
        )
    return OnboardingResult(
        authority=authority,
        admin=admin,
        created=created,
        admin_invited=invited,
        seconds=time.monotonic() - started,
    )


@dataclass(frozen=True)
class NewAuthority:
    """One authority of a bulk onboarding: the fields ``authority_onboard`` takes, no admin."""

    slug: str
    name: str
    kind: str
    nation: str = "england"
    gss_code: str = ""
    population: int | None = None
    consents_to_be_named: bool = False
    status: str = AuthorityStatus.INVITED


# Schemas per transaction: each clone holds about 170 new relations' locks until commit,
# and PostgreSQL's shared lock table has room for max_locks_per_transaction (64) per
# connection; five clones stay well inside it with other sessions running.
BULK_ONBOARD_BATCH = 5


def authorities_onboard_bulk(
    *,
    authorities: Sequence[NewAuthority],
    batch_size: int = BULK_ONBOARD_BATCH,
    progress: Callable[[int], None] | None = None,
) -> list[Authority]:
    """Onboard many authorities: schemas cloned in batches, rows written with their batch.

    Every slug is checked before anything is created (the slug rules, unique in the
    list, not already taken). Each batch is one transaction: its schemas (cloned from
    the template and checked, tenants.provisioning), then its authority and domain
    rows, so a failed or refused batch leaves neither schemas nor rows; earlier
    batches stay (``progress`` is called with the count done after each). No admin
    is invited: members are granted separately (``membership_grant``).
    """
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for new in authorities:
        found = slug_problems(new.slug)
        if new.slug in seen:
            found.append(f"The slug '{new.slug}' appears twice in this onboarding.")
        seen.add(new.slug)
        if found:
            problems[new.slug] = found
    for taken in Authority.objects.filter(schema_name__in=seen).values_list(
        "schema_name", flat=True
    ):
        problems.setdefault(taken, []).append(f"The slug '{taken}' is already used.")
    rows = [
        Authority(
            schema_name=new.slug,
            name=new.name,
            kind=new.kind,
            nation=new.nation,
            gss_code=new.gss_code,
            population=new.population,
            consents_to_be_named=new.consents_to_be_named,
            status=new.status,
        )
        for new in authorities
    ]
    for row in rows:
        try:
            row.full_clean(validate_unique=False)
        except ValidationError as error:
            problems.setdefault(row.schema_name, []).extend(error.messages)
    if problems:
        raise ValidationError(
            {"slug": [f"{slug}: {p}" for slug, ps in problems.items() for p in ps]}
        )

    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        with transaction.atomic():
            schemas_clone_from_template(schema_names=[row.schema_name for row in batch])
            Authority.objects.bulk_create(batch)
            Domain.objects.bulk_create(
                Domain(domain=authority_host(row.schema_name), tenant=row, is_primary=True)
                for row in batch
            )
        if progress is not None:
            progress(start + len(batch))
    return rows


@transaction.atomic
def authority_set_status(*, authority: Authority, status: str) -> Authority:
    """Move an authority between invited, active, paused and withdrawn."""
    locked = Authority.objects.select_for_update().get(pk=authority.pk)
    if status == locked.status:
        return locked
    AUTHORITY_STATUS_TRANSITIONS.check(locked.status, status)
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def authority_calendar_feed_rotate(*, authority: Authority) -> Authority:
    """Give the authority a new calendar-feed secret: every old feed URL stops working."""
    locked = Authority.objects.select_for_update().get(pk=authority.pk)
    locked.calendar_feed_secret = new_feed_secret()
    locked.save(update_fields=["calendar_feed_secret", "updated_at"])
    return locked


@transaction.atomic
def authority_update(*, authority: Authority, **fields: object) -> Authority:
    """Change an authority's descriptive fields (not its slug or status)."""
    editable = {"name", "kind", "nation", "gss_code", "population", "consents_to_be_named"}
    unknown = set(fields) - editable
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in unknown})
    for name, value in fields.items():
        setattr(authority, name, value)
    authority.full_clean(validate_unique=False)
    authority.save()
    return authority


def authority_drop_schema(*, authority: Authority) -> None:
    """Drop a withdrawn authority's schema and its rows. Irreversible."""
    if authority.status != AuthorityStatus.WITHDRAWN:
        raise ValidationError("Only a withdrawn authority's schema can be dropped.")
    schema = authority.schema_name
    with transaction.atomic():
        if schema_exists(schema):
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
        Domain.objects.filter(tenant=authority).delete()
        Membership.objects.filter(authority=authority).delete()
        # Bypass TenantMixin.delete(), which refuses or drops on its own terms.
        Authority.objects.filter(pk=authority.pk).delete()


@transaction.atomic
def membership_grant(*, user: User, role: str, authority: Authority | None) -> Membership:
    """Give a user a role in an authority (or programme-wide when authority is None)."""
    if authority is None and role not in PROGRAMME_ROLES:
        raise ValidationError({"role": [f"'{role}' is an authority role; name an authority."]})
    if authority is not None and role not in AUTHORITY_ROLES:
        raise ValidationError({"role": [f"'{role}' is a programme role; it has no authority."]})
    membership, _ = Membership.objects.update_or_create(
        user=user, authority=authority, defaults={"role": role}
    )
    return membership


@dataclass(frozen=True)
class MemberAdded:
    membership: Membership
    # True when this call created the person's account and queued their set-your-password email.
    invited: bool


@transaction.atomic
def membership_add(
    *, authority: Authority, email: str, role: str, full_name: str = ""
) -> MemberAdded:
    """Add a person to an authority, creating their user when the email is new."""
    if role not in AUTHORITY_ROLES:
        raise ValidationError({"role": [f"'{role}' is not an authority role."]})
    invited = False
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        # No password in any response: the person sets one through the emailed link.
        user = User.objects.create_user(email=email, full_name=full_name)
        invited = account_invite(
            user=user, authority=authority, host=authority_host(authority.schema_name)
        )
    if Membership.objects.filter(user=user, authority=authority).exists():
        raise Conflict(
            f"{user.email} is already a member of {authority.name}.", code="already_member"
        )
    membership = Membership.objects.create(user=user, authority=authority, role=role)
    return MemberAdded(membership=membership, invited=invited)


def _ensure_an_admin_remains(membership: Membership) -> None:
    if membership.role != Role.ADMIN:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(authority=membership.authority, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise Conflict("An authority keeps at least one admin.", code="last_admin")


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in AUTHORITY_ROLES:
        raise ValidationError({"role": [f"'{role}' is not an authority role."]})
    if role != membership.role:
        _ensure_an_admin_remains(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    _ensure_an_admin_remains(membership)
    membership.delete()
