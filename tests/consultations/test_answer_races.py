"""Exactly-once answers under real concurrency: separate connections, real commits.

Everything runs in threads that each hold their own PostgreSQL connection,
outside the test's transaction: the set-up commits its consultation so that the
others see it, answers, closes and erasures race for real, and the set-up's
rows are deleted afterwards. The invariants:

- a resident who answers several times at once keeps one answer, changed in
  place, with one revision per answer sent;
- an answer racing a close either counts in the results or is refused;
- the results count exactly the response rows;
- an answer racing its resident's erasure leaves no response behind.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from rest_framework.test import APIClient

from api.public.throttles import ConsultationTokenThrottle
from backend.accounts.models import User
from backend.benchmarks.models import RefreshRequest
from backend.consultations.models import Consultation, ConsultationStatus, Participant, Response
from backend.consultations.services import (
    consultation_close,
    consultation_open,
    participant_erase,
    response_submit,
)
from backend.core.errors import Gone
from backend.findings.models import FindingsRefreshRequest, ScenarioFact
from backend.programme.models import ConsultationCost
from backend.proposals.models import Proposal
from tenants.context import authority_context
from tests.consultations.factories import (
    ANSWERS,
    make_consultation,
    make_participant,
    make_proposal,
    token_of,
)

_addresses = itertools.count(1)


@pytest.fixture(autouse=True)
def generous_rates(monkeypatch):
    rates = ConsultationTokenThrottle.THROTTLE_RATES
    monkeypatch.setitem(rates, "consultation_token", "10000/min")
    monkeypatch.setitem(rates, "consultation_address", "10000/min")


def _run(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Start ``work`` in a thread with its own connection in authority A; its outcome lands in
    the returned dict (``value`` or ``error``)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            with authority_context("alpha"):
                outcome["value"] = work()
        except BaseException as error:  # reported by the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def _committed(work: Callable[[], Any]) -> Any:
    """Run ``work`` on a connection of its own, outside the test's transaction, and commit."""
    thread, outcome = _run(work)
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def survey(authority_a) -> Iterator[Callable[[int], list[Participant]]]:
    """survey(n) → n invited residents of an open consultation in authority A, committed."""
    made: list[tuple[int, int, int | None]] = []
    # A close announces itself: the benchmarks app records a refresh request for the
    # authority and the programme copies the cost (public schema, committed here).
    # Leave none of it behind.
    refresh_requested = _committed(RefreshRequest.objects.filter(authority=authority_a).exists)
    findings_requested = _committed(FindingsRefreshRequest.objects.exists)

    def make(count: int) -> list[Participant]:
        def build() -> list[Participant]:
            proposal = make_proposal()
            consultation = make_consultation(proposal=proposal, method="online_survey")
            people = [make_participant(consultation) for _ in range(count)]
            consultation_open(consultation=consultation)
            made.append((consultation.pk, proposal.pk, proposal.owner_id))
            return people

        return _committed(build)

    yield make

    def cleanup() -> None:
        for consultation_id, proposal_id, owner_id in made:
            # The programme's copy of a closed consultation's cost (public schema).
            ConsultationCost.objects.filter(
                authority=authority_a, consultation_id=consultation_id
            ).delete()
            # The programme findings' copy of what it shared and what people thought.
            ScenarioFact.objects.filter(
                authority=authority_a, consultation_id=consultation_id
            ).delete()
            Consultation.objects.filter(pk=consultation_id).delete()
            Proposal.objects.filter(pk=proposal_id).delete()
            if owner_id is not None:
                User.objects.filter(pk=owner_id).delete()
        if not refresh_requested:
            RefreshRequest.objects.filter(authority=authority_a).delete()
        if not findings_requested:
            FindingsRefreshRequest.objects.all().delete()

    _committed(cleanup)


def _client() -> APIClient:
    client = APIClient(HTTP_HOST=f"alpha.{settings.BASE_DOMAIN}")
    client.defaults["REMOTE_ADDR"] = f"10.77.{next(_addresses) % 250}.1"
    return client


def _in_a(read: Callable[[], Any]) -> Any:
    return _committed(read)


