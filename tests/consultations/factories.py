"""Small factories for consultation tests; they go through the real services."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from backend.accounts.models import User
from backend.consultations.models import Consultation, Participant
from backend.consultations.services import consultation_create, participant_add, response_submit
from backend.consultations.tokens import participant_token
from backend.engagement.models import EngagementMethod
from backend.proposals.models import Proposal

_numbers = itertools.count(1)


def make_proposal(
    *, owner: User | None = None, title: str = "School meals eligibility"
) -> Proposal:
    """A proposal in assessment, made through the proposal services by its owner (made a
    member of the current authority if needed). Call inside ``authority_context``."""
    from django.db import connection

    from tenants.models import Membership
    from tenants.roles import Role
    from tenants.services import membership_grant
    from tests.proposals.factories import make_proposal as make_proposal_as

    authority = connection.tenant  # type: ignore[attr-defined]
    if owner is None:
        owner = User.objects.create_user(email=f"owner{next(_numbers)}@example.test")
    if not Membership.objects.filter(user=owner, authority=authority).exists():
        membership_grant(user=owner, role=Role.OFFICER, authority=authority)
    return make_proposal_as(
        authority,
        owner,
        status="in_assessment",
        title=title,
        summary="Share benefit data with schools to enrol eligible children automatically.",
        purpose="Raise take-up of free school meals.",
    )


def make_consultation(
    *,
    proposal: Proposal | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    method: str = "workshop",
    title: str = "Workshop on school meals data",
    **details: Any,
) -> Consultation:
    now = timezone.now()
    return consultation_create(
        proposal=proposal or make_proposal(),
        method=EngagementMethod.objects.get(key=method),
        title=title,
        starts_at=starts_at or now + timedelta(days=7),
        ends_at=ends_at or now + timedelta(days=7, hours=3),
        **details,
    )


def make_participant(
    consultation: Consultation, email: str | None = None, **details: Any
) -> Participant:
    return participant_add(
        consultation=consultation, email=email or f"resident{next(_numbers)}@example.org", **details
    )


def token_of(participant: Participant) -> str:
    return participant_token(participant.token_salt)


ANSWERS = {
    "acceptability": 4,
    "purposeful": 5,
    "proportionate": 3,
    "responsible": 4,
    "conditions": "Only if families can opt out.",
    "comment": "",
}


def respond(participant: Participant, **answers: Any) -> None:
    response_submit(participant=participant, answers={**ANSWERS, **answers})
