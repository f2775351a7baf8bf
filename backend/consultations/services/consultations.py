"""Consultation writes: create, edit, reschedule, cancel, open, remind, close, publish.

Every transition locks the consultation row (``SELECT ... FOR UPDATE``) and
re-reads its status before acting, so a transition requested twice (a retried
task, a duplicated message, a sweep racing a manual close) happens once: the
second caller finds the new status and either does nothing (the sweeper) or
gets a 409 (a person).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.consultations import selectors
from backend.consultations.models import (
    Consultation,
    ConsultationResult,
    ConsultationStatus,
    OutboxKind,
    Participant,
    ParticipantSource,
    Response,
)
from backend.consultations.scoring import Answer, compute_results, cost_per_participant
from backend.consultations.services.outbox import (
    outbox_queue_for_participants,
    outbox_queue_for_user,
)
from backend.consultations.tokens import (
    OPEN_LINK,
    issued_token,
    new_salt,
    open_link_token,
    token_digest,
)
from backend.consultations.transitions import CONSULTATION_TRANSITIONS
from backend.core.errors import Conflict
from backend.core.events import EventName, announce
from backend.engagement.models import EngagementMethod
from backend.proposals.models import Proposal, ProposalStatus
from backend.proposals.services import proposal_start_consultation
from tenants.context import require_authority_schema
from tenants.models import Membership
from tenants.roles import ENGAGEMENT_STAFF

S = ConsultationStatus

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "location",
        "online_url",
        "capacity",
        "facilitator",
        "reminder_lead_minutes",
        "budget",
        "staff_hours",
        "cost_staff",
        "cost_venue",
        "cost_incentives",
        "cost_other",
        "open_link_enabled",
        "method",
    }
)
COST_FIELDS = frozenset({"cost_staff", "cost_venue", "cost_incentives", "cost_other"})
# Fields about the event itself: frozen once it has closed.
EVENT_FIELDS = frozenset({"title", "location", "online_url", "capacity", "method"})


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": ["Give times with a UTC offset or 'Z'."]})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ["The end must be after the start."]})


def _check_facilitator(facilitator: User | None) -> None:
    """The facilitator must be engagement staff of this authority."""
    if facilitator is None:
        return
    is_staff = Membership.objects.filter(
        user=facilitator,
        authority__schema_name=require_authority_schema(),
        role__in=ENGAGEMENT_STAFF,
    ).exists()
    if not is_staff:
        raise ValidationError(
            {"facilitator": ["Choose an admin, officer or facilitator of this authority."]}
        )


def _check_proposal(proposal: Proposal) -> None:
    if proposal.status in {ProposalStatus.DECIDED, ProposalStatus.WITHDRAWN}:
        raise Conflict(
            f"Proposal {proposal.reference} is {proposal.status}; it cannot be consulted on.",
            code="proposal_closed",
        )


def _lock(consultation_id: int) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation_id)


def _set_open_link(consultation: Consultation, enabled: bool) -> None:
    consultation.open_link_enabled = enabled
    retired = consultation.open_link_salt and not issued_token(
        OPEN_LINK, consultation.open_link_salt, consultation.open_link_digest
    )
    # A new link when there was none, or when the key that issued the old one is retired.
    if enabled and (not consultation.open_link_salt or retired):
        consultation.open_link_salt = new_salt()
        consultation.open_link_digest = token_digest(open_link_token(consultation.open_link_salt))


@transaction.atomic
def consultation_create(
    *,
    proposal: Proposal,
    method: EngagementMethod,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    created_by: User | None = None,
    **details: Any,
) -> Consultation:
    require_authority_schema()
    _check_times(starts_at, ends_at)
    _check_proposal(proposal)
    _check_facilitator(details.get("facilitator"))
    unknown = set(details) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in unknown})
    open_link = bool(details.pop("open_link_enabled", False))
    consultation = Consultation(
        proposal=proposal,
        method=method,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=created_by,
        **details,
    )
    _set_open_link(consultation, open_link)
    consultation.save()
    return consultation


@transaction.atomic
def consultation_update(*, consultation: Consultation, **changes: Any) -> Consultation:
    """Edit details and costs. Times change only through ``consultation_reschedule``."""
    consultation = _lock(consultation.pk)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in unknown})
    if consultation.status in {S.CANCELLED} or (
        consultation.status in {S.CLOSED, S.RESULTS_PUBLISHED} and set(changes) & EVENT_FIELDS
    ):
        raise Conflict(
            f"A {consultation.status} consultation's details can no longer change "
            "(costs can, until it is cancelled).",
            code="consultation_frozen",
        )
    if "facilitator" in changes:
        _check_facilitator(changes["facilitator"])
    if "open_link_enabled" in changes:
        _set_open_link(consultation, bool(changes.pop("open_link_enabled")))
    for name, value in changes.items():
        setattr(consultation, name, value)
    consultation.save()
    if set(changes) & COST_FIELDS:
        _refresh_result_costs(consultation)
    return consultation


def _refresh_result_costs(consultation: Consultation) -> None:
    """Actual costs are often known only after the event: keep the results' cost in step."""
    result = selectors.result_get(consultation=consultation)
    if result is None:
        return
    result.actual_cost = consultation.actual_cost
    result.cost_per_participant = cost_per_participant(consultation.actual_cost, result.responded)
    result.save(update_fields=["actual_cost", "cost_per_participant"])
    announce(
        EventName.CONSULTATION_COSTS_CHANGED,
        consultation_id=consultation.pk,
        proposal_id=consultation.proposal_id,
    )


