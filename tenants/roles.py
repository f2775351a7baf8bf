"""Roles and what each may do. The README's role matrix is this module in prose."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    # Authority roles: held in one authority.
    ADMIN = "admin", "Admin"
    OFFICER = "officer", "Officer"
    FACILITATOR = "facilitator", "Facilitator"
    VIEWER = "viewer", "Viewer"
    # Programme roles: held for the whole programme (the coordinating charity).
    COORDINATOR = "coordinator", "Coordinator"
    OBSERVER = "observer", "Observer"


AUTHORITY_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.OFFICER, Role.FACILITATOR, Role.VIEWER}
)
PROGRAMME_ROLES: frozenset[str] = frozenset({Role.COORDINATOR, Role.OBSERVER})

# Common sets, named for what they allow.
ANY_MEMBER: frozenset[str] = AUTHORITY_ROLES
CASEWORKERS: frozenset[str] = frozenset({Role.ADMIN, Role.OFFICER})
ENGAGEMENT_STAFF: frozenset[str] = frozenset({Role.ADMIN, Role.OFFICER, Role.FACILITATOR})
ADMINS: frozenset[str] = frozenset({Role.ADMIN})
ANY_PROGRAMME_ROLE: frozenset[str] = PROGRAMME_ROLES
COORDINATORS: frozenset[str] = frozenset({Role.COORDINATOR})

AUTHORITY_ROLE_CHOICES: list[tuple[str, str]] = [
    (role.value, role.label) for role in Role if role.value in AUTHORITY_ROLES
]
