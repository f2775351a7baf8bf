"""Consultations run by a real Celery worker and beat against the real Redis.

The worker is another process, so these tests commit their data (through
``django_db_blocker.unblock()``, outside any test transaction) and delete it
afterwards. Emails are counted in the worker's file email backend.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from backend.accounts.models import User
from backend.consultations.models import Consultation, ConsultationStatus, Response
from backend.consultations.services import consultation_publish_results
from backend.consultations.tasks import sweep_authority
from backend.proposals.models import Proposal
from tenants.context import authority_context
from tests.consultations.factories import (
    make_consultation,
    make_participant,
    make_proposal,
    respond,
)
from workers.tenancy import send_to_authority

S = ConsultationStatus


def _wait_for(check: Callable[[], bool], what: str, timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _sent_keys(mail_dir: Path, consultation_id: int) -> Counter[str]:
    """Idempotency keys of the emails the worker wrote for one consultation, counted."""
    keys: Counter[str] = Counter()
    for path in mail_dir.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("X-Idempotency-Key: ") and line.split(": ", 1)[1].startswith(
                f"{consultation_id}:"
            ):
                keys[line.split(": ", 1)[1]] += 1
    return keys


def _status(authority_slug: str, consultation_id: int) -> str:
    with authority_context(authority_slug):
        return Consultation.objects.get(pk=consultation_id).status


@contextmanager
def committed(django_db_blocker) -> Iterator[list[Callable[[], None]]]:
    """Run with real commits; callbacks appended to the list undo the data afterwards."""
    cleanups: list[Callable[[], None]] = []
    with django_db_blocker.unblock():
        try:
            yield cleanups
        finally:
            for cleanup in reversed(cleanups):
                cleanup()


def _delete_consultation(slug: str, consultation_id: int, proposal_id: int) -> Callable[[], None]:
    def cleanup() -> None:
        with authority_context(slug):
            Consultation.objects.filter(pk=consultation_id).delete()
            Proposal.objects.filter(pk=proposal_id).delete()

    return cleanup


def _delete_user(slug: str, user_id: int) -> None:
    # Inside the authority, so that the cascade can reach its tables that refer to users.
    with authority_context(slug):
        User.objects.filter(pk=user_id).delete()


@pytest.mark.worker
def test_worker_and_beat_run_a_consultation_from_scheduled_to_results(
    celery_worker, celery_beat, worker_mail_dir, django_db_blocker
):
    with committed(django_db_blocker) as cleanups:
        owner = User.objects.create_user(email="owner-lifecycle@alpha.test")
        cleanups.append(lambda: _delete_user("alpha", owner.pk))
        with authority_context("alpha"):
            now = timezone.now()
            proposal = make_proposal(owner=owner)
            consultation = make_consultation(
                proposal=proposal,
                starts_at=now + timedelta(seconds=2),
                ends_at=now + timedelta(hours=1),
                reminder_lead_minutes=1,
            )
            cleanups.append(_delete_consultation("alpha", consultation.pk, proposal.pk))
            people = [make_participant(consultation, f"life{i}@example.org") for i in range(3)]
        # Invitations are relayed as soon as the participants' transaction commits.
        _wait_for(
            lambda: len(_sent_keys(worker_mail_dir, consultation.pk)) == 3, "three invitations"
        )

        _wait_for(lambda: _status("alpha", consultation.pk) == S.OPEN, "beat to open it")
        with authority_context("alpha"):
            respond(people[0])
            # Stands in for the clock: the end is now 4 s away, so the reminder is due.
            Consultation.objects.filter(pk=consultation.pk).update(
                ends_at=timezone.now() + timedelta(seconds=4)
            )

        _wait_for(lambda: _status("alpha", consultation.pk) == S.CLOSED, "beat to close it")
        _wait_for(
            lambda: (
                sum(
                    k.endswith(":owner_results")
                    for k in _sent_keys(worker_mail_dir, consultation.pk)
                )
                == 1
            ),
            "the owner's results email",
        )
        with authority_context("alpha"):
            consultation.refresh_from_db()
            result = consultation.result
            assert (result.invited, result.responded) == (3, 1)
            assert consultation.reminders_sent_at is not None
            consultation_publish_results(consultation=consultation)
        _wait_for(
            lambda: (
                sum(k.endswith(":thank_you") for k in _sent_keys(worker_mail_dir, consultation.pk))
                == 1
            ),
            "the thank-you",
        )
        time.sleep(2.5)  # more beats go by: nothing may be sent twice

        sent = _sent_keys(worker_mail_dir, consultation.pk)
        assert set(sent.values()) == {1}, sent
        kinds = Counter(key.rsplit(":", 1)[1] for key in sent)
        assert kinds == {"invitation": 3, "reminder": 2, "owner_results": 1, "thank_you": 1}


@pytest.mark.worker
def test_a_sweep_sent_for_one_authority_never_touches_another(celery_worker, django_db_blocker):
    with committed(django_db_blocker) as cleanups:
        due = timezone.now() - timedelta(minutes=1)
        ids = {}
        for slug in ("alpha", "beta"):
            with authority_context(slug):
                proposal = make_proposal()
                consultation = make_consultation(
                    proposal=proposal, starts_at=due, ends_at=due + timedelta(hours=2)
                )
                cleanups.append(_delete_consultation(slug, consultation.pk, proposal.pk))
                ids[slug] = consultation.pk

        report = send_to_authority(sweep_authority, "alpha").get(timeout=30)

        assert report["opened"] == [ids["alpha"]]
        assert _status("alpha", ids["alpha"]) == S.OPEN
        assert _status("beta", ids["beta"]) == S.SCHEDULED
        with authority_context("beta"):
            assert not Response.objects.exists()
