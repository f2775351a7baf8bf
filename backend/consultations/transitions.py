"""The consultation state machine."""

from __future__ import annotations

from backend.consultations.models import ConsultationStatus as S
from backend.core.transitions import TransitionTable

CONSULTATION_TRANSITIONS = TransitionTable(
    "consultation",
    {
        S.SCHEDULED: frozenset({S.OPEN, S.CANCELLED}),
        S.OPEN: frozenset({S.CLOSED}),
        S.CLOSED: frozenset({S.RESULTS_PUBLISHED}),
        S.RESULTS_PUBLISHED: frozenset(),
        S.CANCELLED: frozenset(),
    },
)
