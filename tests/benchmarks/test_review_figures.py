"""Benchmarks gain benefit reviews: done on time (of those due) and what they found, worked
by hand from reviews made through the services, withheld from others while few, and
refreshed by the review events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from backend.benchmarks.compute import LONDON
from backend.benchmarks.models import RefreshRequest, Rollup
from backend.benchmarks.services import benchmark_rollup_refresh
from backend.reviews.models import BenefitReview
from backend.reviews.services import review_publish, review_record, reviews_sweep
from tenants.context import authority_context
from tenants.roles import Role
from tests.proposals.factories import make_decision

SKIP = "Urgent safeguarding need."


def _review(authority, officer, due_on: date) -> BenefitReview:
    decision = make_decision(authority, officer, skip_reason=SKIP, review_due_on=due_on)
    return BenefitReview.objects.get(decision=decision)


def _record(review, officer, benefits_realised, recommendation):
    return review_record(
        review=review,
        actor=officer,
        benefits_realised=benefits_realised,
        recommendation=recommendation,
        benefits_for_public="Fewer repeat admissions.",
    )


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER).user


@pytest.fixture
def five_reviews(authority_a, officer):
    """- early: recorded before it fell due (on time): benefits fully realised, continue;
      published.
    - late: went overdue, then recorded: partly realised, amend.
    - due_today: fell due at the sweep, not recorded yet.
    - overdue: went overdue, not recorded.
    - later: not due yet (not counted at all).
    """
    with authority_context(authority_a):
        early = _review(authority_a, officer, date(2030, 3, 10))
        late = _review(authority_a, officer, date(2030, 3, 20))
        overdue = _review(authority_a, officer, date(2030, 3, 25))
        due_today = _review(authority_a, officer, date(2030, 4, 5))
        later = _review(authority_a, officer, date(2030, 9, 1))
        early = _record(early, officer, "fully", "continue")
        reviews_sweep(now=due_today.due_at + timedelta(hours=1))
        late.refresh_from_db()
        assert late.status == "overdue"
        late = _record(late, officer, "partly", "amend")
        review_publish(review=early)
        statuses = {
            name: BenefitReview.objects.get(pk=review.pk).status
            for name, review in [
                ("early", early),
                ("late", late),
                ("overdue", overdue),
                ("due_today", due_today),
                ("later", later),
            ]
        }
    assert statuses == {
        "early": "recorded",
        "late": "recorded",
        "overdue": "overdue",
        "due_today": "due",
        "later": "scheduled",
    }


def _slice(authority, period_key="all") -> Rollup:
    return Rollup.objects.get(authority=authority, period_key=period_key, segment="all")


def test_reviews_on_time_and_their_findings_are_worked_by_hand(authority_a, five_reviews):
    benchmark_rollup_refresh(authority=authority_a)
    figures = _slice(authority_a).figures
    # Due: early (recorded), late, overdue, due_today; "later" has not fallen due.
    assert figures["benefit_reviews_due"] == 4
    assert figures["benefit_reviews_on_time"] == 0.25  # only "early"
    assert figures["benefit_reviews_recorded"] == 2
    assert figures["benefit_reviews_published"] == 0.5
    assert figures["benefits_realised_fully"] == 0.5
    assert figures["benefits_realised_partly"] == 0.5
    assert figures["benefits_realised_not_realised"] == 0.0
    assert figures["review_recommends_continue"] == 0.5
    assert figures["review_recommends_amend"] == 0.5
    assert figures["review_recommends_stop"] == 0.0


def test_timeliness_counts_in_the_month_due_and_findings_in_the_month_recorded(
    authority_a, five_reviews
):
    benchmark_rollup_refresh(authority=authority_a)
    march, april = _slice(authority_a, "2030-03").figures, _slice(authority_a, "2030-04").figures
    assert (march["benefit_reviews_due"], march["benefit_reviews_on_time"]) == (3, 0.3333)
    assert (april["benefit_reviews_due"], april["benefit_reviews_on_time"]) == (1, 0.0)
    assert march["benefit_reviews_recorded"] == 0 and march["benefits_realised_fully"] is None
    today = timezone.now().astimezone(LONDON)
    this_month = _slice(authority_a, f"{today.year}-{today.month:02d}").figures
    assert this_month["benefit_reviews_recorded"] == 2
    assert this_month["benefit_reviews_due"] == 0 and this_month["benefit_reviews_on_time"] is None


def test_few_reviews_are_withheld_from_others_but_not_from_the_authority(
    authority_a, five_reviews, make_member
):
    benchmark_rollup_refresh(authority=authority_a)
    observer = make_member(None, Role.OBSERVER).client(None)
    rows = observer.get("/api/v1/benchmarks/authorities").json()["results"]
    row = next(row for row in rows if row["slug"] == "alpha")
    assert row["figures"]["benefit_reviews_due"] is None
    assert row["suppressed"]["benefit_reviews_due"]["code"] == "small_count"
    for key, basis in [
        ("benefit_reviews_on_time", "reviews_due"),
        ("benefits_realised_fully", "reviews_recorded"),
        ("review_recommends_stop", "reviews_recorded"),
    ]:
        assert row["figures"][key] is None
        assert row["suppressed"][key] == {
            "code": "derived_from_withheld",
            "basis": basis,
            "detail": row["suppressed"][key]["detail"],
        }
    own = make_member(authority_a, Role.OFFICER).client(authority_a).get("/api/v1/benchmarks")
    own_figures = {item["figure"]: item["value"] for item in own.json()["figures"]}
    assert own_figures["benefit_reviews_on_time"] == 0.25
    assert own_figures["benefits_realised_fully"] == 0.5


def _requested(authority) -> bool:
    return RefreshRequest.objects.filter(authority=authority).exists()


def test_each_review_event_asks_for_a_refresh(authority_a, officer):
    with authority_context(authority_a):
        review = _review(authority_a, officer, date(2030, 3, 10))
        other = _review(authority_a, officer, date(2030, 5, 10))
        steps = [
            ("due", lambda: reviews_sweep(now=review.due_at)),
            ("overdue", lambda: reviews_sweep(now=review.overdue_at)),
            ("recorded", lambda: _record(other, officer, "fully", "continue")),
            ("published", lambda: review_publish(review=other)),
        ]
        for name, step in steps:
            RefreshRequest.objects.all().delete()
            step()
            assert _requested(authority_a), name


def test_review_figures_have_a_time_series_and_a_chart_like_the_others(
    authority_a, five_reviews, make_member
):
    benchmark_rollup_refresh(authority=authority_a)
    officer = make_member(authority_a, Role.OFFICER).client(authority_a)
    series = officer.get(
        "/api/v1/benchmarks/timeseries",
        {"figure": "benefit_reviews_on_time", "period_kind": "month"},
    )
    assert series.status_code == 200, series.content
    points = {point["period"]: point["value"] for point in series.json()["points"]}
    assert points["2030-03"] == 0.3333 and points["2030-04"] == 0.0
    chart = officer.get(
        "/api/v1/benchmarks/charts/distribution.svg", {"figure": "benefits_realised_fully"}
    )
    assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")