def _require_scheduled(consultation: Consultation, what: str) -> None:
    if consultation.status != S.SCHEDULED:
        raise Conflict(
            f"Only a scheduled consultation can be {what}; this one is {consultation.status}.",
            code="not_scheduled",
        )


@transaction.atomic
def consultation_reschedule(
    *, consultation: Consultation, starts_at: datetime, ends_at: datetime
) -> Consultation:
    consultation = _lock(consultation.pk)
    _require_scheduled(consultation, "rescheduled")
    _check_times(starts_at, ends_at)
    if (starts_at, ends_at) == (consultation.starts_at, consultation.ends_at):
        return consultation  # nothing moved: no new sequence, no emails
    consultation.starts_at = starts_at
    consultation.ends_at = ends_at
    consultation.sequence += 1
    consultation.save()
    _tell_invited(consultation, OutboxKind.RESCHEDULED)
    return consultation


def _tell_invited(consultation: Consultation, kind: str) -> None:
    """One notice per invited person per change (the key carries ``sequence``).

    Erased participants have no address left and are never written to.
    """
    invited = Participant.objects.filter(consultation=consultation, erased_at__isnull=True).exclude(
        email=""
    )
    outbox_queue_for_participants(consultation=consultation, participants=invited, kind=kind)


@transaction.atomic
def consultation_cancel(*, consultation: Consultation, reason: str = "") -> Consultation:
    consultation = _lock(consultation.pk)
    CONSULTATION_TRANSITIONS.check(consultation.status, S.CANCELLED)
    consultation.status = S.CANCELLED
    consultation.cancelled_at = timezone.now()
    consultation.cancel_reason = reason
    consultation.sequence += 1
    consultation.save()
    _tell_invited(consultation, OutboxKind.CANCELLED)
    return consultation


def _open(consultation: Consultation, now: datetime) -> None:
    consultation.status = S.OPEN
    consultation.opened_at = now
    consultation.save(update_fields=["status", "opened_at", "updated_at"])
    announce(
        EventName.CONSULTATION_OPENED,
        consultation_id=consultation.pk,
        proposal_id=consultation.proposal_id,
    )
    # The first consultation to open takes its proposal into consultation; later
    # ones (a second workshop) find it there already.
    proposal = consultation.proposal
    if proposal.status == ProposalStatus.IN_ASSESSMENT:
        proposal_start_consultation(proposal=proposal, actor=None)


@transaction.atomic
def consultation_open(*, consultation: Consultation) -> Consultation:
    """Open now, by hand (before the start time, e.g. a survey launched early)."""
    consultation = _lock(consultation.pk)
    CONSULTATION_TRANSITIONS.check(consultation.status, S.OPEN)
    _open(consultation, timezone.now())
    return consultation


def _close(consultation: Consultation, now: datetime) -> None:
    consultation.status = S.CLOSED
    consultation.closed_at = now
    consultation.save(update_fields=["status", "closed_at", "updated_at"])
    result_compute(consultation=consultation)
    announce(
        EventName.CONSULTATION_CLOSED,
        consultation_id=consultation.pk,
        proposal_id=consultation.proposal_id,
    )
    owner_id = consultation.proposal.owner_id or consultation.proposal.created_by_id
    if owner_id is not None:
        outbox_queue_for_user(
            consultation=consultation, user_id=owner_id, kind=OutboxKind.OWNER_RESULTS
        )


@transaction.atomic
def consultation_close(*, consultation: Consultation) -> Consultation:
    """Close now, by hand (e.g. a workshop that ended early)."""
    consultation = _lock(consultation.pk)
    CONSULTATION_TRANSITIONS.check(consultation.status, S.CLOSED)
    _close(consultation, timezone.now())
    return consultation


