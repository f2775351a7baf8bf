"""Renderers for non-JSON bodies: CSV of any table (``?format=csv``) and iCalendar feeds."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    # Which key of a JSON body holds the table; the first one present wins.
    table_keys = ("results", "figures", "points", "authorities")

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, dict) and "status" in data and "code" in data and "detail" in data:
            rows = [flatten(data)]  # an error still renders as one row rather than failing
        elif isinstance(data, list):
            rows = [flatten(item) for item in data]
        else:
            table = next((data[key] for key in self.table_keys if key in data), [data])
            rows = [flatten(item) for item in table]
        columns: list[str] = []
        for row in rows:
            columns.extend(key for key in row if key not in columns)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: safe_cell(row.get(key)) for key in columns})
        return buffer.getvalue().encode("utf-8")


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
