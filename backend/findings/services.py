"""Writes: keep the scenario facts in step, rebuild them, and switch public findings on or off."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.findings.facts import load_scenario_facts
from backend.findings.models import FindingsPublication, FindingsPublicationChange, ScenarioFact
from tenants.context import authority_context, require_authority_schema
from tenants.models import Authority


def _facts_write(*, authority_id: int, facts: list[dict]) -> None:
    now = timezone.now()
    ScenarioFact.objects.bulk_create(
        [ScenarioFact(authority_id=authority_id, computed_at=now, **fact) for fact in facts]
    )


@transaction.atomic
def scenario_facts_refresh(*, authority_id: int, proposal_ids: Collection[int]) -> int:
    """Recopy the facts of some proposals of the current authority (run in its schema).

    Called by the reactions inside the announcing transaction, so the facts
    commit or roll back with the change that moved them. Returns the number of
    facts now held for those proposals.
    """
    require_authority_schema()
    facts = load_scenario_facts(proposal_ids=proposal_ids)
    ScenarioFact.objects.filter(
        authority_id=authority_id, proposal_id__in=list(proposal_ids)
    ).delete()
    _facts_write(authority_id=authority_id, facts=facts)
    return len(facts)


def scenario_facts_rebuild(*, authority: Authority) -> int:
    """Replace all of one authority's facts with a fresh copy from its schema.

    Reads the schema, then swaps the rows in one transaction: readers see the
    old facts or the new ones, never a mixture.
    """
    with authority_context(authority):
        facts = load_scenario_facts()
    with transaction.atomic():
        ScenarioFact.objects.filter(authority=authority).delete()
        _facts_write(authority_id=authority.pk, facts=facts)
    return len(facts)


def findings_publication_get() -> FindingsPublication:
    publication, _ = FindingsPublication.objects.get_or_create(pk=1)
    return publication


@transaction.atomic
def findings_publication_set(
    *, published: bool, actor: User, reason: str = ""
) -> FindingsPublication:
    """Publish (or stop publishing) the aggregated findings to the public; every change is kept."""
    findings_publication_get()
    publication = FindingsPublication.objects.select_for_update().get(pk=1)
    now = timezone.now()
    if publication.published != published:
        publication.published = published
        publication.changed_at = now
        publication.changed_by = actor
        publication.save(update_fields=["published", "changed_at", "changed_by"])
        FindingsPublicationChange.objects.create(
            published=published, reason=reason.strip(), at=now, by=actor
        )
    return publication