def test_one_resident_answering_from_eight_tabs_at_once_keeps_one_answer(survey):
    (resident,) = survey(1)
    url = f"/api/v1/public/invitations/{token_of(resident)}/response"
    start = threading.Barrier(8)

    def answer(acceptability: int) -> Callable[[], tuple[int, Any]]:
        def send() -> tuple[int, Any]:
            start.wait()
            reply = _client().put(url, {**ANSWERS, "acceptability": acceptability}, format="json")
            return reply.status_code, reply.json()

        return send

    runs = [_run(answer(1 + n % 5)) for n in range(8)]
    for thread, _ in runs:
        thread.join(timeout=60)
    outcomes = [outcome for _, outcome in runs]
    assert all("value" in o for o in outcomes), [o.get("error") for o in outcomes]
    assert [status for status, _ in (o["value"] for o in outcomes)] == [200] * 8
    # Each answer was applied once: revisions 1..8, each handed back to exactly one request.
    revisions = sorted(body["response"]["revision"] for _, body in (o["value"] for o in outcomes))
    assert revisions == list(range(1, 9))
    rows = _in_a(lambda: list(Response.objects.filter(participant=resident)))
    assert len(rows) == 1 and rows[0].revision == 8


def test_an_answer_in_flight_holds_the_close_back_and_counts(survey):
    (resident,) = survey(1)
    answered, release = threading.Event(), threading.Event()

    def answer_and_hold() -> None:
        with transaction.atomic():
            response_submit(participant=resident, answers=ANSWERS)
            answered.set()
            release.wait(timeout=30)

    answering, answer_outcome = _run(answer_and_hold)
    assert answered.wait(timeout=30)
    closing, close_outcome = _run(
        lambda: consultation_close(consultation=resident.consultation).result.responded
    )
    closing.join(timeout=1)
    assert closing.is_alive(), "the close did not wait for the answer in flight"
    release.set()
    answering.join(timeout=30)
    closing.join(timeout=30)
    assert "error" not in answer_outcome and "error" not in close_outcome, (
        answer_outcome,
        close_outcome,
    )
    assert close_outcome["value"] == 1
    assert _in_a(Response.objects.filter(participant=resident).count) == 1


def test_an_answer_after_the_close_began_is_refused_and_not_counted(survey):
    (resident,) = survey(1)
    closed, release = threading.Event(), threading.Event()

    def close_and_hold() -> int:
        with transaction.atomic():
            consultation = consultation_close(consultation=resident.consultation)
            closed.set()
            release.wait(timeout=30)
        return consultation.result.responded

    closing, close_outcome = _run(close_and_hold)
    assert closed.wait(timeout=30)
    answering, answer_outcome = _run(lambda: response_submit(participant=resident, answers=ANSWERS))
    answering.join(timeout=1)
    assert answering.is_alive(), "the answer did not wait for the close in flight"
    release.set()
    closing.join(timeout=30)
    answering.join(timeout=30)
    assert close_outcome == {"value": 0}
    assert isinstance(answer_outcome.get("error"), Gone)
    count = _in_a(Response.objects.filter(participant=resident).count)
    assert count == 0


def test_forty_answers_racing_a_close_count_exactly_once(survey):
    residents = survey(40)
    start = threading.Barrier(41)
    statuses: list[int] = []

    def answer(resident: Participant) -> Callable[[], None]:
        def send() -> None:
            start.wait()
            url = f"/api/v1/public/invitations/{token_of(resident)}/response"
            statuses.append(_client().put(url, ANSWERS, format="json").status_code)

        return send

    def close() -> int:
        start.wait()
        return consultation_close(consultation=residents[0].consultation).result.responded

    runs = [_run(answer(resident)) for resident in residents]
    closing, close_outcome = _run(close)
    for thread, _ in [*runs, (closing, None)]:
        thread.join(timeout=60)
    assert all("error" not in outcome for _, outcome in runs), runs
    assert set(statuses) <= {200, 410} and len(statuses) == 40
    stored = _in_a(
        Response.objects.filter(participant__consultation=residents[0].consultation).count
    )
    # Every 200 is a row and is in the results; every 410 is neither.
    assert close_outcome["value"] == stored == statuses.count(200)
    status = _in_a(lambda: Consultation.objects.get(pk=residents[0].consultation_id).status)
    assert status == ConsultationStatus.CLOSED


def test_an_answer_racing_the_residents_erasure_leaves_no_response(survey):
    (resident,) = survey(1)
    erased, release = threading.Event(), threading.Event()

    def erase_and_hold() -> None:
        with transaction.atomic():
            participant_erase(participant=resident)
            erased.set()
            release.wait(timeout=30)

    erasing, erase_outcome = _run(erase_and_hold)
    assert erased.wait(timeout=30)
    answering, answer_outcome = _run(lambda: response_submit(participant=resident, answers=ANSWERS))
    answering.join(timeout=1)
    release.set()
    erasing.join(timeout=30)
    answering.join(timeout=30)
    assert "error" not in erase_outcome, erase_outcome
    assert isinstance(answer_outcome.get("error"), Gone)
    assert _in_a(Response.objects.filter(participant=resident).count) == 0
