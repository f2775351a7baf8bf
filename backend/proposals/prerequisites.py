"""What a proposal must have before it leaves consultation or is decided.

The transition table says which moves exist; this module says which of them
the methodology has earned. A proposal cannot be decided without a signed-off
assessment under the authority's adopted methodology version, nor without
either a closed consultation whose results were computed or a recorded reason
for skipping consultation; it cannot finish consultation without at least one
closed consultation with results. Each check returns the stable keys of what
is missing (empty when nothing is), so the 409 can list them all at once.

Reads only, called under the proposal's row lock by ``backend.proposals.services``.
"""

from __future__ import annotations

from backend.proposals.models import Proposal
from tenants.models import Authority

# The keys a client sees in ``context.missing``; documented in docs/lifecycle.md.
SIGNED_OFF_ASSESSMENT = "signed_off_assessment"
CLOSED_CONSULTATION_WITH_RESULTS = "closed_consultation_with_results"
CONSULTATION_OR_SKIP_REASON = "closed_consultation_with_results_or_skip_reason"


def has_closed_consultation_with_results(*, proposal: Proposal) -> bool:
    """At least one consultation closed (or published its results) and its results exist."""
    # Imported here: consultations depend on proposals, not the other way round.
    from backend.consultations.models import ConsultationResult, ConsultationStatus

    return ConsultationResult.objects.filter(
        consultation__proposal_id=proposal.pk,
        consultation__status__in=[ConsultationStatus.CLOSED, ConsultationStatus.RESULTS_PUBLISHED],
    ).exists()


def has_signed_off_assessment(*, proposal: Proposal, methodology_version_id: int) -> bool:
    """A signed-off assessment of this proposal under the given methodology version."""
    from backend.assessments.models import Assessment, AssessmentStatus

    return Assessment.objects.filter(
        proposal_id=proposal.pk,
        status=AssessmentStatus.SIGNED_OFF,
        methodology_version_id=methodology_version_id,
    ).exists()


def finish_consultation_missing(*, proposal: Proposal) -> list[str]:
    """What in_consultation → awaiting_decision still needs."""
    if has_closed_consultation_with_results(proposal=proposal):
        return []
    return [CLOSED_CONSULTATION_WITH_RESULTS]


def decision_missing(*, proposal: Proposal, methodology_version_id: int) -> list[str]:
    """What recording a decision still needs, under the authority's adopted version."""
    missing = []
    if not has_signed_off_assessment(
        proposal=proposal, methodology_version_id=methodology_version_id
    ):
        missing.append(SIGNED_OFF_ASSESSMENT)
    skipped = bool(proposal.skip_consultation_reason.strip())
    if not skipped and not has_closed_consultation_with_results(proposal=proposal):
        missing.append(CONSULTATION_OR_SKIP_REASON)
    return missing


def pinned_version_id(*, authority: Authority) -> tuple[int, str]:
    """The id and label of the methodology version the authority has adopted."""
    from backend.methodology.services import methodology_version_for

    version = methodology_version_for(authority=authority)
    return int(version.pk), str(version.label)
