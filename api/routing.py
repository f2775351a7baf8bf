"""Host-based routing: ``<slug>.<BASE_DOMAIN>`` → an authority, ``BASE_DOMAIN`` → the programme.

Replaces django-tenants' TenantMainMiddleware so that an unknown host gets the
JSON 404 of the error shape, and never falls back to the public schema.
Host → authority lookups are cached in-process for TENANT_HOST_CACHE_SECONDS, at
most TENANT_HOST_CACHE_SIZE hosts (unknown hosts included), least recently used
first out; in-process, so an unreachable Redis does not affect routing.

Django's own host validation (``ALLOWED_HOSTS``, derived from BASE_DOMAIN)
would answer an HTML 400 page; this middleware runs before anything calls
``request.get_host()`` and answers every host it does not serve, including
one outside ``ALLOWED_HOSTS``, with the JSON 404 ``unknown_host``. With the
database unreachable the lookup answers the JSON 503 ``service_unavailable``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import validate_host
from django.urls import set_urlconf

from api.errors import error_response
from api.unavailable import DATABASE_UNAVAILABLE, unavailable_answer
from tenants.context import use_authority_schema, use_public_schema
from tenants.models import Authority, Domain
from tenants.ttl_cache import TTLCache

_cache: TTLCache[str, Authority | None] = TTLCache(
    seconds=settings.TENANT_HOST_CACHE_SECONDS, size=settings.TENANT_HOST_CACHE_SIZE
)


def host_cache_clear() -> None:
    _cache.clear()


def request_hostname(request: HttpRequest) -> str:
    host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    host = host.strip().lower().rstrip(".")
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def authority_for_host(hostname: str) -> Authority | None:
    found, authority = _cache.get(hostname)
    if found:
        return authority
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    authority = domain.tenant if domain else None
    _cache.put(hostname, authority)
    return authority


class AuthorityHostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        use_public_schema()
        hostname = request_hostname(request)
        try:
            if hostname == settings.BASE_DOMAIN:
                request.tenant = None  # type: ignore[attr-defined]
                request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            else:
                authority = None
                if validate_host(hostname, settings.ALLOWED_HOSTS):
                    try:
                        authority = authority_for_host(hostname)
                    except DATABASE_UNAVAILABLE as exc:
                        return unavailable_answer(request, exc)
                if authority is None:
                    return error_response(
                        404,
                        "unknown_host",
                        f"No authority is served at '{hostname}'. Authority hosts are "
                        f"<slug>.{settings.BASE_DOMAIN}; the programme is at "
                        f"{settings.BASE_DOMAIN}.",
                    )
                request.tenant = authority  # type: ignore[attr-defined]
                use_authority_schema(authority)
                request.urlconf = settings.ROOT_URLCONF
            set_urlconf(request.urlconf)
            return self.get_response(request)
        finally:
            # A pooled connection must never carry one request's schema into the next.
            use_public_schema()
