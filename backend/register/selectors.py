"""Reads on the public register."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.register.models import RegisterEntry
from tenants.models import Authority


def register_entry_list(*, authority: Authority | None = None) -> QuerySet[RegisterEntry]:
    """Published entries: one authority's (its own host), or programme-wide.

    Every published entry is listed programme-wide too: the authority made it
    public on its own host, so hiding it here would protect nothing. Consent to
    be named governs the benchmark comparison, not the register.
    """
    entries = RegisterEntry.objects.select_related("authority")
    if authority is not None:
        return entries.filter(authority=authority)
    return entries
