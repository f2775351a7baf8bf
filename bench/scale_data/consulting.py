"""One planned consultation: its state by "now", its people, their answers and its results."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from backend.consultations import scoring as consultation_scoring
from backend.consultations.models import (
    AgeBand,
    Consultation,
    ConsultationStatus,
    Disability,
    Ethnicity,
    Gender,
)
from backend.engagement.models import EngagementMethod

C = ConsultationStatus

# (participants low, high), (response rate low, high), duration in hours (low, high)
METHOD_SHAPE: dict[str, tuple[tuple[int, int], tuple[float, float], tuple[int, int]]] = {
    "workshop": ((12, 30), (0.6, 0.95), (3, 4)),
    "citizens_panel": ((15, 40), (0.8, 1.0), (14 * 24, 42 * 24)),
    "online_survey": ((40, 250), (0.2, 0.55), (14 * 24, 35 * 24)),
    "focus_group": ((6, 12), (0.75, 1.0), (2, 3)),
    "public_meeting": ((20, 80), (0.35, 0.8), (2, 3)),
    "drop_in": ((10, 60), (0.3, 0.7), (5 * 24, 10 * 24)),
}
DEFAULT_SHAPE = ((10, 40), (0.4, 0.8), (3, 48))
# Django rebuilds ``Choices.values`` on every access; drawn for millions of participants.
AGE_BANDS, GENDERS = AgeBand.values, Gender.values
ETHNICITIES, DISABILITIES = Ethnicity.values, Disability.values


@dataclass
class ConsultationPlan:
    proposal_index: int
    consultation: Consultation
    people: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    result: consultation_scoring.Results | None


def scale_answer(rng: random.Random, latent: float, noise: float) -> int:
    """A 1..5 answer around a latent 0..1 opinion."""
    return min(5, max(1, round(1 + 4 * latent + rng.gauss(0, noise))))


def consultation_plan(
    rng: random.Random,
    index: int,
    spec: dict[str, Any],
    now: datetime,
    cutoff: datetime,
    appeal: float,
    officer_verdicts: dict[str, str] | None,
) -> ConsultationPlan:
    """The consultation as it stands at ``cutoff`` (``now``, or when the proposal was
    withdrawn), with invited people and, once it has opened, their responses."""
    method: EngagementMethod = spec["method"]
    starts, ends = spec["starts"], spec["ends"]
    low, high = float(method.typical_cost_low), float(method.typical_cost_high)
    total = rng.uniform(low, high)
    venue = 0.0 if method.is_online else total * rng.uniform(0.1, 0.3)
    incentives = total * rng.uniform(0.0, 0.25)
    staff = total - venue - incentives
    consultation = Consultation(
        method=method,
        title=f"{method.name} on the proposal",
        location="" if method.is_online else "Council offices",
        online_url="https://consult.example/session" if method.is_online else "",
        starts_at=starts,
        ends_at=ends,
        staff_hours=Decimal(round(staff / 35, 2)).quantize(Decimal("0.01")),
        cost_staff=Decimal(staff).quantize(Decimal("0.01")),
        cost_venue=Decimal(venue).quantize(Decimal("0.01")),
        cost_incentives=Decimal(incentives).quantize(Decimal("0.01")),
        cost_other=Decimal(0),
        budget=Decimal(round(high)).quantize(Decimal("0.01")),
        status=C.SCHEDULED,
        created_at=spec["created"],
        updated_at=spec["created"],
    )
    if starts <= cutoff:
        consultation.status = C.OPEN
        consultation.opened_at = starts
        consultation.updated_at = starts
    if ends <= cutoff:
        consultation.status = C.CLOSED
        consultation.closed_at = ends
        consultation.updated_at = ends
        published = spec["published"]
        if published and published <= now:
            consultation.status = C.RESULTS_PUBLISHED
            consultation.results_published_at = published
            consultation.updated_at = published
    if consultation.status in {C.SCHEDULED, C.OPEN} and cutoff < now:
        # Withdrawn mid-way: an open one runs to its end, a scheduled one is called off.
        if consultation.status == C.SCHEDULED:
            consultation.status = C.CANCELLED
            consultation.cancelled_at = cutoff
            consultation.cancel_reason = "The proposal was withdrawn."
            consultation.sequence = 1
            consultation.updated_at = cutoff
        elif ends <= now:
            consultation.status = C.CLOSED
            consultation.closed_at = ends
            consultation.updated_at = ends

    erase_at = None
    if consultation.results_published_at is not None:
        due = consultation.results_published_at + timedelta(
            days=settings.CONSULTATION_RETENTION_DAYS
        )
        if due <= now:
            erase_at = due
            consultation.contacts_erased_at = due
    people: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    if consultation.status != C.CANCELLED:
        answered_until = min(ends, now)
        for number in range(spec["invited"]):
            person: dict[str, Any] = {
                "age_band": rng.choice(AGE_BANDS),
                "gender": rng.choice(GENDERS),
                "ethnicity": rng.choice(ETHNICITIES),
                "disability": rng.choice(DISABILITIES),
                "created_at": spec["created"] + (starts - spec["created"]) * rng.random(),
                "erased_at": erase_at,
                "number": number,
            }
            people.append(person)
            if consultation.status != C.SCHEDULED and rng.random() < spec["rate"]:
                at = starts + (answered_until - starts) * rng.random()
                responses.append(
                    {
                        "number": number,
                        "acceptability": scale_answer(rng, appeal, 0.9),
                        "purposeful": scale_answer(rng, appeal, 0.8),
                        "proportionate": scale_answer(rng, appeal - 0.05, 0.9),
                        "responsible": scale_answer(rng, appeal, 0.9),
                        "submitted_at": at,
                    }
                )
    result = None
    if consultation.status in {C.CLOSED, C.RESULTS_PUBLISHED}:
        result = consultation_scoring.compute_results(
            invited=len(people),
            answers=[
                consultation_scoring.Answer(
                    acceptability=r["acceptability"],
                    purposeful=r["purposeful"],
                    proportionate=r["proportionate"],
                    responsible=r["responsible"],
                )
                for r in responses
            ],
            actual_cost=consultation.actual_cost,
            officer_verdicts=officer_verdicts,
        )
    return ConsultationPlan(index, consultation, people, responses, result)
