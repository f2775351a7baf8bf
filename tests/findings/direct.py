"""The findings computed directly from the authorities' own rows, without backend.findings.

Used by the tests to check the published figures: plain ORM queries in each
authority's schema, membership of a cell decided from the proposal's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backend.assessments.models import Assessment
from backend.consultations.models import Consultation, Response
from tenants.context import authority_context
from tenants.models import Authority

TESTS = ("purposeful", "proportionate", "responsible")
SCORE = {"met": 1.0, "partly_met": 0.5, "not_met": 0.0}


@dataclass
class Held:
    authority: int
    proposal: int
    attributes: dict[str, set[str]]
    answers: list[dict[str, int]]
    verdicts: dict[str, str]


def held_consultations(authorities: Iterable[Authority]) -> list[Held]:
    found = []
    for authority in authorities:
        with authority_context(authority):
            for consultation in Consultation.objects.filter(
                status__in=["closed", "results_published"]
            ).select_related("proposal"):
                proposal = consultation.proposal
                categories = list(proposal.data_categories.all())
                partners = list(proposal.partners.all())
                latest = (
                    Assessment.objects.filter(proposal=proposal, status="signed_off")
                    .order_by("-signed_off_at", "-id")
                    .first()
                )
                found.append(
                    Held(
                        authority=authority.pk,
                        proposal=proposal.pk,
                        attributes={
                            "data_kind": {c.kind for c in categories} or {"unspecified"},
                            "special_category": {
                                "yes" if any(c.special_category for c in categories) else "no"
                            },
                            "criminal_offence": {
                                "yes" if any(c.criminal_offence for c in categories) else "no"
                            },
                            "partner_type": {p.organisation_type for p in partners} or {"none"},
                            "direction": {proposal.direction},
                            "frequency": {proposal.frequency},
                            "service_area": set(proposal.service_areas) or {"none"},
                            "legal_gateway": {proposal.legal_gateway},
                        },
                        answers=list(
                            Response.objects.filter(participant__consultation=consultation).values(
                                "acceptability", *TESTS
                            )
                        ),
                        verdicts=(latest.verdicts.get("tests", {}) if latest else {}),
                    )
                )
    return found


def figures(held: list[Held], cell: Mapping[str, str]) -> dict[str, Any]:
    """Respondents, proposals, authorities, net acceptability and gaps of one cell, exactly."""
    inside = [h for h in held if all(v in h.attributes[d] for d, v in cell.items())]
    answers = [a for h in inside for a in h.answers]
    n = len(answers)
    gaps: dict[str, float | None] = {}
    for test in TESTS:
        differences = [
            (a[test] - 1) / 4 - SCORE[h.verdicts[test]]
            for h in inside
            if h.verdicts.get(test)
            for a in h.answers
        ]
        gaps[test] = sum(differences) / len(differences) if differences else None
    return {
        "respondents": n,
        "proposals": len({(h.authority, h.proposal) for h in inside}),
        "authorities": len({h.authority for h in inside}),
        "net_acceptability": (
            (
                sum(a["acceptability"] >= 4 for a in answers)
                - sum(a["acceptability"] <= 2 for a in answers)
            )
            / n
            if n
            else None
        ),
        "gap": gaps,
    }
