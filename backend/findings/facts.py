"""Scenario facts of the current authority's held consultations, read from its schema.

Used both by the event reactions (one proposal) and by the rebuild (all of
them), so a rebuild equals the state the events keep: same query, same sums.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.assessments.selectors import assessment_latest_verdicts
from backend.consultations.models import (
    Consultation,
    ConsultationStatus,
    ParticipantSource,
    Response,
)
from backend.consultations.opinion import opinion_totals
from backend.consultations.scoring import TESTS
from backend.proposals.models import DataCategory, DataKind, Partner

# The consultations the programme compares: those that were held (as benchmarks count them).
HELD = (ConsultationStatus.CLOSED, ConsultationStatus.RESULTS_PUBLISHED)


@dataclass(frozen=True)
class _Answer:
    acceptability: int
    agreement: dict[str, int | None]
    invited: bool


def load_scenario_facts(*, proposal_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
    """One dict of ``ScenarioFact`` fields per held consultation (``proposal_ids``: only theirs).

    Five queries whatever the number of consultations.
    """
    consultations = Consultation.objects.filter(status__in=HELD)
    if proposal_ids is not None:
        consultations = consultations.filter(proposal_id__in=list(proposal_ids))
    held = list(
        consultations.values(
            "pk",
            "status",
            "closed_at",
            "ends_at",
            "proposal_id",
            "proposal__service_areas",
            "proposal__direction",
            "proposal__frequency",
            "proposal__legal_gateway",
        )
    )
    if not held:
        return []
    proposals = {row["proposal_id"] for row in held}
    kinds: dict[int, set[str]] = defaultdict(set)
    special: set[int] = set()
    criminal: set[int] = set()
    for category in DataCategory.objects.filter(proposal_id__in=proposals).values(
        "proposal_id", "kind", "special_category", "criminal_offence"
    ):
        kinds[category["proposal_id"]].add(category["kind"] or DataKind.UNSPECIFIED)
        if category["special_category"]:
            special.add(category["proposal_id"])
        if category["criminal_offence"]:
            criminal.add(category["proposal_id"])
    partner_types: dict[int, set[str]] = defaultdict(set)
    for partner in Partner.objects.filter(proposal_id__in=proposals).values(
        "proposal_id", "organisation_type"
    ):
        partner_types[partner["proposal_id"]].add(partner["organisation_type"])

    answers: dict[int, list[_Answer]] = {row["pk"]: [] for row in held}
    for answer in Response.objects.filter(participant__consultation_id__in=list(answers)).values(
        "participant__consultation_id", "acceptability", *TESTS, "participant__source"
    ):
        answers[answer["participant__consultation_id"]].append(
            _Answer(
                acceptability=answer["acceptability"],
                agreement={test: answer[test] for test in TESTS},
                invited=answer["participant__source"] != ParticipantSource.OPEN_LINK,
            )
        )
    officer = assessment_latest_verdicts(proposal_ids=proposals)

    facts = []
    for row in held:
        proposal = row["proposal_id"]
        verdicts = officer.get(proposal, {}).get("tests", {})
        totals = opinion_totals(answers[row["pk"]], verdicts)
        held_at: datetime = row["closed_at"] or row["ends_at"]
        facts.append(
            {
                "consultation_id": row["pk"],
                "proposal_id": proposal,
                "held_at": held_at,
                "results_published": row["status"] == ConsultationStatus.RESULTS_PUBLISHED,
                "data_kinds": sorted(kinds[proposal]),
                "special_category": proposal in special,
                "criminal_offence": proposal in criminal,
                "partner_types": sorted(partner_types[proposal]),
                "direction": row["proposal__direction"],
                "frequency": row["proposal__frequency"],
                "service_areas": sorted(set(row["proposal__service_areas"])),
                "legal_gateway": row["proposal__legal_gateway"],
                "respondents": totals.count,
                "acceptable": totals.acceptable,
                "unacceptable": totals.unacceptable,
                "gap_sum": {
                    test: totals.gap_sum[test] for test in TESTS if test in totals.gap_count
                },
                "gap_count": dict(totals.gap_count),
                "officer_verdicts": {test: verdicts.get(test) for test in TESTS},
            }
        )
    return facts
