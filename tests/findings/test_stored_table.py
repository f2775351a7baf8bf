"""Requests read the stored findings table; a fact change reaches it only through the task.

The task's body is ``findings_table_refresh`` (``findings.refresh_table`` calls
nothing else); these tests call it directly, on the real database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.findings.models import FindingsRefreshRequest, FindingsTable
from backend.findings.services import findings_refresh_due_claim, findings_table_refresh
from tenants.context import authority_context
from tenants.roles import Role
from tests.findings.scenarios import answers, consulted


@pytest.fixture
def observer(make_member):
    return make_member(None, Role.OBSERVER).client(None)


def _total(client):
    body = client.get("/api/v1/findings", {"by": "direction"}).json()
    return body, body["results"][0]


def test_a_fact_change_is_served_only_once_the_task_has_run(
    exact_policy, programme, authority_a, make_member, observer
):
    before, total_before = _total(observer)
    assert FindingsTable.objects.count() == 1  # the first request stored the first table
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        consulted(authority_a, officer, responses=answers(5, 5, 5, 5), direction="inbound")
    assert FindingsRefreshRequest.objects.filter(pk=1).exists()

    # Until the task runs: the old table, whole (same version, same figures everywhere).
    stale, total_stale = _total(observer)
    assert stale == before
    assert total_stale["respondents"] == total_before["respondents"]

    findings_table_refresh()
    after, total_after = _total(observer)
    assert after["version"] != before["version"]
    assert after["computed_at"] > before["computed_at"]
    assert total_after["respondents"] == total_before["respondents"] + 4
    inbound = next(row for row in after["results"] if row["cell"] == {"direction": "inbound"})
    inbound_before = next(
        row for row in before["results"] if row["cell"] == {"direction": "inbound"}
    )
    assert inbound["respondents"] == inbound_before["respondents"] + 4
    assert after["facts_computed_at"] >= before["facts_computed_at"]


def test_the_stored_table_keeps_the_rules_it_was_protected_with(settings, programme, observer):
    settings.FINDINGS_MIN_AUTHORITIES = 1
    settings.FINDINGS_MIN_PROPOSALS = 1
    settings.DISCLOSURE_THRESHOLD = 0
    shown, _ = _total(observer)
    assert shown["policy"]["min_authorities"] == 1
    assert all(row["withheld"] == {} for row in shown["results"] if row["respondents"])
    settings.FINDINGS_MIN_AUTHORITIES = 3  # tighter rules: only a recomputation applies them
    assert _total(observer)[0] == shown
    findings_table_refresh()
    tighter, total = _total(observer)
    assert tighter["policy"]["min_authorities"] == 3
    assert total["respondents"] is None  # two authorities only: everything withheld now
    assert total["withheld"]["respondents"]["code"] == "too_few_contributors"


def test_unchanged_facts_keep_the_stored_table(exact_policy, programme):
    first = findings_table_refresh()
    again = findings_table_refresh()
    assert (again.facts_version, again.computed_at) == (first.facts_version, first.computed_at)


def test_an_older_computation_never_replaces_a_newer_table(
    exact_policy, programme, authority_a, make_member
):
    newer = findings_table_refresh()
    # A computation that read the facts later than this one is already stored.
    FindingsTable.objects.filter(pk=1).update(facts_read_at=timezone.now() + timedelta(hours=1))
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        consulted(authority_a, officer, responses=answers(1, 1, 1))
    findings_table_refresh()
    assert FindingsTable.objects.get(pk=1).facts_version == newer.facts_version


def test_refreshes_are_debounced_until_the_facts_settle(
    settings, programme, authority_a, make_member
):
    settings.FINDINGS_REFRESH_SETTLE_SECONDS = 60
    assert FindingsRefreshRequest.objects.filter(pk=1).exists()  # the fixture's facts asked
    assert findings_refresh_due_claim() is False  # too recent: not yet
    FindingsRefreshRequest.objects.filter(pk=1).update(
        requested_at=timezone.now() - timedelta(seconds=61)
    )
    assert findings_refresh_due_claim() is True
    assert findings_refresh_due_claim() is False  # claimed once, then gone
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        consulted(authority_a, officer, responses=answers(4, 4))
    assert FindingsRefreshRequest.objects.filter(pk=1).exists()  # a new change asks again


def test_an_event_that_changes_no_fact_asks_for_no_refresh(programme, authority_a, make_member):
    from tests.proposals.factories import make_proposal

    FindingsRefreshRequest.objects.all().delete()
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        # Created and submitted: events, but no held consultation, so no facts.
        make_proposal(authority_a, officer, status="in_assessment")
    assert not FindingsRefreshRequest.objects.exists()
    with authority_context(authority_a):
        consulted(authority_a, officer, responses=answers(4, 4))
    assert FindingsRefreshRequest.objects.filter(pk=1).exists()