@transaction.atomic
def consultation_publish_results(*, consultation: Consultation) -> Consultation:
    """Publish the results and thank everyone who responded (one email each, ever)."""
    consultation = _lock(consultation.pk)
    CONSULTATION_TRANSITIONS.check(consultation.status, S.RESULTS_PUBLISHED)
    consultation.status = S.RESULTS_PUBLISHED
    consultation.results_published_at = timezone.now()
    consultation.save(update_fields=["status", "results_published_at", "updated_at"])
    announce(
        EventName.CONSULTATION_RESULTS_PUBLISHED,
        consultation_id=consultation.pk,
        proposal_id=consultation.proposal_id,
    )
    responders = Participant.objects.filter(
        consultation=consultation, response__isnull=False, erased_at__isnull=True
    ).exclude(email="")
    outbox_queue_for_participants(
        consultation=consultation, participants=responders, kind=OutboxKind.THANK_YOU
    )
    return consultation


def result_compute(*, consultation: Consultation) -> ConsultationResult:
    """Compute the results once; a second call returns the first computation."""
    existing = selectors.result_get(consultation=consultation)
    if existing is not None:
        return existing
    # "Invited" is the people the authority invited or imported, erased ones included
    # (erasure keeps an anonymous row); open-link respondents invited themselves.
    invited = (
        Participant.objects.filter(consultation=consultation)
        .exclude(source=ParticipantSource.OPEN_LINK)
        .count()
    )
    answers = [
        Answer(
            acceptability=row["acceptability"],
            purposeful=row["purposeful"],
            proportionate=row["proportionate"],
            responsible=row["responsible"],
            invited=row["participant__source"] != ParticipantSource.OPEN_LINK,
        )
        for row in Response.objects.filter(participant__consultation=consultation).values(
            "acceptability",
            "purposeful",
            "proportionate",
            "responsible",
            "participant__source",
        )
    ]
    results = compute_results(
        invited=invited,
        answers=answers,
        actual_cost=consultation.actual_cost,
        officer_verdicts=selectors.officer_verdicts_for(proposal_id=consultation.proposal_id),
    )
    return ConsultationResult.objects.create(
        consultation=consultation,
        invited=results.invited,
        responded=results.responded,
        open_link_respondents=results.open_link_respondents,
        response_rate=results.response_rate,
        net_acceptability=results.net_acceptability,
        actual_cost=results.actual_cost,
        cost_per_participant=results.cost_per_participant,
        figures=results.figures,
        computed_at=timezone.now(),
    )


@dataclass
class SweepReport:
    opened: list[int]
    reminded: list[int]
    closed: list[int]

    def as_dict(self) -> dict[str, list[int]]:
        return {"opened": self.opened, "reminded": self.reminded, "closed": self.closed}


def consultations_sweep(*, now: datetime | None = None) -> SweepReport:
    """Act on every due time in this authority: open, remind, close, in that order.

    Each consultation is handled in its own transaction under a row lock and
    re-checked there, so overlapping sweeps and late deliveries are harmless;
    anything that fell due while no worker ran is picked up by the next sweep.
    """
    require_authority_schema()
    now = now or timezone.now()
    report = SweepReport(opened=[], reminded=[], closed=[])
    due_to_open = Consultation.objects.filter(status=S.SCHEDULED, starts_at__lte=now)
    for consultation_id in due_to_open.values_list("pk", flat=True):
        with transaction.atomic():
            consultation = _lock(consultation_id)
            if consultation.status == S.SCHEDULED and consultation.starts_at <= now:
                _open(consultation, now)
                report.opened.append(consultation_id)
    for consultation_id in Consultation.objects.filter(
        status=S.OPEN, reminders_sent_at__isnull=True, ends_at__gt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            consultation = _lock(consultation_id)
            due = consultation.ends_at - timedelta(minutes=consultation.reminder_lead_minutes)
            if (
                consultation.status == S.OPEN
                and consultation.reminders_sent_at is None
                and due <= now < consultation.ends_at
            ):
                _remind(consultation, now)
                report.reminded.append(consultation_id)
    for consultation_id in Consultation.objects.filter(status=S.OPEN, ends_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            consultation = _lock(consultation_id)
            if consultation.status == S.OPEN and consultation.ends_at <= now:
                _close(consultation, now)
                report.closed.append(consultation_id)
    return report


def _remind(consultation: Consultation, now: datetime) -> None:
    consultation.reminders_sent_at = now
    consultation.save(update_fields=["reminders_sent_at", "updated_at"])
    silent = Participant.objects.filter(
        consultation=consultation, response__isnull=True, erased_at__isnull=True
    ).exclude(email="")
    outbox_queue_for_participants(
        consultation=consultation, participants=silent, kind=OutboxKind.REMINDER
    )
