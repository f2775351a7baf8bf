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
from backend.proposals.models import Direction, Frequency, LegalGateway, Proposal

_numbers = itertools.count(1)


def make_proposal(
    *, owner: User | None = None, title: str = "School meals eligibility"
) -> Proposal:
    # No proposal service exists on this branch yet; these are the required fields.
    number = next(_numbers)
    return Proposal.objects.create(
        reference=f"DSP-TEST-{number:04d}",
        title=title,
        summary="Share benefit data with schools to enrol eligible children automatically.",
        purpose="Raise take-up of free school meals.",
        legal_gateway=LegalGateway.PUBLIC_TASK,
        direction=Direction.OUTBOUND,
        frequency=Frequency.REGULAR,
        owner=owner,
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
