"""The reviews API: members read, caseworkers record and publish; overdue ones are listed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.reviews.models import BenefitReview
from backend.reviews.services import reviews_sweep
from tenants.context import authority_context
from tenants.roles import Role
from tests.api.spec_conformance import schema_errors
from tests.proposals.factories import make_decision


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER)


def _review(authority, officer) -> BenefitReview:
    with authority_context(authority):
        return BenefitReview.objects.get(decision=make_decision(authority, officer.user))


def test_overdue_reviews_are_listed_for_the_authority(authority_a, officer, make_member):
    overdue, fine = _review(authority_a, officer), _review(authority_a, officer)
    with authority_context(authority_a):
        BenefitReview.objects.filter(pk=overdue.pk).update(
            overdue_at=overdue.overdue_at - timedelta(days=800),
            due_at=overdue.due_at - timedelta(days=800),
            remind_at=overdue.remind_at - timedelta(days=800),
        )
        reviews_sweep()
    viewer = make_member(authority_a, Role.VIEWER).client(authority_a)
    listed = viewer.get("/api/v1/reviews?status=overdue").json()
    assert [row["id"] for row in listed["results"]] == [overdue.pk]
    assert fine.pk in [row["id"] for row in viewer.get("/api/v1/reviews").json()["results"]]


def test_recording_and_publishing_through_the_api(authority_a, officer):
    review = _review(authority_a, officer)
    client = officer.client(authority_a)
    bad = client.post(
        f"/api/v1/reviews/{review.pk}/record",
        {"benefits_realised": "mostly", "recommendation": "continue"},
        format="json",
    )
    assert bad.status_code == 400
    assert "benefits_realised" in bad.json()["fields"]
    recorded = client.post(
        f"/api/v1/reviews/{review.pk}/record",
        {
            "benefits_realised": "fully",
            "recommendation": "continue",
            "benefits_for_individuals": "Families enrolled without forms.",
            "costs_incurred": "950.00",
            "complaints_received": 0,
        },
        format="json",
    )
    assert recorded.status_code == 200, recorded.json()
    assert (recorded.json()["status"], recorded.json()["costs_incurred"]) == ("recorded", "950.00")
    published = client.post(f"/api/v1/reviews/{review.pk}/publish")
    assert published.json()["published"] is True
    again = client.post(f"/api/v1/reviews/{review.pk}/publish")
    assert again.status_code == 409


def test_viewers_cannot_record(authority_a, officer, make_member):
    review = _review(authority_a, officer)
    viewer = make_member(authority_a, Role.VIEWER).client(authority_a)
    response = viewer.post(
        f"/api/v1/reviews/{review.pk}/record",
        {"benefits_realised": "fully", "recommendation": "continue", "benefits_for_public": "x"},
        format="json",
    )
    assert response.status_code == 403
    with authority_context(authority_a):
        assert BenefitReview.objects.get(pk=review.pk).status == "scheduled"


def test_a_review_not_yet_recorded_matches_the_spec(authority_a, officer):
    """Schemathesis found a scheduled review answering "" where the spec allowed only the
    choices of benefits_realised and recommendation: unrecorded, they are null."""
    review = _review(authority_a, officer)
    body = officer.client(authority_a).get(f"/api/v1/reviews/{review.pk}").json()
    assert body["benefits_realised"] is None and body["recommendation"] is None
    assert schema_errors("authority", "BenefitReview", body) == []
