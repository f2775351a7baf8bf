"""Per-request context, one log line and one latency sample per request, ``/metrics``.

``RequestContextMiddleware`` goes first in MIDDLEWARE: it gives the request an id
(the caller's ``X-Request-ID`` when it is a plain id), answers ``/metrics`` before
host routing (like the health checks), and after the response records the surface and
the URL pattern's name, never the path: invitation paths carry residents' tokens.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from backend.observability import context, metrics

logger = logging.getLogger("publicbenefit.request")

SURFACES = ("public", "authority", "programme", "other")


def surface_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", "") or ""
    if route.startswith("api/v1/public/") or route.startswith("public/"):
        return "public"
    if not route.startswith("api/"):
        return "other"
    return "programme" if getattr(request, "tenant", None) is None else "authority"


def view_of(request: HttpRequest) -> str:
    """The URL pattern's name: bounded (a fixed set), and never carries a token or id."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.url_name or "unnamed"


def metrics_response(request: HttpRequest) -> HttpResponse:
    """``/metrics`` for Prometheus, only with ``Authorization: Bearer $METRICS_TOKEN``.

    Without METRICS_TOKEN the endpoint does not exist (404): metrics reveal activity
    across authorities, so they are never public by default.
    """
    from api.errors import error_response

    expected = os.environ.get("METRICS_TOKEN", "")
    if not expected:
        return error_response(404, "not_found", "Not found.")
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return error_response(401, "not_authenticated", "A metrics token is needed.")
    body, content_type = metrics.render()
    return HttpResponse(body, content_type=content_type)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = context.accepted_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        with context.bound(request_id=request_id, authority=None, user_id=None):
            if request.path.rstrip("/") == "/metrics":
                return metrics_response(request)
            started = time.perf_counter()
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            tenant = getattr(request, "tenant", None)
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            surface, view = surface_of(request), view_of(request)
            with context.bound(authority=getattr(tenant, "schema_name", None), user_id=user_id):
                logger.info(
                    "%s %s %s %.0fms",
                    request.method,
                    view,
                    response.status_code,
                    elapsed * 1000,
                    extra={
                        "event": "request",
                        "surface": surface,
                        "view": view,
                        "method": request.method,
                        "status": response.status_code,
                        "duration_ms": round(elapsed * 1000, 1),
                    },
                )
            metrics.observe_request(
                surface=surface,
                view=view,
                method=request.method or "GET",
                status=response.status_code,
                seconds=elapsed,
            )
            response["X-Request-ID"] = request_id
            return response
