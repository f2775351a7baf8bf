"""The programme's findings by scenario as a page, on the programme host, once published.

The figures come from the same stored, disclosure-controlled table the public
API serves (``backend.findings.selectors.findings_table``), so the page shows
exactly what ``GET /api/v1/public/findings`` shows, and nothing before a
coordinator publishes them (docs/findings.md).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse

from backend.findings.dimensions import DIMENSIONS
from backend.findings.selectors import findings_published, findings_table
from web.errors import not_found_page
from web.pages import PublicPage, render_page, request_authority

TESTS = ("purposeful", "proportionate", "responsible")
DEFAULT_DIMENSION = "special_category"


def _row(row: dict[str, Any], label: str) -> dict[str, Any]:
    withheld = row.get("withheld") or {}
    return {
        "label": label,
        "respondents": row.get("respondents"),
        "proposals": row.get("proposals"),
        "authorities": row.get("authorities"),
        "net_acceptability": row.get("net_acceptability"),
        "gaps": [(row.get("gap") or {}).get(test) for test in TESTS],
        "withheld": bool(withheld),
    }


class FindingsPageView(PublicPage):
    """Net acceptability and the public-vs-officer gap by one scenario dimension."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if request_authority(request) is not None or not findings_published():
            return not_found_page(request)
        chosen = request.GET.get("by", "").strip() or DEFAULT_DIMENSION
        error = chosen not in DIMENSIONS
        if error:
            chosen = DEFAULT_DIMENSION
        dimension = DIMENSIONS[chosen]
        table = findings_table(by=[chosen])
        labels = dict(dimension.choices)
        rows = [
            _row(row, str(labels.get(row["cell"].get(chosen, ""), row["cell"].get(chosen, ""))))
            for row in table["results"]
        ]
        context = {
            "total": _row(table["total"], ""),
            "rows": rows,
            "dimensions": [(key, d.label) for key, d in DIMENSIONS.items()],
            "chosen": chosen,
            "dimension_label": dimension.label,
            "error": error,
            "computed_at": table["computed_at"],
            "csv_query": urlencode({"by": chosen, "format": "csv"}),
            "policy": table["policy"],
            "nav": "findings",
        }
        return render_page(
            request, "web/findings/table.html", context, status=400 if error else 200
        )
