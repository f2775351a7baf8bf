"""The assessment lifecycle: draft → submitted → signed_off, or back to draft when returned."""

from __future__ import annotations

from backend.assessments.models import AssessmentStatus
from backend.core.transitions import TransitionTable

ASSESSMENT_TRANSITIONS = TransitionTable(
    "assessment",
    {
        AssessmentStatus.DRAFT: frozenset({AssessmentStatus.SUBMITTED}),
        AssessmentStatus.SUBMITTED: frozenset(
            {AssessmentStatus.DRAFT, AssessmentStatus.SIGNED_OFF}
        ),
        AssessmentStatus.SIGNED_OFF: frozenset(),
    },
)
