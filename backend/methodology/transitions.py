"""The methodology version lifecycle."""

from __future__ import annotations

from backend.core.transitions import TransitionTable
from backend.methodology.models import VersionStatus

VERSION_TRANSITIONS = TransitionTable(
    "methodology version",
    {
        VersionStatus.DRAFT: frozenset({VersionStatus.PUBLISHED}),
        VersionStatus.PUBLISHED: frozenset({VersionStatus.RETIRED}),
        VersionStatus.RETIRED: frozenset(),
    },
)
