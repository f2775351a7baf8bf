"""Reads on the public register."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.register.models import RegisterEntry
from tenants.models import Authority


def register_entry_list(*, authority: Authority | None = None) -> QuerySet[RegisterEntry]:
    """Published entries, all authorities' (programme host) or one authority's (its host)."""
    entries = RegisterEntry.objects.select_related("authority")
    if authority is not None:
        entries = entries.filter(authority=authority)
    return entries
