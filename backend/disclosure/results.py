"""A stored consultation result as anyone but its authority may see it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backend.disclosure.consultation import consultation_results_published
from backend.disclosure.policy import Policy

if TYPE_CHECKING:
    from backend.consultations.models import ConsultationResult


def consultation_result_published(*, result: ConsultationResult, policy: Policy) -> dict[str, Any]:
    """The register's and the thank-you email's figures of one ``ConsultationResult``."""
    figures = result.figures or {}
    agreement = {
        test: dict(values.get("distribution") or {})
        for test, values in (figures.get("agreement") or {}).items()
    }
    return consultation_results_published(
        invited=result.invited,
        responded=result.responded,
        open_link_respondents=result.open_link_respondents,
        acceptability=dict(figures.get("acceptability_distribution") or {}),
        agreement=agreement,
        policy=policy,
    )
