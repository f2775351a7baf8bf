"""The stages of joining the programme, and the moves allowed between them."""

from __future__ import annotations

from backend.core.transitions import TransitionTable
from backend.programme.models import EnrolmentStage as S

ENROLMENT_TRANSITIONS = TransitionTable(
    "enrolment",
    {
        S.EXPRESSION_OF_INTEREST: frozenset({S.COMMITTED_IN_PRINCIPLE, S.WITHDRAWN}),
        S.COMMITTED_IN_PRINCIPLE: frozenset({S.FORMALLY_COLLABORATING, S.WITHDRAWN}),
        S.FORMALLY_COLLABORATING: frozenset({S.ACTIVE, S.WITHDRAWN}),
        S.ACTIVE: frozenset({S.WITHDRAWN}),
        # An organisation that left may come back; it starts again from interest.
        S.WITHDRAWN: frozenset({S.EXPRESSION_OF_INTEREST}),
    },
)
