"""Error pages of the public pages, and the CSRF failure page for their forms."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse

from api.errors import csrf_failure_view as api_csrf_failure_view
from web.pages import render_page

PAGE_PREFIXES = ("/consultations/", "/register/")


def not_found_page(request: HttpRequest) -> HttpResponse:
    return render_page(request, "web/errors/not_found.html", status=404, personal=True)


def too_many_requests_page(request: HttpRequest, wait: float) -> HttpResponse:
    seconds = max(1, math.ceil(wait))
    response = render_page(
        request,
        "web/errors/too_many_requests.html",
        {"seconds": seconds},
        status=429,
        personal=True,
    )
    response["Retry-After"] = str(seconds)
    return response


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A page for a resident whose form expired; the API keeps its JSON error."""
    if request.path.startswith(PAGE_PREFIXES):
        return render_page(request, "web/errors/form_expired.html", status=403, personal=True)
    return api_csrf_failure_view(request, reason)
