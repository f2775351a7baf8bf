"""Writes on the programme's own records: workshops, enrolments and the funding ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.core.errors import Conflict
from backend.programme.models import (
    ConsultationCost,
    Enrolment,
    EnrolmentStage,
    EnrolmentTransition,
    FunderKind,
    FundingEntry,
    Workshop,
)
from backend.programme.transitions import ENROLMENT_TRANSITIONS
from tenants.models import Authority, AuthorityStatus
from tenants.services import authority_set_status

ENROLMENT_FIELDS = {"organisation_name", "kind", "nation", "workshop", "authority", "notes"}


@transaction.atomic
def workshop_create(*, name: str, held_on: date, location: str = "") -> Workshop:
    return Workshop.objects.create(name=name, held_on=held_on, location=location)


def _check_authority_free(authority: Authority | None, enrolment: Enrolment | None) -> None:
    if authority is None:
        return
    taken = Enrolment.objects.filter(authority=authority)
    if enrolment is not None:
        taken = taken.exclude(pk=enrolment.pk)
    if taken.exists():
        raise ValidationError({"authority": ["This authority already has an enrolment."]})


@transaction.atomic
def enrolment_create(*, actor: User, **fields: Any) -> Enrolment:
    """Record an organisation's interest (the first stage)."""
    unknown = set(fields) - ENROLMENT_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in unknown})
    _check_authority_free(fields.get("authority"), None)
    return Enrolment.objects.create(**fields)


@transaction.atomic
def enrolment_update(*, enrolment: Enrolment, **fields: Any) -> Enrolment:
    """Change the details (not the stage: that moves only through the stage services)."""
    unknown = set(fields) - ENROLMENT_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in unknown})
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if "authority" in fields:
        if fields["authority"] is None and enrolment.stage == EnrolmentStage.ACTIVE:
            raise Conflict("An active enrolment keeps its authority.", code="authority_required")
        _check_authority_free(fields["authority"], enrolment)
    for name, value in fields.items():
        setattr(enrolment, name, value)
    enrolment.save()
    return enrolment


def _move(*, enrolment: Enrolment, to: str, actor: User, note: str = "") -> Enrolment:
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    ENROLMENT_TRANSITIONS.check(locked.stage, to)
    EnrolmentTransition.objects.create(
        enrolment=locked,
        from_stage=locked.stage,
        to_stage=to,
        at=timezone.now(),
        by=actor,
        note=note,
    )
    locked.stage = to
    return locked


@transaction.atomic
def enrolment_commit_in_principle(
    *, enrolment: Enrolment, actor: User, note: str = ""
) -> Enrolment:
    enrolment = _move(
        enrolment=enrolment, to=EnrolmentStage.COMMITTED_IN_PRINCIPLE, actor=actor, note=note
    )
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_formally_collaborate(
    *, enrolment: Enrolment, actor: User, agreement_date: date, note: str = ""
) -> Enrolment:
    """The collaboration agreement is signed (its date is required)."""
    if agreement_date > timezone.localdate():
        raise ValidationError({"agreement_date": ["The agreement date cannot be in the future."]})
    enrolment = _move(
        enrolment=enrolment, to=EnrolmentStage.FORMALLY_COLLABORATING, actor=actor, note=note
    )
    enrolment.agreement_date = agreement_date
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_activate(*, enrolment: Enrolment, actor: User, note: str = "") -> Enrolment:
    """The pilot starts: the enrolment needs its onboarded authority, which becomes active."""
    enrolment = _move(enrolment=enrolment, to=EnrolmentStage.ACTIVE, actor=actor, note=note)
    if enrolment.authority is None:
        raise Conflict(
            "Onboard the authority and link it to this enrolment before activating it.",
            code="authority_required",
        )
    if enrolment.authority.status != AuthorityStatus.ACTIVE:
        authority_set_status(authority=enrolment.authority, status=AuthorityStatus.ACTIVE)
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, actor: User, note: str) -> Enrolment:
    """The organisation leaves; its authority, if any, is withdrawn too (its schema is kept)."""
    if not note.strip():
        raise ValidationError({"note": ["Say why the organisation is withdrawing."]})
    enrolment = _move(enrolment=enrolment, to=EnrolmentStage.WITHDRAWN, actor=actor, note=note)
    authority = enrolment.authority
    if authority is not None and authority.status != AuthorityStatus.WITHDRAWN:
        authority_set_status(authority=authority, status=AuthorityStatus.WITHDRAWN)
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_reengage(*, enrolment: Enrolment, actor: User, note: str = "") -> Enrolment:
    enrolment = _move(
        enrolment=enrolment, to=EnrolmentStage.EXPRESSION_OF_INTEREST, actor=actor, note=note
    )
    enrolment.save()
    return enrolment


@transaction.atomic
def funding_entry_record(
    *,
    actor: User,
    kind: str,
    amount: Decimal,
    on: date,
    authority: Authority | None = None,
    funder_name: str = "",
    note: str = "",
) -> FundingEntry:
    """Add a line to the ledger. Negative amounts correct earlier lines and need a note."""
    errors: dict[str, list[str]] = {}
    if amount == 0:
        errors["amount"] = ["An entry moves some money; zero is not an entry."]
    elif amount < 0 and not note.strip():
        errors["note"] = ["A correction (a negative amount) needs a note saying what it corrects."]
    if authority is None and not funder_name.strip():
        errors["funder_name"] = ["Name the funder, or choose a participating authority."]
    if authority is not None and funder_name.strip():
        errors["funder_name"] = ["Give either an authority or a funder's name, not both."]
    if errors:
        raise ValidationError(errors)
    return FundingEntry.objects.create(
        kind=kind,
        funder_kind=FunderKind.AUTHORITY if authority is not None else FunderKind.OTHER,
        authority=authority,
        funder_name=funder_name.strip(),
        amount=amount,
        on=on,
        note=note,
        recorded_by=actor,
    )


def consultation_cost_record(
    *,
    authority_id: int,
    consultation_id: int,
    proposal_id: int,
    closed_on: date,
    cost: Decimal,
    participants: int,
) -> ConsultationCost:
    """Keep the programme's copy of one consultation's cost in step (insert or update)."""
    record, _ = ConsultationCost.objects.update_or_create(
        authority_id=authority_id,
        consultation_id=consultation_id,
        defaults={
            "proposal_id": proposal_id,
            "closed_on": closed_on,
            "cost": cost,
            "participants": participants,
        },
    )
    return record
