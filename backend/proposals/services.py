"""Writes on proposals: create, edit, and one service per lifecycle move.

Every write runs in one transaction inside ``pghistory.context(user=...)`` so
the audit trail (database triggers) records who made each change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.core.errors import Conflict, InvalidInput, InvalidTransition, PrerequisitesMissing
from backend.core.events import EventName, announce
from backend.proposals import prerequisites
from backend.proposals.models import (
    DataCategory,
    Partner,
    Proposal,
    ProposalStatus,
    ProposalTransition,
    ReferenceCounter,
    Risk,
)
from backend.proposals.transitions import OPEN_STATES, PROPOSAL_TRANSITIONS
from tenants.context import current_authority_id, require_authority_schema
from tenants.models import Authority, Membership
from tenants.roles import CASEWORKERS

# The reference year follows the programme's clock (UK), not the server's.
REFERENCE_ZONE = ZoneInfo("Europe/London")

# Fields a caller may set on create and change on edit; everything else
# (reference, status, timestamps, created_by) is owned by these services.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "purpose",
        "service_areas",
        "data_subjects_description",
        "data_subjects_estimated_count",
        "legal_gateway",
        "legal_gateway_detail",
        "direction",
        "frequency",
        "retention_period",
        "expected_benefits_individuals",
        "expected_benefits_public",
        "estimated_cost",
        "owner_id",
    }
)

ChildRows = Iterable[Mapping[str, Any]]


def reference_allocate(*, now: datetime | None = None) -> str:
    """The next reference of the year, e.g. DSP-2026-0007; call inside a transaction.

    The counter row is locked (SELECT ... FOR UPDATE) until the caller's
    transaction ends, so concurrent creates queue on it and never share a
    number. The first create of a year inserts the row with ON CONFLICT DO
    NOTHING, so two first creates cannot collide either.
    """
    require_authority_schema()
    year = timezone.localtime(now or timezone.now(), REFERENCE_ZONE).year
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"DSP-{year}-{counter.last_number:04d}"


def _check_owner(*, authority: Authority, owner_id: int | None) -> None:
    """The owner must be able to act on the proposal: an admin or officer of the authority.

    A viewer or facilitator owner would hold a proposal they cannot move, edit or
    decide, and the owner is who gets the consultation results.
    """
    if owner_id is None:
        return
    role = (
        Membership.objects.filter(user_id=owner_id, authority=authority)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        message = f"User {owner_id} is not a member of {authority.name}."
        raise InvalidInput(message, code="owner_not_member", fields={"owner": [message]})
    if role not in CASEWORKERS:
        message = (
            f"User {owner_id} is a {role} of {authority.name} and cannot act on proposals; "
            "the owner must be an admin or officer."
        )
        raise InvalidInput(message, code="owner_cannot_act", fields={"owner": [message]})


def _check_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be set."] for name in sorted(unknown)})


def _replace_children(
    *,
    proposal: Proposal,
    data_categories: ChildRows | None,
    partners: ChildRows | None,
    risks: ChildRows | None,
) -> None:
    """Replace-the-list semantics: a list that is given becomes the whole list."""
    if data_categories is not None:
        proposal.data_categories.all().delete()
        DataCategory.objects.bulk_create(
            [DataCategory(proposal=proposal, **row) for row in data_categories]
        )
    if partners is not None:
        proposal.partners.all().delete()
        Partner.objects.bulk_create([Partner(proposal=proposal, **row) for row in partners])
    if risks is not None:
        proposal.risks.all().delete()
        Risk.objects.bulk_create([Risk(proposal=proposal, **row) for row in risks])


@transaction.atomic
def proposal_create(
    *,
    authority: Authority,
    actor: User,
    fields: Mapping[str, Any],
    data_categories: ChildRows = (),
    partners: ChildRows = (),
    risks: ChildRows = (),
) -> Proposal:
    """Log a new proposal in draft, with its data categories, partners and risks.

    All or nothing: a bad owner or a bad child row leaves no proposal and
    uses no reference number.
    """
    _check_fields(fields)
    owner_id = fields.get("owner_id", actor.pk)
    _check_owner(authority=authority, owner_id=owner_id)
    # actor None: the system moved it (a consultation opened by the sweeper).
    with pghistory.context(user=actor.pk if actor else None):
        proposal = Proposal(
            **{**fields, "owner_id": owner_id},
            reference=reference_allocate(),
            created_by=actor,
            status=ProposalStatus.DRAFT,
        )
        proposal.full_clean(exclude=["reference", "owner", "created_by"])
        proposal.save()
        _replace_children(
            proposal=proposal, data_categories=data_categories, partners=partners, risks=risks
        )
    return proposal


@transaction.atomic
def proposal_update(
    *,
    authority: Authority,
    proposal: Proposal,
    actor: User,
    fields: Mapping[str, Any],
    data_categories: ChildRows | None = None,
    partners: ChildRows | None = None,
    risks: ChildRows | None = None,
) -> Proposal:
    """Edit an open proposal; child lists that are given replace the stored ones."""
    _check_fields(fields)
    # actor None: the system moved it (a consultation opened by the sweeper).
    with pghistory.context(user=actor.pk if actor else None):
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status not in OPEN_STATES:
            raise Conflict(
                f"Proposal {locked.reference} is {locked.status} and can no longer be edited.",
                code="proposal_closed",
            )
        if "owner_id" in fields:
            _check_owner(authority=authority, owner_id=fields["owner_id"])
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["reference", "owner", "created_by"])
        locked.save()
        _replace_children(
            proposal=locked, data_categories=data_categories, partners=partners, risks=risks
        )
    announce(EventName.PROPOSAL_UPDATED, proposal_id=locked.pk, reference=locked.reference)
    return locked


def _move(
    *,
    proposal: Proposal,
    to: str,
    actor: User | None,
    reason: str = "",
    only_from: frozenset[str] | None = None,
    require: Callable[[Proposal], None] | None = None,
) -> Proposal:
    """Lock the row, check the table, record who moved it when, and move it.

    ``only_from`` narrows a move the table allows from several states to the
    one this service stands for (skipping consultation is only legal from
    in_assessment, finishing it only from in_consultation). ``require`` checks
    the move's prerequisites under the lock, after the table: an illegal move
    is reported as such before anything it would have needed.
    """
    # actor None: the system moved it (a consultation opened by the sweeper).
    with pghistory.context(user=actor.pk if actor else None):
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        current = locked.status
        if only_from is not None and current not in only_from:
            raise InvalidTransition(
                "proposal", current, to, PROPOSAL_TRANSITIONS.allowed_from(current)
            )
        PROPOSAL_TRANSITIONS.check(current, to)
        if require is not None:
            require(locked)
        now = timezone.now()
        ProposalTransition.objects.create(
            proposal=locked, from_status=current, to_status=to, at=now, by=actor, reason=reason
        )
        locked.status = to
        changed = ["status", "updated_at"]
        if to == ProposalStatus.IN_ASSESSMENT:
            locked.submitted_at = now
            changed.append("submitted_at")
        elif to == ProposalStatus.AWAITING_DECISION and current == ProposalStatus.IN_ASSESSMENT:
            locked.skip_consultation_reason = reason
            changed.append("skip_consultation_reason")
        elif to == ProposalStatus.DECIDED:
            locked.decided_at = now
            changed.append("decided_at")
        elif to == ProposalStatus.WITHDRAWN:
            locked.withdrawn_at = now
            changed.append("withdrawn_at")
        locked.save(update_fields=changed)
    announce(
        EventName.PROPOSAL_MOVED,
        proposal_id=locked.pk,
        reference=locked.reference,
        from_status=current,
        to_status=to,
    )
    return locked


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor: User) -> Proposal:
    """draft → in_assessment: the proposal is ready for the methodology."""
    return _move(proposal=proposal, to=ProposalStatus.IN_ASSESSMENT, actor=actor)


@transaction.atomic
def proposal_start_consultation(*, proposal: Proposal, actor: User | None) -> Proposal:
    """in_assessment → in_consultation: the public is to be engaged."""
    return _move(proposal=proposal, to=ProposalStatus.IN_CONSULTATION, actor=actor)


@transaction.atomic
def proposal_skip_consultation(*, proposal: Proposal, actor: User, reason: str) -> Proposal:
    """in_assessment → awaiting_decision without consulting, which needs a recorded reason."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": ["Skipping consultation needs a reason."]})
    return _move(
        proposal=proposal,
        to=ProposalStatus.AWAITING_DECISION,
        actor=actor,
        reason=reason.strip(),
        only_from=frozenset({ProposalStatus.IN_ASSESSMENT}),
    )


