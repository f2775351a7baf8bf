"""Writes: keep the scenario facts in step, rebuild them, and switch public findings on or off."""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.findings.disclosure import FindingsPolicy
from backend.findings.facts import load_scenario_facts
from backend.findings.models import (
    FindingsPublication,
    FindingsPublicationChange,
    FindingsRefreshRequest,
    FindingsTable,
    ScenarioFact,
)
from backend.findings.table import FACT_FIELDS, compute_table, facts_version, policy_body
from tenants.context import authority_context, require_authority_schema
from tenants.models import Authority


def _facts_write(*, authority_id: int, facts: list[dict]) -> None:
    now = timezone.now()
    ScenarioFact.objects.bulk_create(
        [ScenarioFact(authority_id=authority_id, computed_at=now, **fact) for fact in facts]
    )
    # With the facts: the table is recomputed for a change that committed, never one that
    # rolled back, and a burst of changes costs one computation once they settle.
    findings_refresh_request()


# What a fact holds, as compared with a freshly computed one: every field but the ids
# the database gives and the moment it was computed.
_COMPARED = tuple(
    field.attname
    for field in ScenarioFact._meta.concrete_fields
    if field.attname not in {"id", "authority_id", "computed_at"}
)


def _stored_as_json(fact: dict) -> dict:
    """A computed fact as the database gives it back (JSON fields through JSON)."""
    return {name: fact[name] for name in _COMPARED} | {
        name: json.loads(json.dumps(fact[name]))
        for name in ("gap_sum", "gap_count", "officer_verdicts")
    }


# No savepoint: a reaction runs inside the announcing transaction, and when it fails the
# whole change is refused anyway (backend/core/events.py).
@transaction.atomic(savepoint=False)
def scenario_facts_refresh(*, authority_id: int, proposal_ids: Collection[int]) -> int:
    """Recopy the facts of some proposals of the current authority (run in its schema).

    Called by the reactions inside the announcing transaction, so the facts
    commit or roll back with the change that moved them. Facts equal to the stored
    ones are left as they are, and then no refresh of the table is requested (most
    events change nothing the facts hold). Returns the number of facts now held for
    those proposals.
    """
    require_authority_schema()
    facts = load_scenario_facts(proposal_ids=proposal_ids)
    stored = ScenarioFact.objects.filter(
        authority_id=authority_id, proposal_id__in=list(proposal_ids)
    )
    if not facts:  # most events: a proposal with no held consultation
        deleted, _ = stored.delete()
        if deleted:  # a consultation no longer held: the table must forget it
            findings_refresh_request()
        return 0
    held = list(stored.order_by("consultation_id").values(*_COMPARED))
    computed = sorted(facts, key=lambda fact: fact["consultation_id"])
    if held == [_stored_as_json(fact) for fact in computed]:
        return len(facts)
    stored.delete()
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


def findings_refresh_request() -> None:
    """Note that the facts changed; the sweeper recomputes the table after they settle."""
    # One upsert statement per change (update_or_create takes a savepoint, a locking read
    # and a write). A claim deleting the row meanwhile is waited for, then a new row is
    # inserted: a change after a claim is never lost.
    FindingsRefreshRequest.objects.bulk_create(
        [FindingsRefreshRequest(pk=1, requested_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["pk"],
        update_fields=["requested_at"],
    )


def findings_refresh_due_claim() -> bool:
    """Claim the refresh request if the facts have settled (deleted as it is claimed).

    ``skip_locked``: two sweepers never both claim it; a change after the claim
    makes a new request, so it is never lost.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.FINDINGS_REFRESH_SETTLE_SECONDS)
    with transaction.atomic():
        due = list(
            FindingsRefreshRequest.objects.select_for_update(skip_locked=True)
            .filter(pk=1, requested_at__lte=cutoff)
            .values_list("pk", flat=True)
        )
        FindingsRefreshRequest.objects.filter(pk__in=due, requested_at__lte=cutoff).delete()
    return bool(due)


def findings_table_refresh() -> FindingsTable:
    """Compute the protected findings table from the facts as they are now, and store it.

    The facts are read in one query (one consistent snapshot); the cells are
    summed and protected in memory; the table is then written as one row in one
    statement. A computation that read the facts before the stored table's
    did is dropped (the newer table stays). Unchanged facts and rules keep the
    stored table as it is.
    """
    rules = FindingsPolicy.from_settings()
    started = time.monotonic()
    read_at = timezone.now()
    rows = list(ScenarioFact.objects.order_by("id").values(*FACT_FIELDS, "computed_at"))
    facts_computed_at = max((row.pop("computed_at") for row in rows), default=None)
    version = facts_version(rows, rules)
    stored = FindingsTable.objects.filter(pk=1).first()
    if stored is not None and stored.facts_version == version:
        return stored
    cells = compute_table(rows, rules)
    with transaction.atomic():
        stored = FindingsTable.objects.select_for_update().filter(pk=1).first()
        if stored is not None and stored.facts_read_at > read_at:
            return stored
        table, _ = FindingsTable.objects.update_or_create(
            pk=1,
            defaults={
                "cells": cells,
                "policy": policy_body(rules),
                "facts_version": version,
                "facts_count": len(rows),
                "facts_computed_at": facts_computed_at,
                "facts_read_at": read_at,
                "computed_at": timezone.now(),
                "compute_seconds": round(time.monotonic() - started, 3),
            },
        )
    return table


def findings_table_ensure() -> FindingsTable:
    """The stored table; computed here, once, if none was ever stored (a fresh installation).

    A transaction-level advisory lock makes concurrent first requests wait for
    one computation rather than each running their own.
    """
    stored = FindingsTable.objects.filter(pk=1).first()
    if stored is not None:
        return stored
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('findings_table_first'))")
        stored = FindingsTable.objects.filter(pk=1).first()
        if stored is not None:
            return stored
        return findings_table_refresh()


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
