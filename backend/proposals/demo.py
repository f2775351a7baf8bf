"""Demo proposals for the ``demo`` authority, loaded by ``seed_demo`` (safe to repeat)."""

from __future__ import annotations

from typing import Any

from backend.accounts.models import User
from backend.decisions.services import decision_publish, decision_record
from backend.proposals.models import Proposal
from backend.proposals.services import (
    proposal_create,
    proposal_finish_consultation,
    proposal_skip_consultation,
    proposal_start_consultation,
    proposal_submit,
    proposal_withdraw,
)
from backend.proposals.walkthrough import assessment_walk, consultation_walk
from tenants.context import authority_context
from tenants.models import Authority

DEMO_PROPOSALS: list[dict[str, Any]] = [
    {
        "state": "published",
        "title": "Hospital discharge and housing conditions",
        "summary": "The council tells the hospital discharge team when a patient's home has "
        "a serious hazard, so that nobody is discharged into a home that made them ill.",
        "purpose": "Safer discharges and fewer readmissions.",
        "service_areas": ["housing", "health"],
        "legal_gateway": "public_task",
        "legal_gateway_detail": "Care Act 2014, duty to co-operate",
        "direction": "outbound",
        "frequency": "regular",
        "categories": [
            ("Address", "identity", False, False),
            ("Housing hazard rating", "housing", False, False),
        ],
        "partners": [("Demo Hospitals NHS Trust", "nhs", "recipient")],
    },
    {
        "state": "awaiting_decision",
        "title": "Free school meals auto-enrolment",
        "summary": "Use housing benefit records to enrol eligible children for free meals.",
        "purpose": "Every eligible child gets a meal without their family having to apply.",
        "service_areas": ["education", "welfare"],
        "legal_gateway": "statutory_gateway",
        "direction": "two_way",
        "frequency": "continuous",
        "categories": [
            ("Household income", "financial", False, False),
            ("Children's names", "household", False, False),
        ],
        "partners": [("Demo Academy Trust", "education", "recipient")],
        "skip_reason": "Extends an existing scheme the public was consulted on in 2025.",
    },
    {
        "state": "in_consultation",
        "title": "Youth offending early help referrals",
        "summary": "Police share early warning signs with the council's early help team.",
        "purpose": "Offer families support before a child is drawn into crime.",
        "service_areas": ["criminal_justice", "social_care"],
        "legal_gateway": "statutory_gateway",
        "direction": "inbound",
        "frequency": "regular",
        "categories": [
            ("Police intelligence", "criminal_justice", False, True),
            ("Family composition", "household", False, False),
        ],
        "partners": [("Demo Police", "police", "provider")],
    },
    {
        "state": "in_assessment",
        "title": "Warm homes targeting",
        "summary": "Combine energy performance and benefits data to target insulation grants.",
        "purpose": "Reach cold, low-income homes first.",
        "service_areas": ["housing", "welfare"],
        "legal_gateway": "public_task",
        "direction": "inbound",
        "frequency": "one_off",
        "categories": [("Benefit entitlement", "financial", False, False)],
        "partners": [("Department for Work and Pensions", "central_government", "provider")],
    },
    {
        "state": "draft",
        "title": "Social prescribing outcomes",
        "summary": "GP practices and the council compare who took up social prescriptions.",
        "purpose": "Learn which activities improve wellbeing.",
        "service_areas": ["health", "social_care"],
        "legal_gateway": "consent",
        "direction": "two_way",
        "frequency": "regular",
        "categories": [("Health condition", "health", True, False)],
        "partners": [("Demo Primary Care Network", "nhs", "both")],
    },
    {
        "state": "withdrawn",
        "title": "Council tax data for marketing",
        "summary": "Share council tax records with a leisure provider to promote memberships.",
        "purpose": "Raise gym membership.",
        "service_areas": ["other"],
        "legal_gateway": "legitimate_interests",
        "direction": "outbound",
        "frequency": "one_off",
        "categories": [("Name and address", "identity", False, False)],
        "partners": [("Demo Leisure Ltd", "private_sector", "recipient")],
    },
]


# What the demo citizens' panel said (8 of the 12 invited answered).
DEMO_ANSWERS: list[dict[str, Any]] = [
    {"acceptability": a, "purposeful": p, "proportionate": q, "responsible": r}
    for a, p, q, r in [
        (5, 5, 4, 4),
        (4, 5, 4, 4),
        (4, 4, 3, 4),
        (4, 4, 4, 3),
        (3, 4, 3, 3),
        (5, 5, 5, 4),
        (2, 3, 2, 3),
        (4, 4, 4, 4),
    ]
]


def _create(authority: Authority, actor: User, reviewer: User, spec: dict[str, Any]) -> None:
    fields = {
        key: value
        for key, value in spec.items()
        if key not in {"state", "categories", "partners", "skip_reason"}
    }
    proposal = proposal_create(
        authority=authority,
        actor=actor,
        fields=fields,
        data_categories=[
            {
                "name": name,
                "kind": kind,
                "special_category": special,
                "criminal_offence": criminal,
            }
            for name, kind, special, criminal in spec["categories"]
        ],
        partners=[
            {"name": name, "organisation_type": kind, "role": role}
            for name, kind, role in spec["partners"]
        ],
    )
    state = spec["state"]
    if state == "withdrawn":
        proposal_withdraw(proposal=proposal, actor=actor, reason="Not for public benefit.")
        return
    if state == "draft":
        return
    proposal = proposal_submit(proposal=proposal, actor=actor)
    if state == "in_assessment":
        return
    # The methodology first: the actor assesses, a second caseworker signs off.
    assessment_walk(authority=authority, proposal=proposal, assessor=actor, reviewer=reviewer)
    if spec.get("skip_reason"):
        proposal = proposal_skip_consultation(
            proposal=proposal, actor=actor, reason=spec["skip_reason"]
        )
    else:
        proposal = proposal_start_consultation(proposal=proposal, actor=actor)
        if state == "in_consultation":
            return
        consultation_walk(
            proposal=proposal,
            actor=actor,
            method="citizens_panel",
            title="Citizens' panel on the proposal",
            invited=12,
            answers=DEMO_ANSWERS,
            publish_results=True,
        )
        proposal = proposal_finish_consultation(proposal=proposal, actor=actor)
    if state == "awaiting_decision":
        return
    decision = decision_record(
        proposal=proposal,
        actor=actor,
        outcome="approved_with_conditions",
        rationale="Clear benefit to patients; the data shared is limited to what is needed.",
        conditions="Review after twelve months; share only homes with a category 1 hazard.",
        public_influence="The citizens' panel asked for the twelve-month review.",
        internal_notes="Legal signed off on 3 March.",
    )
    decision_publish(authority=authority, decision=decision, actor=actor)


def seed_demo_proposals(*, authority: Authority, actor: User, reviewer: User) -> int:
    """Create the demo proposals that are missing (matched by title); returns how many.

    ``actor`` logs and assesses them; ``reviewer``, another admin or officer, signs
    the assessments off (four eyes).
    """
    created = 0
    with authority_context(authority):
        existing = set(Proposal.objects.values_list("title", flat=True))
        for spec in DEMO_PROPOSALS:
            if spec["title"] not in existing:
                _create(authority, actor, reviewer, spec)
                created += 1
    return created
