"""Reads on accounts (public schema)."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.accounts.models import AccountEmail
from tenants.models import Authority


def account_email_list(*, authority: Authority) -> QuerySet[AccountEmail]:
    """The account emails an authority's admins caused; never another authority's."""
    return AccountEmail.objects.select_related("user").filter(authority=authority)
