"""What the public thought, summed so it can be pooled: acceptability and the
public-vs-officer gap over any set of responses (pure functions).

One definition for every cross-consultation figure (benchmarks, programme
findings): acceptable is 4 or 5 on the five-point scale, unacceptable 1 or 2,
net acceptability is (acceptable - unacceptable) / responses; a response's
agreement with a test (1..5) is put on 0..1 as (answer - 1) / 4 and the
officers' verdict on that test (of the proposal's latest signed-off
assessment) as met 1, partly_met 0.5, not_met 0; the gap is the mean over
responses of public minus officers, for responses that answered the test
when the officers gave a verdict. Keeping sums and counts rather than means
lets any number of consultations be pooled exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from backend.consultations.scoring import TESTS, VERDICT_SCALE


class OpinionResponse(Protocol):
    """One response as the sums need it."""

    @property
    def acceptability(self) -> int: ...

    @property
    def agreement(self) -> Mapping[str, int | None]: ...

    @property
    def invited(self) -> bool: ...


@dataclass
class OpinionTotals:
    """One consultation's responses summed once, then added to every figure they count in."""

    count: int = 0
    invited_count: int = 0
    acceptability_sum: int = 0
    acceptable: int = 0
    unacceptable: int = 0
    agreement_sum: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    agreement_count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    gap_sum: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    gap_count: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def officer_scores(verdicts: Mapping[str, str | None]) -> dict[str, float | None]:
    """The officers' verdict on each test on the 0..1 scale; None without a verdict."""
    return {test: VERDICT_SCALE.get(verdicts.get(test) or "") for test in TESTS}


def opinion_totals(
    responses: Iterable[OpinionResponse], officer_verdicts: Mapping[str, str | None]
) -> OpinionTotals:
    totals = OpinionTotals()
    officer = officer_scores(officer_verdicts)
    for response in responses:
        totals.count += 1
        totals.invited_count += response.invited
        totals.acceptability_sum += response.acceptability
        totals.acceptable += response.acceptability >= 4
        totals.unacceptable += response.acceptability <= 2
        for test in TESTS:
            agreement = response.agreement.get(test)
            if agreement is None:
                continue
            public = (agreement - 1) / 4
            totals.agreement_sum[test] += public
            totals.agreement_count[test] += 1
            officer_score = officer[test]
            if officer_score is not None:
                totals.gap_sum[test] += public - officer_score
                totals.gap_count[test] += 1
    return totals
