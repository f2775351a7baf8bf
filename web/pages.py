"""How every public page is rendered: language, shared context and protective headers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views import View

from api.base import PublicAccess
from tenants.models import Authority


def page_language(request: HttpRequest) -> str:
    """The visitor's language when the site offers it (settings.LANGUAGES), else the default."""
    return translation.get_language_from_request(request) or settings.LANGUAGE_CODE


def request_authority(request: HttpRequest) -> Authority | None:
    tenant = getattr(request, "tenant", None)
    return tenant if isinstance(tenant, Authority) else None


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    personal: bool = False,
) -> HttpResponse:
    """Render in the visitor's language; ``personal`` pages are never cached or indexed.

    A personal page's URL carries the resident's token, so it must not leak
    through the Referer header to the sites it links to, nor sit in a cache.
    ``same-origin``, not ``no-referrer``: with no referrer at all, browsers
    send ``Origin: null`` on the form's POST and the CSRF check refuses it.
    """
    authority = request_authority(request)
    with translation.override(page_language(request)):
        response = render(
            request,
            template,
            {"authority": authority, **(context or {})},
            status=status,
        )
    response["Content-Language"] = page_language(request)
    if personal:
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class PublicPage(PublicAccess, View):
    """Base of every public page: no account, like the public API (api.base.PublicAccess).

    The access base's DRF permission attributes do not apply to a plain
    Django view; what matters is that anyone may read these pages, and that
    the tenant walk in tests/api/test_isolation.py can classify them.
    """
