"""The proposal lifecycle as a table: the only place that says which moves are legal."""

from __future__ import annotations

from backend.core.transitions import TransitionTable
from backend.proposals.models import ProposalStatus

S = ProposalStatus

# States a proposal can still be edited and withdrawn in.
OPEN_STATES: frozenset[str] = frozenset(
    {S.DRAFT, S.IN_ASSESSMENT, S.IN_CONSULTATION, S.AWAITING_DECISION}
)

PROPOSAL_TRANSITIONS = TransitionTable(
    "proposal",
    {
        S.DRAFT: frozenset({S.IN_ASSESSMENT, S.WITHDRAWN}),
        # in_assessment → awaiting_decision is the "skip consultation" move, which
        # the service allows only with a recorded reason.
        S.IN_ASSESSMENT: frozenset({S.IN_CONSULTATION, S.AWAITING_DECISION, S.WITHDRAWN}),
        S.IN_CONSULTATION: frozenset({S.AWAITING_DECISION, S.WITHDRAWN}),
        S.AWAITING_DECISION: frozenset({S.DECIDED, S.WITHDRAWN}),
        S.DECIDED: frozenset(),
        S.WITHDRAWN: frozenset(),
    },
)
