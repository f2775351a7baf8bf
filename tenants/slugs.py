"""Rules for authority slugs, which are both a PostgreSQL schema name and a host label."""

from __future__ import annotations

import re

SLUG_MIN_LENGTH = 3
SLUG_MAX_LENGTH = 40
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = frozenset(
    {
        "public",
        "information_schema",
        "admin",
        "api",
        "www",
        "static",
        "media",
        "mail",
        "programme",
        "default",
        "template",
        "localhost",
        "postgres",
    }
)


def slug_problems(slug: str) -> list[str]:
    """Every reason ``slug`` cannot name a new authority; empty when it can."""
    problems: list[str] = []
    lowered = slug.lower()
    if lowered in RESERVED_SLUGS or lowered.startswith("pg_") or lowered.startswith("pg-"):
        problems.append(
            f"'{slug}' is reserved (reserved: {', '.join(sorted(RESERVED_SLUGS))}, and any "
            "name starting with pg_)."
        )
    if not SLUG_MIN_LENGTH <= len(slug) <= SLUG_MAX_LENGTH:
        problems.append(
            f"A slug has {SLUG_MIN_LENGTH} to {SLUG_MAX_LENGTH} characters; this one has "
            f"{len(slug)}."
        )
    if not SLUG_PATTERN.match(slug):
        problems.append(
            "A slug uses lower-case letters a-z, digits and single hyphens, starts with a "
            "letter and does not end with a hyphen (it becomes the host name "
            "<slug>.<base domain> and the schema name)."
        )
    return problems
