"""Benefit reviews: scheduled by approvals, swept through their due times once each, recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.accounts.models import AccountEmail
from backend.core.errors import Conflict
from backend.decisions.services import decision_publish
from backend.register.models import RegisterEntry
from backend.reviews.models import BenefitReview, ReviewStatus
from backend.reviews.services import review_publish, review_record, reviews_sweep
from backend.webhooks.models import WebhookDelivery
from backend.webhooks.services import webhook_endpoint_create
from tenants.roles import Role
from tests.proposals.factories import make_decision

S = ReviewStatus
FINDINGS = {
    "benefits_realised": "partly",
    "recommendation": "amend",
    "benefits_for_public": "Fewer repeat hospital admissions in the pilot wards.",
}


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER).user


def _review(authority, officer, **decision) -> BenefitReview:
    made = make_decision(authority, officer, **decision)
    return BenefitReview.objects.get(decision=made)


def _notices(review: BenefitReview) -> list[str]:
    return sorted(
        AccountEmail.objects.filter(idempotency_key__contains=f":{review.pk}:").values_list(
            "kind", flat=True
        )
    )


def test_an_approval_schedules_its_review_a_year_on_by_default(in_authority_a, officer):
    review = _review(in_authority_a, officer, expected_benefits="Safer discharges.")
    today = timezone.localdate()
    assert review.due_on.year == today.year + 1 and review.due_on.month == today.month
    assert review.expected_benefits == "Safer discharges."
    assert review.status == S.SCHEDULED


def test_due_times_are_uk_midnights_and_the_reminder_comes_two_weeks_before(
    in_authority_a, officer
):
    review = _review(in_authority_a, officer, review_due_on=date(2027, 7, 1))
    # 1 July is in British Summer Time: midnight there is 23:00 UTC the day before.
    assert review.due_at == datetime(2027, 6, 30, 23, 0, tzinfo=UTC)
    assert review.overdue_at == datetime(2027, 7, 1, 23, 0, tzinfo=UTC)
    assert review.remind_at == review.due_at - timedelta(days=14)


def test_a_rejection_schedules_no_review(in_authority_a, officer):
    decision = make_decision(in_authority_a, officer, outcome="rejected")
    assert decision.review_due_on is None
    assert not BenefitReview.objects.filter(decision=decision).exists()


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        ({"outcome": "rejected", "review_due_on": date(2030, 1, 1)}, "review_due_on"),
        ({"review_due_on": date(2020, 1, 1)}, "review_due_on"),
    ],
)
def test_review_dates_are_checked(in_authority_a, officer, decision, field):
    with pytest.raises(ValidationError) as refused:
        make_decision(in_authority_a, officer, **decision)
    assert field in refused.value.message_dict
    assert not BenefitReview.objects.exists()


def test_the_sweep_tells_the_owner_once_per_stage(in_authority_a, officer):
    review = _review(in_authority_a, officer, review_due_on=date(2030, 3, 10))
    before_reminder = review.remind_at - timedelta(minutes=1)
    assert reviews_sweep(now=before_reminder).as_dict() == {
        "reminded": [],
        "due": [],
        "overdue": [],
    }

    for _ in range(2):  # a second sweep at the same time sends nothing more
        reviews_sweep(now=review.remind_at)
    review.refresh_from_db()
    assert review.status == S.REMINDED
    assert _notices(review) == ["review_reminder"]

    reviews_sweep(now=review.due_at)
    reviews_sweep(now=review.overdue_at + timedelta(days=3))
    reviews_sweep(now=review.overdue_at + timedelta(days=4))
    review.refresh_from_db()
    assert review.status == S.OVERDUE
    assert _notices(review) == ["review_due", "review_overdue", "review_reminder"]
    [reminder] = AccountEmail.objects.filter(kind="review_reminder")
    assert reminder.user_id == officer.pk
    assert reminder.context["reference"] == review.proposal.reference
    assert reminder.context["due_on"] == "10 March 2030"


def test_a_review_found_late_goes_straight_to_overdue(in_authority_a, officer):
    review = _review(in_authority_a, officer, review_due_on=date(2030, 3, 10))
    report = reviews_sweep(now=review.overdue_at + timedelta(hours=1))
    assert report.overdue == [review.pk] and report.reminded == [] and report.due == []
    assert _notices(review) == ["review_overdue"]


def test_a_recorded_review_is_left_alone_by_the_sweep(in_authority_a, officer):
    review = _review(in_authority_a, officer, review_due_on=date(2030, 3, 10))
    review_record(review=review, actor=officer, **FINDINGS)
    reviews_sweep(now=review.overdue_at + timedelta(days=1))
    review.refresh_from_db()
    assert review.status == S.RECORDED
    assert _notices(review) == []


def test_due_and_overdue_reach_webhook_subscribers(in_authority_a, officer, make_member):
    admin = make_member(in_authority_a, Role.ADMIN).user
    endpoint = webhook_endpoint_create(
        authority=in_authority_a,
        url="https://8.8.8.8/in",
        events=["review.due", "review.overdue"],
        actor=admin,
    )
    review = _review(in_authority_a, officer, review_due_on=date(2030, 3, 10))
    reviews_sweep(now=review.due_at)
    reviews_sweep(now=review.overdue_at)
    types = sorted(
        WebhookDelivery.objects.filter(endpoint=endpoint).values_list("event_type", flat=True)
    )
    assert types == ["review.due", "review.overdue"]


def test_recording_needs_what_was_measured(in_authority_a, officer):
    review = _review(in_authority_a, officer)
    with pytest.raises(ValidationError):
        review_record(
            review=review, actor=officer, benefits_realised="fully", recommendation="continue"
        )
    review.refresh_from_db()
    assert review.status == S.SCHEDULED


def test_a_published_review_shows_on_the_register_and_is_frozen(in_authority_a, officer):
    review = _review(in_authority_a, officer, published=True)
    with pytest.raises(Conflict):
        review_publish(review=review)  # not recorded yet
    review_record(review=review, actor=officer, costs_incurred=Decimal("1200.00"), **FINDINGS)
    review_publish(review=review)
    entry = RegisterEntry.objects.get(authority=in_authority_a, decision_id=review.decision_id)
    assert entry.benefit_review == {
        "reviewed_on": timezone.localdate().isoformat(),
        "benefits_realised": "partly",
        "recommendation": "amend",
        "benefits_for_public": FINDINGS["benefits_for_public"],
    }
    with pytest.raises(Conflict):
        review_record(review=review, actor=officer, **FINDINGS)


def test_a_decision_published_after_its_review_carries_the_outcome(in_authority_a, officer):
    review = _review(in_authority_a, officer)
    review_record(review=review, actor=officer, **FINDINGS)
    review_publish(review=review)
    decision_publish(authority=in_authority_a, decision=review.decision, actor=officer)
    entry = RegisterEntry.objects.get(authority=in_authority_a, decision_id=review.decision_id)
    assert entry.benefit_review["recommendation"] == "amend"
