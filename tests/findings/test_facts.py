"""The scenario facts follow the domain events, and a rebuild gives the same rows."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import transaction

from backend.decisions.services import decision_record
from backend.findings.models import FindingsRefreshRequest, ScenarioFact
from backend.findings.services import scenario_facts_rebuild
from backend.proposals.services import proposal_finish_consultation, proposal_update
from tenants.context import authority_context
from tenants.roles import Role
from tests.findings.scenarios import answers, category, consulted, partner

COMPARED = (
    "consultation_id",
    "proposal_id",
    "data_kinds",
    "special_category",
    "criminal_offence",
    "partner_types",
    "direction",
    "frequency",
    "service_areas",
    "legal_gateway",
    "respondents",
    "acceptable",
    "unacceptable",
    "gap_sum",
    "gap_count",
    "officer_verdicts",
    "results_published",
)


def _rows(authority):
    return sorted(
        ScenarioFact.objects.filter(authority=authority).values(*COMPARED),
        key=lambda row: row["consultation_id"],
    )


def test_a_closed_consultation_is_copied_with_its_scenario_and_sums(authority_a, make_member):
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        proposal, consultation = consulted(
            authority_a,
            officer,
            responses=answers(5, 4, 3, 2, 1, 1),
            data_categories=[
                category("Rent arrears", "financial"),
                category("Mental health", "health", special=True),
            ],
            partners=[partner("nhs"), partner("police")],
            service_areas=["housing", "health"],
            direction="two_way",
            frequency="one_off",
            legal_gateway="consent",
        )
    fact = ScenarioFact.objects.get(authority=authority_a, consultation_id=consultation.pk)
    assert fact.proposal_id == proposal.pk
    assert fact.data_kinds == ["financial", "health"]
    assert fact.special_category is True
    assert fact.criminal_offence is False
    assert fact.partner_types == ["nhs", "police"]
    assert (fact.direction, fact.frequency, fact.legal_gateway) == ("two_way", "one_off", "consent")
    assert fact.service_areas == ["health", "housing"]
    assert (fact.respondents, fact.acceptable, fact.unacceptable) == (6, 2, 3)
    assert set(fact.gap_count) == {"purposeful", "proportionate", "responsible"}


def test_an_edit_after_the_consultation_is_followed_and_a_rebuild_equals_the_events(
    authority_a, make_member
):
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        first, _ = consulted(authority_a, officer, responses=answers(4, 4, 2))
        consulted(
            authority_a,
            officer,
            responses=answers(1, 5),
            data_categories=[category("Convictions", "criminal_justice", criminal=True)],
        )
        first.refresh_from_db()
        first = proposal_update(
            authority=authority_a,
            proposal=first,
            actor=officer,
            fields={"legal_gateway": "legal_obligation"},
            partners=[partner("central_government")],
        )
        first = proposal_finish_consultation(proposal=first, actor=officer)
        decision_record(proposal=first, actor=officer, outcome="approved", rationale="Sound.")
    by_events = _rows(authority_a)
    edited = next(row for row in by_events if row["proposal_id"] == first.pk)
    assert edited["legal_gateway"] == "legal_obligation"
    assert edited["partner_types"] == ["central_government"]

    ScenarioFact.objects.filter(authority=authority_a).delete()
    assert scenario_facts_rebuild(authority=authority_a) == 2
    assert _rows(authority_a) == by_events


def test_events_that_change_no_fact_leave_the_stored_facts_and_ask_for_no_refresh(
    authority_a, make_member
):
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        proposal, _ = consulted(authority_a, officer, responses=answers(4, 2))

    def stored() -> list[dict]:
        return list(ScenarioFact.objects.filter(authority=authority_a).values("id", "computed_at"))

    def edit(**fields: str) -> None:
        with authority_context(authority_a):
            proposal.refresh_from_db()
            proposal_update(authority=authority_a, proposal=proposal, actor=officer, fields=fields)

    first = stored()
    assert len(first) == 1
    FindingsRefreshRequest.objects.all().delete()
    edit(title="A clearer title")  # an event the facts follow; nothing they hold changed
    assert stored() == first
    assert not FindingsRefreshRequest.objects.exists()

    edit(legal_gateway="legal_obligation")
    [fact] = ScenarioFact.objects.filter(authority=authority_a)
    assert fact.legal_gateway == "legal_obligation"
    assert fact.computed_at > first[0]["computed_at"]
    assert FindingsRefreshRequest.objects.filter(pk=1).exists()

    second = stored()
    FindingsRefreshRequest.objects.all().delete()
    with authority_context(authority_a):
        proposal.refresh_from_db()
        moved = proposal_finish_consultation(proposal=proposal, actor=officer)
        decision_record(proposal=moved, actor=officer, outcome="approved", rationale="Sound.")
    assert stored() == second
    assert not FindingsRefreshRequest.objects.exists()


def test_a_change_that_rolls_back_leaves_the_facts_as_they_were(authority_a, make_member):
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        proposal, _ = consulted(authority_a, officer, responses=answers(4))
        before = _rows(authority_a)

        class Abandoned(Exception):
            pass

        try:
            with transaction.atomic():
                proposal_update(
                    authority=authority_a,
                    proposal=proposal,
                    actor=officer,
                    fields={"direction": "inbound"},
                )
                # The reaction ran with the change...
                assert _rows(authority_a)[0]["direction"] == "inbound"
                raise Abandoned
        except Abandoned:
            pass
    # ...and rolled back with it.
    assert _rows(authority_a) == before
    assert before[0]["direction"] == "outbound"


def test_the_rebuild_command_covers_consultations_held_before_the_facts_existed(
    authority_a, authority_b, make_member
):
    officer = make_member(authority_b, Role.OFFICER).user
    with authority_context(authority_b):
        consulted(authority_b, officer, responses=answers(2, 3))
    by_events = _rows(authority_b)
    ScenarioFact.objects.all().delete()  # as on a database upgraded to this version
    out = io.StringIO()
    call_command("findings_rebuild", stdout=out)
    assert "beta: 1 consultations" in out.getvalue()
    assert _rows(authority_b) == by_events
    assert not ScenarioFact.objects.filter(authority=authority_a).exists()
