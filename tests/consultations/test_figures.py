"""Figures that mean what they say: who counts as invited, open-link respondents apart,
and the day a consultation was held in UK time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from backend.consultations.models import Participant
from backend.consultations.services import (
    consultation_close,
    consultation_create,
    consultation_open,
    consultation_publish_results,
    consultations_sweep,
    participant_erase,
    response_submit_open_link,
)
from backend.decisions.services import decision_publish, decision_record
from backend.engagement.models import EngagementMethod
from backend.proposals.services import proposal_finish_consultation
from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import ANSWERS, make_consultation, make_participant, respond
from tests.proposals.factories import make_proposal, sign_off


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER)


def _answer_through_open_link(consultation, acceptability=2):
    response_submit_open_link(
        consultation=consultation,
        answers={**ANSWERS, "acceptability": acceptability},
        demographics={},
    )


def _survey_with_everyone(in_authority):
    """Five invited (two respond, one of whom later erases everything, one more erased
    without responding) and three open-link respondents."""
    consultation = make_consultation(method="online_survey", open_link_enabled=True)
    consultation_open(consultation=consultation)
    invited = [make_participant(consultation) for _ in range(5)]
    respond(invited[0], acceptability=5)
    respond(invited[1], acceptability=4)
    for _ in range(3):
        _answer_through_open_link(consultation)
    participant_erase(participant=invited[1])
    participant_erase(participant=invited[2])
    return consultation_close(consultation=consultation)


def test_invited_counts_the_people_the_authority_invited_erased_ones_too(in_authority_a):
    consultation = _survey_with_everyone(in_authority_a)
    result = consultation.result
    assert Participant.objects.filter(consultation=consultation).count() == 8
    assert result.invited == 5
    # One invited person's answer was erased with them; three came through the open link.
    assert result.responded == 4
    assert result.open_link_respondents == 3
    assert result.response_rate == pytest.approx(1 / 5)
    # The open-link answers still count in what the public said.
    assert result.figures["acceptability_distribution"]["unacceptable"] == 3
    assert result.net_acceptability == pytest.approx((1 - 3) / 4)


def test_a_survey_answered_only_through_the_open_link_has_no_response_rate(in_authority_a):
    consultation = make_consultation(method="online_survey", open_link_enabled=True)
    consultation_open(consultation=consultation)
    _answer_through_open_link(consultation)
    result = consultation_close(consultation=consultation).result
    assert (result.invited, result.responded, result.open_link_respondents) == (0, 1, 1)
    assert result.response_rate is None


def test_the_results_endpoint_shows_open_link_respondents_apart(authority_a, officer):
    with authority_context(authority_a):
        consultation = _survey_with_everyone(authority_a)
    body = officer.client(authority_a).get(f"/api/v1/consultations/{consultation.pk}/results")
    assert body.status_code == 200
    figures = body.json()
    assert (figures["invited"], figures["responded"], figures["open_link_respondents"]) == (
        5,
        4,
        3,
    )
    assert figures["response_rate"] == 0.2


def _held_and_published(authority, actor, *, ends_at, close_early=False):
    """A proposal consulted on once (closing at ``ends_at`` by the sweeper, or early by
    hand), decided and published with its results."""
    proposal = make_proposal(authority, actor, status="in_assessment")
    proposal = sign_off(authority, actor, proposal)
    consultation = consultation_create(
        proposal=proposal,
        method=EngagementMethod.objects.get(key="workshop"),
        title="Workshop",
        starts_at=ends_at - timedelta(hours=3),
        ends_at=ends_at,
    )
    if close_early:
        consultation_open(consultation=consultation)
        consultation_close(consultation=consultation)
    else:
        consultations_sweep(now=ends_at)
    consultation.refresh_from_db()
    consultation_publish_results(consultation=consultation)
    proposal.refresh_from_db()
    proposal = proposal_finish_consultation(proposal=proposal, actor=actor)
    decision = decision_record(proposal=proposal, actor=actor, outcome="approved", rationale="Ok")
    decision_publish(authority=authority, decision=decision, actor=actor)
    return consultation


@pytest.mark.parametrize(
    ("closes_at", "held_on"),
    [
        # British Summer Time (UTC+1): half past midnight on 1 July in the UK.
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "2026-07-01"),
        # The night the clocks go back: 01:30 BST, still 25 October in the UK.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-25"),
        # Greenwich Mean Time: the UK and UTC dates agree.
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2026-12-31"),
    ],
)
def test_held_on_is_the_uk_day_the_consultation_closed(
    closes_at, held_on, authority_a, officer, anonymous
):
    with authority_context(authority_a):
        consultation = _held_and_published(authority_a, officer.user, ends_at=closes_at)
    assert consultation.closed_at == closes_at
    (entry,) = anonymous(None).get("/api/v1/public/register").json()["results"]
    (summary,) = entry["consultation_summary"]["consultations"]
    assert summary["held_on"] == held_on


def test_held_on_is_when_it_actually_closed_not_when_it_was_due_to(authority_a, officer, anonymous):
    due = timezone.now() + timedelta(days=30)
    with authority_context(authority_a):
        _held_and_published(authority_a, officer.user, ends_at=due, close_early=True)
    (entry,) = anonymous(None).get("/api/v1/public/register").json()["results"]
    (summary,) = entry["consultation_summary"]["consultations"]
    assert summary["held_on"] == timezone.localdate().isoformat()
    assert summary["held_on"] != due.date().isoformat()
