"""Renderers for non-JSON bodies: CSV of any table (``?format=csv``) and iCalendar feeds."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer

from api.csv_export import csv_text, wants_bom


def flatten(item: Any, prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}} → {"a.b": 1}; lists of scalars are joined with '; '."""
    out: dict[str, Any] = {}
    if isinstance(item, dict):
        for key, value in item.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(item, list):
        out[prefix] = "; ".join(str(v) for v in item)
    else:
        out[prefix] = item
    return out


def default_columns(rows: list[dict[str, Any]], first: dict[str, Any]) -> list[str]:
    """Columns in the order of the first item's fields; a nested object's keys sorted.

    Sorting the keys of nested objects keeps the order fixed when rows (or calls) carry
    different keys. Views whose rows vary declare ``csv_columns`` instead.
    """
    order = {key: index for index, key in enumerate(first)}
    keys = {key for row in rows for key in row}
    return sorted(keys, key=lambda k: (order.get(k.split(".")[0], len(order)), k))


class CSVRenderer(BaseRenderer):
    """Any table as CSV, through api.csv_export (BOM, formula guard, fixed columns).

    A view may fix its columns with ``csv_columns``: a list of dotted keys, or a function
    of the flattened rows that returns one.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    # Which key of a JSON body holds the table; the first one present wins.
    table_keys = ("results", "figures", "points", "authorities")

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        context = renderer_context or {}
        if isinstance(data, list):
            table = data
        elif isinstance(data, dict):
            table = next((data[key] for key in self.table_keys if key in data), [data])
        else:
            table = [data]
        rows = [flatten(item) for item in table]
        columns = getattr(context.get("view"), "csv_columns", None)
        if callable(columns):
            columns = columns(rows)
        if not columns:
            columns = default_columns(
                rows, table[0] if table and isinstance(table[0], dict) else {}
            )
        request = context.get("request")
        bom = wants_bom(request) if request is not None else True
        return csv_text(rows, columns=columns, bom=bom).encode("utf-8")


class CalendarRenderer(BaseRenderer):
    """Lets calendar apps that ask for text/calendar through content negotiation.

    Feeds are returned as ready-made responses; this only renders what DRF
    itself produces on those views (the JSON error shape).
    """

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()
