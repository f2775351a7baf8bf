"""The scale scripts at toy size: the seed builds valid data, the measurement agrees with it."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from backend.assessments.models import Assessment, AssessmentStatus
from backend.decisions.models import Decision
from backend.proposals import prerequisites
from backend.proposals.models import Proposal, ProposalStatus, ProposalTransition
from bench.scale_data.measure_command import Command as MeasureScale
from bench.scale_data.seed_command import Command as SeedScale
from tenants.context import authority_context
from tenants.models import Authority


def _seed(capsys: pytest.CaptureFixture[str], authorities: int, proposals: int) -> str:
    call_command(
        SeedScale(),
        authorities=authorities,
        proposals=proposals,
        workers=1,
        seed=7,
    )
    return capsys.readouterr().out


def test_seed_then_measure_prints_figures_and_direct_agrees_with_rollups(db, capsys):
    out = _seed(capsys, authorities=2, proposals=6)
    assert re.search(r"Seeded 2 authorities x 6 proposals in [\d.]+s", out)
    assert all(phase in out for phase in ("pool", "provision", "copy", "analyze"))

    call_command(MeasureScale(), requests=3, warm_up=1, direct_repeat=1)
    out = capsys.readouterr().out
    assert re.search(r"\(a\) Full recompute: \d+ authorities, \d+ slices in [\d.]+s", out)
    for label in ("programme table (all time)", "one authority vs programme", "time series"):
        assert re.search(re.escape(label) + r"\s+[\d.]+\s+[\d.]+", out), label
    assert re.search(r"rollup read is \d+x faster", out)
    assert re.search(r"agreement: \d+ authorities x 9 figures, 0 mismatches: AGREE", out)


def test_seeded_proposals_carry_consistent_lifecycle_rows(db, capsys):
    _seed(capsys, authorities=1, proposals=12)
    with authority_context(Authority.objects.get(schema_name="scale-0001")):
        for proposal in Proposal.objects.all():
            moves = list(proposal.transitions.order_by("at", "id"))
            assert [m.from_status for m in moves[1:]] == [m.to_status for m in moves[:-1]]
            assert (moves[-1].to_status if moves else ProposalStatus.DRAFT) == proposal.status
            assert (proposal.submitted_at is not None) == any(
                m.to_status == ProposalStatus.IN_ASSESSMENT for m in moves
            )
        for decision in Decision.objects.select_related("proposal"):
            assert decision.proposal.decided_at == decision.decided_at
        assert ProposalTransition.objects.exists()
        for assessment in Assessment.objects.filter(status=AssessmentStatus.SIGNED_OFF):
            assert assessment.answers.count() == 18
            assert set(assessment.verdicts["tests"]) == {
                "purposeful",
                "proportionate",
                "responsible",
            }


def test_seeded_data_follows_the_methodology_rules(db, capsys):
    """What the services would refuse, the seed must not write: every decision has a
    signed-off assessment under the adopted version and a consultation held (or a skip
    reason); every finished consultation stage has results; assessors never review."""
    _seed(capsys, authorities=1, proposals=24)
    authority = Authority.objects.get(schema_name="scale-0001")
    version_id, _ = prerequisites.pinned_version_id(authority=authority)
    with authority_context(authority):
        decided = Proposal.objects.filter(status=ProposalStatus.DECIDED)
        assert decided.exists()
        for proposal in decided:
            assert (
                prerequisites.decision_missing(proposal=proposal, methodology_version_id=version_id)
                == []
            )
        finished = Proposal.objects.filter(
            transitions__from_status=ProposalStatus.IN_CONSULTATION,
            transitions__to_status=ProposalStatus.AWAITING_DECISION,
        )
        for proposal in finished:
            assert prerequisites.finish_consultation_missing(proposal=proposal) == []
        for assessment in Assessment.objects.filter(status=AssessmentStatus.SIGNED_OFF):
            contributors = set(assessment.contributors.values_list("user_id", flat=True))
            assert contributors and assessment.reviewer_id not in contributors


def test_seed_refuses_to_run_twice(db, capsys):
    _seed(capsys, authorities=1, proposals=1)
    with pytest.raises(CommandError, match="already holds 1 authorities"):
        _seed(capsys, authorities=1, proposals=1)
