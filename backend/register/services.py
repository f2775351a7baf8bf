"""Writes on the public register: the only code that creates or removes register entries."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from backend.core.errors import Conflict
from backend.decisions.models import Decision
from backend.proposals.models import Proposal
from backend.register.models import RegisterEntry
from backend.reviews.selectors import review_public_outcome
from tenants.context import require_authority_schema
from tenants.models import Authority

# Dates on the register are the programme's calendar days, whatever the server's zone.
UK = ZoneInfo("Europe/London")


def register_verdicts_for(proposal_id: int) -> dict[str, Any] | None:
    """The latest signed-off assessment's verdicts to publish with a proposal.

    None only for a proposal without one, which the publish service refuses.

    Only the verdicts and the methodology version they were reached under are
    public; the answers, evidence and assessors stay inside the authority.
    Called in the authority's schema.
    """
    from backend.assessments.selectors import assessment_latest_verdicts
    from backend.methodology.models import MethodologyVersion

    latest = assessment_latest_verdicts(proposal_ids=[proposal_id]).get(proposal_id)
    if latest is None:
        return None
    label = (
        MethodologyVersion.objects.filter(pk=latest["methodology_version"])
        .values_list("label", flat=True)
        .first()
    )
    return {
        "methodology_version": label,
        "signed_off_on": timezone.localtime(latest["signed_off_at"], UK).date().isoformat(),
        "overall": latest["overall"],
        "tests": latest["tests"],
        "features": latest["features"],
    }


def register_consultation_summary_for(proposal_id: int) -> dict[str, Any] | None:
    """What the proposal's consultations found, once their results are published.

    Aggregates only, through disclosure control (``backend.disclosure``): counts
    rounded and withheld at the threshold, shares from the rounded counts,
    categories combined before they are withheld, and a ``withheld`` map of
    reasons. Never a name, an address, a comment or an individual answer, and
    nothing from which one answer can be worked out. None when nothing is
    published. The register keeps only this published copy, never the exact
    figures.
    """
    from backend.consultations.models import ConsultationResult, ConsultationStatus
    from backend.disclosure.policy import Policy
    from backend.disclosure.results import consultation_result_published

    results = (
        ConsultationResult.objects.filter(
            consultation__proposal_id=proposal_id,
            consultation__status=ConsultationStatus.RESULTS_PUBLISHED,
        )
        .select_related("consultation__method")
        .order_by("consultation__closed_at", "consultation__ends_at")
    )
    policy = Policy.from_settings()
    summary = [
        {
            "method": result.consultation.method.name,
            # The day it actually closed (early, on time or late), in UK time.
            "held_on": timezone.localtime(
                result.consultation.closed_at or result.consultation.ends_at, UK
            )
            .date()
            .isoformat(),
            **consultation_result_published(result=result, policy=policy),
        }
        for result in results
    ]
    return {"consultations": summary} if summary else None


def _public_copy(*, authority: Authority, decision: Decision) -> dict[str, Any]:
    """The allow-list: exactly the fields the public may see, copied by name."""
    proposal: Proposal = decision.proposal
    return {
        "proposal_reference": proposal.reference,
        "title": proposal.title,
        "summary": proposal.summary,
        "purpose": proposal.purpose,
        "service_areas": list(proposal.service_areas),
        "data_categories": [
            {
                "name": category.name,
                "special_category": category.special_category,
                "criminal_offence": category.criminal_offence,
            }
            for category in proposal.data_categories.all()
        ],
        "partners": [
            {"name": partner.name, "type": partner.organisation_type, "role": partner.role}
            for partner in proposal.partners.all()
        ],
        "legal_gateway": proposal.legal_gateway,
        "legal_gateway_detail": proposal.legal_gateway_detail,
        "verdicts": register_verdicts_for(proposal.pk),
        "consultation_summary": register_consultation_summary_for(proposal.pk),
        "benefit_review": review_public_outcome(decision_id=decision.pk),
        "outcome": decision.outcome,
        "rationale": decision.rationale,
        "conditions": decision.conditions,
        "public_influence": decision.public_influence,
        "decided_on": timezone.localtime(decision.decided_at, UK).date(),
    }


@transaction.atomic
def register_entry_publish(*, authority: Authority, decision: Decision) -> RegisterEntry:
    """Put (or refresh) a decision's entry in the register; keeps its public id on refresh."""
    require_authority_schema()
    published_at = decision.published_at or timezone.now()
    public = _public_copy(authority=authority, decision=decision)
    if public["verdicts"] is None:
        # Recording a decision needs a signed-off assessment, so only a decision
        # recorded before that rule can get here: it stays off the register.
        raise Conflict(
            f"Proposal {public['proposal_reference']} has no signed-off assessment, so its "
            "decision cannot be published without verdicts.",
            code="verdicts_missing",
            context={"missing": ["signed_off_assessment"]},
        )
    entry, _ = RegisterEntry.objects.update_or_create(
        authority=authority,
        decision_id=decision.pk,
        defaults={**public, "published_at": published_at},
    )
    return entry


@transaction.atomic
def register_entry_unpublish(*, authority: Authority, decision: Decision) -> None:
    """Take a decision's entry off the register."""
    RegisterEntry.objects.filter(authority=authority, decision_id=decision.pk).delete()


@transaction.atomic
def register_entry_add_review(*, authority: Authority, decision_id: int) -> None:
    """Show a decision's newly published benefit review on its register entry, if listed."""
    RegisterEntry.objects.filter(authority=authority, decision_id=decision_id).update(
        benefit_review=review_public_outcome(decision_id=decision_id)
    )