def _require_consultation_held(proposal: Proposal) -> None:
    missing = prerequisites.finish_consultation_missing(proposal=proposal)
    if missing:
        raise PrerequisitesMissing(
            f"Consultation on {proposal.reference} cannot finish before at least one "
            "consultation has closed with its results computed.",
            code="consultation_not_held",
            missing=missing,
        )


def _require_methodology_followed(proposal: Proposal) -> None:
    authority = Authority.objects.get(pk=current_authority_id())
    version_id, label = prerequisites.pinned_version_id(authority=authority)
    missing = prerequisites.decision_missing(proposal=proposal, methodology_version_id=version_id)
    if missing:
        raise PrerequisitesMissing(
            f"A decision on {proposal.reference} needs a signed-off assessment under "
            f"methodology {label} and either a closed consultation with results or a "
            f"recorded reason for skipping consultation. Missing: {', '.join(missing)}.",
            code="decision_prerequisites_missing",
            missing=missing,
            methodology_version=label,
        )


@transaction.atomic
def proposal_finish_consultation(*, proposal: Proposal, actor: User) -> Proposal:
    """in_consultation → awaiting_decision: what the public said is in (at least one
    consultation closed with computed results)."""
    return _move(
        proposal=proposal,
        to=ProposalStatus.AWAITING_DECISION,
        actor=actor,
        only_from=frozenset({ProposalStatus.IN_CONSULTATION}),
        require=_require_consultation_held,
    )


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor: User, reason: str = "") -> Proposal:
    """Any open state → withdrawn: the authority no longer pursues it."""
    return _move(proposal=proposal, to=ProposalStatus.WITHDRAWN, actor=actor, reason=reason)


@transaction.atomic
def proposal_mark_decided(*, proposal: Proposal, actor: User) -> Proposal:
    """awaiting_decision → decided; called only by ``decision_record`` in the same transaction.

    Refused (409 ``decision_prerequisites_missing``) unless the methodology was
    followed: see ``backend.proposals.prerequisites.decision_missing``.
    """
    return _move(
        proposal=proposal,
        to=ProposalStatus.DECIDED,
        actor=actor,
        require=_require_methodology_followed,
    )
