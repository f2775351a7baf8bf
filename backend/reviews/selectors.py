"""Reads of benefit reviews in the current authority."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.reviews.models import BenefitReview
from tenants.context import require_authority_schema


def review_list() -> QuerySet[BenefitReview]:
    require_authority_schema()
    return BenefitReview.objects.select_related("proposal", "decision")


def review_public_outcome(*, decision_id: int) -> dict[str, str] | None:
    """What the register shows of a decision's review, once it is published."""
    review = (
        BenefitReview.objects.filter(decision_id=decision_id, published=True)
        .values("recorded_at", "benefits_realised", "recommendation", "benefits_for_public")
        .first()
    )
    if review is None or review["recorded_at"] is None:
        return None
    return {
        "reviewed_on": review["recorded_at"].date().isoformat(),
        "benefits_realised": review["benefits_realised"],
        "recommendation": review["recommendation"],
        "benefits_for_public": review["benefits_for_public"],
    }
