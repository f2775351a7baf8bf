"""Reads on decisions."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.decisions.models import Decision
from tenants.context import require_authority_schema


def decision_list() -> QuerySet[Decision]:
    require_authority_schema()
    return Decision.objects.select_related("proposal", "decided_by")
