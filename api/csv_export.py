"""The one place that writes CSV: quoting, a byte-order mark, and no formulas.

Every CSV the API serves (the proposals export, the benchmark tables through
``api.renderers.CSVRenderer``) goes through here, so they all:

- start with a UTF-8 byte-order mark, so Excel reads £ and é correctly (other
  tools ignore it; ``?bom=0`` leaves it out for tools that do not);
- prefix text that a spreadsheet would run as a formula (``= + - @``, tab, CR)
  with ``'`` (CSV injection);
- write empty cells for nulls and the header row first, in a fixed column order
  documented in docs/api.md#csv.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would evaluate gets a leading quote; None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def wants_bom(request: Any) -> bool:
    """True unless the client asked for ``?bom=0``."""
    params = getattr(request, "query_params", None) or getattr(request, "GET", {})
    return str(params.get("bom", "1")).lower() not in {"0", "false", "no"}


def csv_stream(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> Iterator[str]:
    """Each row (the header row first) as one CSV line, for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write(BOM)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_text(rows: Iterable[dict[str, Any]], *, columns: Sequence[str], bom: bool = True) -> str:
    """A whole CSV document of dict rows: a header of ``columns``, then their values."""
    lines: list[list[Any]] = [list(columns)]
    lines += ([row.get(key) for key in columns] for row in rows)
    return "".join(csv_stream(lines, bom=bom))
