"""Reads on proposals: lists with their children prefetched, the transition log, export rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from backend.accounts.models import User
from backend.proposals.models import DataCategory, Partner, Proposal, ProposalTransition, Risk
from tenants.context import require_authority_schema

VERDICT_COLUMNS = ("overall", "purposeful", "proportionate", "responsible")


def proposal_list() -> QuerySet[Proposal]:
    """Every proposal of the current authority, children prefetched (constant queries)."""
    require_authority_schema()
    return Proposal.objects.select_related("owner").prefetch_related(
        "data_categories", "partners", "risks"
    )


# The children a list shows, as (attribute, model, fields): see proposal_children_attach.
CHILD_ROWS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    (
        "data_categories",
        DataCategory,
        ("name", "description", "kind", "special_category", "criminal_offence"),
    ),
    ("partners", Partner, ("name", "organisation_type", "role")),
    ("risks", Risk, ("description", "mitigation")),
)


def proposal_page_list() -> QuerySet[Proposal]:
    """Proposals for a page; call ``proposal_children_attach`` on the page once it is cut."""
    require_authority_schema()
    return Proposal.objects.select_related("owner")


def proposal_children_attach(*, proposals: list[Proposal]) -> None:
    """Give each proposal ``child_rows``: its children as plain dicts, one query per kind.

    The same three queries as ``prefetch_related`` but without building a model
    instance, a related manager and a queryset per child (half the time of a
    page of 50 went there).
    """
    by_id: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for proposal in proposals:
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in CHILD_ROWS}
        proposal.child_rows = rows  # type: ignore[attr-defined]
        by_id[proposal.pk] = rows
    if not by_id:
        return
    for name, model, fields in CHILD_ROWS:
        for row in (
            model.objects.filter(proposal_id__in=by_id)
            .order_by("id")
            .values("proposal_id", *fields)
        ):
            by_id[row.pop("proposal_id")][name].append(row)


def proposal_get(*, proposal_id: int) -> Proposal:
    return proposal_list().get(pk=proposal_id)


def proposal_transition_list(*, proposal: Proposal) -> QuerySet[ProposalTransition]:
    return ProposalTransition.objects.filter(proposal=proposal).select_related("by")


def proposal_verdicts_for(*, proposal_ids: list[int]) -> dict[int, dict[str, str]]:
    """The latest completed assessment's verdicts per proposal, keyed by proposal id.

    Each value maps the names in ``VERDICT_COLUMNS`` to a verdict (met,
    partly_met, not_met); proposals without a signed-off assessment are absent.
    One call per page of proposals, so the export's query count does not grow
    with its rows.
    """
    from backend.assessments.selectors import assessment_latest_verdicts

    return {
        proposal_id: {"overall": latest["overall"], **latest["tests"]}
        for proposal_id, latest in assessment_latest_verdicts(proposal_ids=proposal_ids).items()
    }


def proposal_export_rows(*, queryset: QuerySet[Proposal] | None = None) -> Iterator[list[Any]]:
    """The export as rows of plain values: a header, then one row per proposal."""
    base = queryset if queryset is not None else proposal_list()
    # Export rows need no child lists; dropping the prefetches keeps it to one query per chunk.
    proposals = base.prefetch_related(None).order_by("reference")
    yield [
        "reference",
        "title",
        "status",
        "service_areas",
        "legal_gateway",
        "owner_email",
        "created_at",
        "submitted_at",
        "decided_at",
        "withdrawn_at",
        "days_to_decision",
        *(f"verdict_{name}" for name in VERDICT_COLUMNS),
    ]
    chunk: list[Proposal] = []
    for proposal in proposals.select_related("owner").iterator(chunk_size=500):
        chunk.append(proposal)
        if len(chunk) == 500:
            yield from _rows(chunk)
            chunk = []
    yield from _rows(chunk)


def _rows(proposals: list[Proposal]) -> Iterator[list[Any]]:
    if not proposals:
        return
    verdicts = proposal_verdicts_for(proposal_ids=[p.pk for p in proposals])
    for proposal in proposals:
        owner: User | None = proposal.owner
        days = None
        if proposal.decided_at and proposal.submitted_at:
            days = (proposal.decided_at - proposal.submitted_at).days
        found = verdicts.get(proposal.pk, {})
        yield [
            proposal.reference,
            proposal.title,
            proposal.status,
            ";".join(proposal.service_areas),
            proposal.legal_gateway,
            owner.email if owner else "",
            _iso(proposal.created_at),
            _iso(proposal.submitted_at),
            _iso(proposal.decided_at),
            _iso(proposal.withdrawn_at),
            "" if days is None else days,
            *(found.get(name, "") for name in VERDICT_COLUMNS),
        ]


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""
