"""Reads on the public register."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.register.models import RegisterEntry
from tenants.models import Authority


def register_entry_list(*, authority: Authority | None = None) -> QuerySet[RegisterEntry]:
    """Published entries: one authority's (its own host), or programme-wide.

    Programme-wide lists only authorities that agreed to be named in the
    programme, as the public directory does; an authority's own host always
    lists its own entries.
    """
    entries = RegisterEntry.objects.select_related("authority")
    if authority is not None:
        return entries.filter(authority=authority)
    return entries.filter(authority__consents_to_be_named=True)
