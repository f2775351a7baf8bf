"""Reads: the findings table for one or two dimensions, as anyone outside an authority sees it.

Reads the stored ``FindingsTable`` only (computed by the ``findings.refresh_table``
task after the facts change): a request costs one small query, whatever the
size of the programme. Every query answers from the same stored decision about
which cells are withheld.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.findings.cube import TOTAL, published_cells
from backend.findings.dimensions import DIMENSIONS
from backend.findings.models import FindingsPublication, FindingsTable
from backend.findings.services import findings_table_ensure
from backend.findings.table import cell_name


@dataclass(frozen=True)
class Stored:
    """The stored table as this process last loaded it."""

    version: str
    computed_at: datetime
    cells: dict[str, Any]
    policy: dict[str, int]
    facts_computed_at: datetime | None


_lock = threading.Lock()
_loaded: dict[tuple[str, datetime], Stored] = {}


def _stored_table() -> Stored:
    """The stored table; its cells are parsed once per process per computation."""
    head = FindingsTable.objects.filter(pk=1).values_list("facts_version", "computed_at").first()
    if head is not None:
        with _lock:
            found = _loaded.get(head)
        if found is not None:
            return found
    table = findings_table_ensure()
    stored = Stored(
        version=table.facts_version,
        computed_at=table.computed_at,
        cells=table.cells,
        policy=table.policy,
        facts_computed_at=table.facts_computed_at,
    )
    with _lock:
        _loaded.clear()  # only the latest table is ever asked for again
        _loaded[(stored.version, stored.computed_at)] = stored
    return stored


def findings_table(*, by: Sequence[str]) -> dict[str, Any]:
    """Net acceptability and the gap by one dimension or a pair, with the programme total.

    ``by`` holds one or two distinct keys of ``DIMENSIONS`` (the API validates them).
    """
    stored = _stored_table()
    return {
        "by": list(by),
        "total": stored.cells[cell_name(TOTAL)],
        "results": [stored.cells[cell_name(cell)] for cell in published_cells(list(by))],
        "facts_computed_at": stored.facts_computed_at,
        "computed_at": stored.computed_at,
        "version": stored.version,
        "policy": stored.policy,
    }


def findings_dimensions() -> list[dict[str, Any]]:
    """The catalogue of dimensions and their values, for clients building a query."""
    return [
        {
            "key": dimension.key,
            "name": dimension.label,
            "multi_valued": dimension.multi_valued,
            "values": [{"value": value, "name": label} for value, label in dimension.choices],
        }
        for dimension in DIMENSIONS.values()
    ]


def findings_published() -> bool:
    """Whether a coordinator has published the findings (off when never set)."""
    return FindingsPublication.objects.filter(pk=1, published=True).exists()
