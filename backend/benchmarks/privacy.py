"""Who sees which names in the comparison: pseudonyms and display names.

Which figures and attributes anyone may see is decided by ``backend.disclosure``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from backend.benchmarks.models import Pseudonym
from tenants.models import Authority

PSEUDONYM_SPACE = 9000


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a coordinator sees names; an authority sees only itself named."""

    sees_all_names: bool
    own_authority_id: int | None = None


def pseudonym_for(authority: Authority) -> str:
    """The authority's stable pseudonym, drawn at random the first time it is needed."""
    existing = (
        Pseudonym.objects.filter(authority=authority).values_list("number", flat=True).first()
    )
    if existing is not None:
        return f"Authority {existing}"
    while True:
        number = 100 + secrets.randbelow(PSEUDONYM_SPACE)
        try:
            with transaction.atomic():
                Pseudonym.objects.create(authority=authority, number=number)
            return f"Authority {number}"
        except IntegrityError:
            # Either the number is taken (draw again) or another process just gave
            # this authority its pseudonym (use it).
            existing = (
                Pseudonym.objects.filter(authority=authority)
                .values_list("number", flat=True)
                .first()
            )
            if existing is not None:
                return f"Authority {existing}"


def display_name(
    authority: Authority, viewer: Viewer, pseudonyms: dict[int, int]
) -> dict[str, Any]:
    """Name and slug when the viewer may see them; otherwise only the pseudonym."""
    named = (
        viewer.sees_all_names
        or authority.consents_to_be_named
        or authority.pk == viewer.own_authority_id
    )
    label = f"Authority {pseudonyms[authority.pk]}"
    if named:
        return {"name": authority.name, "slug": authority.schema_name, "pseudonym": label}
    return {"name": label, "slug": None, "pseudonym": label}
