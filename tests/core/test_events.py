"""Domain events: announced inside the change, reacted to in the right phase, one-way imports."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import transaction

from backend.benchmarks.models import RefreshRequest
from backend.core import events
from backend.core.events import EventName, Phase, announce, subscribers_of
from backend.proposals.models import ProposalStatus
from backend.proposals.services import proposal_submit
from tests.factories import make_proposal

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def isolated_subscribers(monkeypatch: pytest.MonkeyPatch) -> dict:
    """A copy of the registry, so a test's own subscribers vanish with it."""
    copy: defaultdict = defaultdict(list, {k: list(v) for k, v in events._subscribers.items()})
    monkeypatch.setattr(events, "_subscribers", copy)
    return copy


def test_with_change_reaction_rolls_back_with_the_change(
    in_authority_a, make_member, isolated_subscribers
):
    seen = []
    events.subscribe(EventName.PROPOSAL_MOVED, phase=Phase.WITH_CHANGE)(seen.append)
    actor = make_member(in_authority_a, "officer").user
    proposal = make_proposal(status=ProposalStatus.DRAFT)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        proposal_submit(proposal=proposal, actor=actor)
        assert [event.payload["to_status"] for event in seen] == ["in_assessment"]
        assert seen[0].authority_id == in_authority_a.pk
        raise Boom
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT


def test_after_commit_reaction_waits_for_the_commit_and_skips_a_rollback(
    in_authority_a, make_member, isolated_subscribers, django_capture_on_commit_callbacks
):
    seen = []
    events.subscribe(EventName.PROPOSAL_MOVED, phase=Phase.AFTER_COMMIT)(seen.append)
    actor = make_member(in_authority_a, "officer").user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        proposal_submit(proposal=make_proposal(status=ProposalStatus.DRAFT), actor=actor)
        assert seen == []  # not before the commit
    assert len(callbacks) >= 1
    assert [event.name for event in seen] == [EventName.PROPOSAL_MOVED]

    seen.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        proposal_submit(proposal=make_proposal(status=ProposalStatus.DRAFT), actor=actor)
        1 / 0  # noqa: B018
    assert seen == []


def test_a_failing_after_commit_reaction_does_not_undo_the_change(
    in_authority_a, make_member, isolated_subscribers, django_capture_on_commit_callbacks
):
    def broken(event: events.DomainEvent) -> None:
        raise RuntimeError("receiver down")

    events.subscribe(EventName.PROPOSAL_MOVED, phase=Phase.AFTER_COMMIT)(broken)
    actor = make_member(in_authority_a, "officer").user
    proposal = make_proposal(status=ProposalStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_submit(proposal=proposal, actor=actor)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_ASSESSMENT


def test_subscribing_twice_does_not_double_a_reaction(isolated_subscribers):
    def handler(event: events.DomainEvent) -> None:
        pass

    for _ in range(2):
        events.subscribe(EventName.DECISION_RECORDED, phase=Phase.WITH_CHANGE)(handler)
    assert subscribers_of(EventName.DECISION_RECORDED).count((Phase.WITH_CHANGE, handler)) == 1


def test_the_apps_that_react_are_subscribed():
    def names(event: EventName) -> set[str]:
        return {f"{h.__module__}.{h.__name__}" for _, h in subscribers_of(event)}

    assert "backend.register.reactions.copy_published_decision" in names(
        EventName.DECISION_PUBLISHED
    )
    assert "backend.register.reactions.remove_unpublished_decision" in names(
        EventName.DECISION_UNPUBLISHED
    )
    for event in (EventName.DECISION_RECORDED, EventName.CONSULTATION_CLOSED):
        assert "backend.benchmarks.reactions.request_refresh" in names(event)
    for event in EventName:
        assert "backend.webhooks.reactions.record_deliveries" in names(event)


def test_a_closed_consultation_requests_a_benchmark_refresh_through_its_event(in_authority_a):
    assert not RefreshRequest.objects.filter(authority=in_authority_a).exists()
    with transaction.atomic():
        announce(EventName.CONSULTATION_CLOSED, consultation_id=0, proposal_id=0)
    assert RefreshRequest.objects.filter(authority=in_authority_a).exists()


# Services a domain app may call in another app as part of its own action (not
# to react to it): moving the proposal a decision or a consultation belongs to,
# and finding the methodology version an assessment runs under or a proposal's
# prerequisites are checked against.
COLLABORATORS = {
    ("consultations", "backend.proposals.services"),
    ("decisions", "backend.proposals.services"),
    ("assessments", "backend.methodology.services"),
    ("proposals", "backend.methodology.services"),
}
# Seeding helpers drive the public services of several apps on purpose.
SEED_MODULES = {"demo.py", "walkthrough.py"}


def _sibling_service_imports() -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / "backend").rglob("*.py"):
        relative = path.relative_to(ROOT / "backend").parts
        if len(relative) < 2 or relative[1] in {"migrations", "management", "scale"}:
            continue
        app = relative[0]
        if relative[-1] == "reactions.py" or relative[-1] in SEED_MODULES:
            continue  # reactions are where an app may import what it reacts with
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if not module or not module.startswith("backend."):
                continue
            parts = module.split(".")
            if len(parts) >= 3 and parts[1] != app and parts[2] in {"services", "tasks"}:
                found.add((app, ".".join(parts[:3])))
    return found


def test_no_domain_app_calls_a_siblings_services_to_react():
    assert _sibling_service_imports() == COLLABORATORS
