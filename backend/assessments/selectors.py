"""Reads on assessments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from backend.assessments.models import Answer, Assessment, AssessmentStatus


def assessment_list() -> QuerySet[Assessment]:
    return Assessment.objects.select_related(
        "proposal", "methodology_version", "assessor", "reviewer", "returned_by"
    )


def assessment_detail_list() -> QuerySet[Assessment]:
    return assessment_list().prefetch_related(
        Prefetch("answers", queryset=Answer.objects.order_by("question_key")),
        "contributors",
    )


def assessment_latest_verdicts(*, proposal_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """For each proposal, the verdicts of its latest signed-off assessment, in one query.

    ``{proposal_id: {"assessment": id, "methodology_version": id, "signed_off_at": dt,
    "tests": {...}, "features": {...}, "overall": "met"|"partly_met"|"not_met"}}``;
    proposals without a signed-off assessment are absent.
    """
    rows = (
        Assessment.objects.filter(
            proposal_id__in=list(proposal_ids), status=AssessmentStatus.SIGNED_OFF
        )
        .order_by("proposal_id", "-signed_off_at", "-id")
        .distinct("proposal_id")
        .values("proposal_id", "pk", "methodology_version_id", "signed_off_at", "verdicts")
    )
    return {
        row["proposal_id"]: {
            "assessment": row["pk"],
            "methodology_version": row["methodology_version_id"],
            "signed_off_at": row["signed_off_at"],
            "tests": row["verdicts"].get("tests", {}),
            "features": row["verdicts"].get("features", {}),
            "overall": row["verdicts"].get("overall"),
        }
        for row in rows
    }
