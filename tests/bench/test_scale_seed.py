"""The scale scripts at toy size: the seed builds valid data, the measurement agrees with it."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from backend.assessments.models import Assessment, AssessmentStatus
from backend.consultations.models import Participant
from backend.consultations.tokens import new_salt, participant_token, token_digest
from backend.decisions.models import Decision
from backend.proposals import prerequisites
from backend.proposals.models import (
    Proposal,
    ProposalStatus,
    ProposalTransition,
    ReferenceCounter,
)
from bench.scale_data.bulk_write import SEEDED_TABLES
from bench.scale_data.measure_command import Command as MeasureScale
from bench.scale_data.replicate import MAPPED, TRACKED, event_model
from bench.scale_data.seed_command import Command as SeedScale
from tenants.context import authority_context
from tenants.models import Authority, Membership


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
    # The embedded PostgreSQL runs here: its backend's CPU time is counted too.
    assert re.search(r"authorities postgres [\d.]+s, authorities python [\d.]+s", out)
    assert re.search(r"[\d.]+s per authority, pool included", out)

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


def _events(schema: str) -> dict[str, list[tuple[object, ...]]]:
    """Every audit event of the seeded tables, as comparable tuples (all columns but the
    event's own id and time), in the order they were written."""
    snapshot = {}
    with authority_context(Authority.objects.get(schema_name=schema)):
        for model in TRACKED:
            event = event_model(model)
            assert event is not None
            fields = [
                f.attname
                for f in event._meta.concrete_fields
                if f.attname not in {"pgh_id", "pgh_created_at"}
            ]
            snapshot[event._meta.db_table] = list(
                event.objects.order_by("pgh_id").values_list(*fields)
            )
    return snapshot


def test_directly_written_audit_events_are_the_ones_the_triggers_write(db, capsys):
    """The seed writes insert events itself (triggers off); the same programme seeded with
    the pghistory triggers firing must hold the very same events, column for column."""
    now = timezone.now()
    call_command(
        SeedScale(), authorities=1, proposals=15, workers=1, seed=11, now=now, audit="triggers"
    )
    by_triggers = _events("scale-0001")
    out = capsys.readouterr().out
    assert "audit events triggers" in out
    with connection.cursor() as cursor:  # check the deferred foreign keys before the drop
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command(
        SeedScale(),
        authorities=1,
        proposals=15,
        workers=1,
        seed=11,
        now=now,
        audit="direct",
        replace=True,
    )
    out = capsys.readouterr().out
    assert "Dropped 1 seeded authorities" in out and "audit events direct" in out
    direct = _events("scale-0001")
    assert {table for table, rows in by_triggers.items() if rows} >= {
        "proposals_proposalevent",
        "proposals_proposaltransitionevent",
        "assessments_assessmentevent",
        "assessments_answerevent",
        "decisions_decisionevent",
    }
    assert direct == by_triggers
    proposal_event = event_model(Proposal)
    assert proposal_event is not None
    with authority_context(Authority.objects.get(schema_name="scale-0001")):
        labels = proposal_event.objects.values_list("pgh_label", "pgh_context_id")
        assert len(labels) == 15 and set(labels) == {("insert", None)}


def test_authorities_get_their_own_sample_ids_references_and_tokens(db, capsys):
    _seed(capsys, authorities=3, proposals=20)
    seen: list[set[tuple[object, ...]]] = []
    salts: set[str] = set()
    for schema in ("scale-0001", "scale-0002", "scale-0003"):
        with authority_context(Authority.objects.get(schema_name=schema)):
            proposals = list(Proposal.objects.order_by("id"))
            assert [p.pk for p in proposals] == list(range(1, 21))
            seen.append({(p.title, p.created_at, p.status) for p in proposals})
            # References number each London year's proposals by creation order.
            by_year: dict[int, list[Proposal]] = {}
            for proposal in sorted(proposals, key=lambda p: p.created_at):
                year = proposal.created_at.astimezone(ZoneInfo("Europe/London")).year
                by_year.setdefault(year, []).append(proposal)
            for year, group in by_year.items():
                assert [p.reference for p in group] == [
                    f"DSP-{year}-{n:04d}" for n in range(1, len(group) + 1)
                ]
                assert ReferenceCounter.objects.get(year=year).last_number == len(group)
            # Users are the authority's own admin and officer.
            users = set(
                Membership.objects.filter(authority__schema_name=schema).values_list(
                    "user_id", flat=True
                )
            )
            assert {p.owner_id for p in proposals} <= users
            assert set(Decision.objects.values_list("decided_by_id", flat=True)) <= users
            # Every reference between copied rows lands on a row of this schema.
            for model in SEEDED_TABLES:
                for field in model._meta.concrete_fields:
                    if field.is_relation and field.related_model in MAPPED:
                        orphans = model.objects.exclude(
                            **{f"{field.attname}__in": field.related_model.objects.values("pk")}
                        ).exclude(**{f"{field.attname}__isnull": True})
                        assert not orphans.exists(), (model, field.name)
            # New rows get ids after the copied ones.
            with connection.cursor() as cursor:
                for model in MAPPED:
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')),"
                        f" (SELECT max(id) FROM {table})"
                    )
                    following, highest = cursor.fetchone()
                    assert highest is None or following == highest + 1, table
            # Each participant with contact details has a fresh token the product accepts.
            invited = list(Participant.objects.exclude(token_salt=""))
            assert invited
            for participant in invited:
                assert participant.token_digest == token_digest(
                    participant_token(participant.token_salt)
                )
                assert len(participant.token_salt) == len(new_salt())
            own = {p.token_salt for p in invited}
            assert len(own) == len(invited) and not own & salts
            salts |= own
    # A pool of 60 proposal lives, 20 drawn by each: no two authorities hold the same work.
    assert seen[0] != seen[1] and seen[1] != seen[2] and seen[0] != seen[2]
