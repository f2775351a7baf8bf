"""A benefit review taken by a real worker and beat from scheduled to recorded.

The worker is another process, so the data is committed and deleted afterwards;
the owner's emails are counted in the worker's file email backend by their
idempotency keys.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from backend.accounts.models import AccountEmail, User
from backend.assessments.models import Assessment
from backend.consultations.models import Consultation
from backend.decisions.models import Decision
from backend.proposals.models import Proposal
from backend.register.models import RegisterEntry
from backend.reviews.models import BenefitReview, ReviewStatus
from backend.reviews.services import review_record
from tenants.context import authority_context
from tenants.models import Membership
from tenants.roles import Role
from tenants.services import membership_grant
from tests.proposals.factories import make_decision
from tests.workers.test_consultation_tasks import _wait_for, committed

S = ReviewStatus


def _sent(mail_dir: Path, review_id: int) -> Counter[str]:
    keys: Counter[str] = Counter()
    prefix = f"review:alpha:{review_id}:"
    for path in mail_dir.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("X-Idempotency-Key: ") and line.split(": ", 1)[1].startswith(prefix):
                keys[line.split(": ", 1)[1].removeprefix(prefix)] += 1
    return keys


def _move_clock(review_id: int, due_time: str) -> None:
    """The day arrives: the given due time is now in the past."""
    with authority_context("alpha"):
        BenefitReview.objects.filter(pk=review_id).update(
            **{due_time: timezone.now() - timedelta(seconds=1)}
        )


def _status(review_id: int) -> str:
    with authority_context("alpha"):
        return BenefitReview.objects.get(pk=review_id).status


@pytest.mark.worker
def test_worker_and_beat_take_a_review_from_scheduled_to_recorded(
    celery_worker, celery_beat, worker_mail_dir, django_db_blocker
):
    with committed(django_db_blocker) as cleanups:
        owner = User.objects.create_user(email="owner-review@alpha.test")
        with authority_context("alpha") as alpha:
            membership_grant(user=owner, role=Role.OFFICER, authority=alpha)
            decision = make_decision(alpha, owner)
            review = BenefitReview.objects.get(decision=decision)
            # Stands in for the clock: the reminder is due now, the rest much later.
            BenefitReview.objects.filter(pk=review.pk).update(
                remind_at=timezone.now() - timedelta(seconds=1)
            )

        def cleanup() -> None:
            AccountEmail.objects.filter(user=owner).delete()
            RegisterEntry.objects.filter(decision_id=decision.pk).delete()
            with authority_context("alpha"):
                BenefitReview.objects.filter(pk=review.pk).delete()
                Decision.objects.filter(pk=decision.pk).delete()
                Consultation.objects.filter(proposal_id=decision.proposal_id).delete()
                Assessment.objects.filter(proposal_id=decision.proposal_id).delete()
                Proposal.objects.filter(pk=decision.proposal_id).delete()
                Membership.objects.filter(user=owner).delete()
                User.objects.filter(pk=owner.pk).delete()

        cleanups.append(cleanup)

        _wait_for(lambda: _status(review.pk) == S.REMINDED, "the reminder")
        _move_clock(review.pk, "due_at")
        _wait_for(lambda: _status(review.pk) == S.DUE, "the due day")
        _move_clock(review.pk, "overdue_at")
        _wait_for(lambda: _status(review.pk) == S.OVERDUE, "overdue")
        _wait_for(lambda: len(_sent(worker_mail_dir, review.pk)) == 3, "three emails sent")

        with authority_context("alpha"):
            review_record(
                review=BenefitReview.objects.get(pk=review.pk),
                actor=owner,
                benefits_realised="partly",
                recommendation="continue",
                benefits_for_public="Take-up of free school meals rose.",
            )
        time.sleep(2.5)  # more beats go by: nothing moves or is sent again

        assert _status(review.pk) == S.RECORDED
        assert _sent(worker_mail_dir, review.pk) == {"reminder": 1, "due": 1, "overdue": 1}
