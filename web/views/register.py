"""The transparency register as pages: on an authority's host its entries, programme-wide
on the programme host.

Entries come from the API's own selector and filter set, and each is shown
from the API serializer's output, so the page shows exactly what the API's
allow-list shows (and whatever disclosure control that path applies).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from api.public.register import RegisterEntryFilterSet, RegisterEntrySerializer
from backend.register.selectors import register_entry_list
from web.errors import not_found_page
from web.labels import ACCEPTABILITY_SHARES, OUTCOMES, SERVICE_AREAS
from web.pages import PublicPage, render_page, request_authority

PAGE_SIZE = 25
FILTERS = ("service_area", "outcome", "decided_from", "decided_to")


class RegisterListView(PublicPage):
    """Published decisions, newest first, filtered by service area, outcome and date."""

    def get(self, request: HttpRequest) -> HttpResponse:
        entries = register_entry_list(authority=request_authority(request))
        given = {name: request.GET.get(name, "").strip() for name in FILTERS}
        filterset = RegisterEntryFilterSet(
            data={name: value for name, value in given.items() if value}, queryset=entries
        )
        valid = filterset.is_valid()
        errors = {name: [str(e) for e in errs] for name, errs in filterset.errors.items()}
        paginator = Paginator(filterset.qs if valid else entries.none(), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        query = urlencode({name: value for name, value in given.items() if value})
        context: dict[str, Any] = {
            "entries": RegisterEntrySerializer(list(page.object_list), many=True).data,
            "page": page,
            "paginator": paginator,
            "query": query,
            "filters": given,
            "errors": errors,
            "service_areas": SERVICE_AREAS,
            "outcomes": OUTCOMES,
            "filtered": any(given.values()),
            "date_filters": [
                ("decided_from", _("Decided on or after"), given["decided_from"]),
                ("decided_to", _("Decided on or before"), given["decided_to"]),
            ],
            "nav": "register",
        }
        return render_page(request, "web/register/list.html", context, status=200 if valid else 400)


class RegisterEntryView(PublicPage):
    """One published decision: every field the API's register entry has, and nothing else."""

    def get(self, request: HttpRequest, entry_id: str) -> HttpResponse:
        entry = (
            register_entry_list(authority=request_authority(request))
            .filter(entry_id=entry_id)
            .first()
        )
        if entry is None:
            return not_found_page(request)
        return render_page(
            request,
            "web/register/entry.html",
            {
                "entry": RegisterEntrySerializer(entry).data,
                "nav": "register",
                # Stored figures are JSON objects, whose key order PostgreSQL does not keep.
                "acceptability_order": list(ACCEPTABILITY_SHARES)[::-1],
                "test_order": ["purposeful", "proportionate", "responsible"],
            },
        )
