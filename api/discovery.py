"""``GET /api/v1/`` on every host: the links that host serves, its specs and its docs.

Built from the host's own URL patterns, so an endpoint added later is listed
without editing this module. Only routes without path parameters are listed.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.urls import URLPattern, URLResolver, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import PublicAPIView
from api.schema import SURFACES

_PARAMETER = re.compile(r"\(\?P<|<")


class ApiRootSerializer(serializers.Serializer[Any]):
    surface = serializers.ChoiceField(
        choices=["programme", "authority"], help_text="Which API this host serves."
    )
    authority = serializers.CharField(
        allow_null=True,
        help_text="The slug of the authority this host serves; null on the programme host.",
    )
    links = serializers.DictField(
        child=serializers.URLField(), help_text="Route → absolute URL, for routes without ids."
    )
    specs = serializers.DictField(
        child=serializers.URLField(), help_text="Surface → URL of its OpenAPI spec (YAML)."
    )
    docs = serializers.URLField(help_text="Interactive documentation (Swagger UI).")


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    routes: list[str] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route and not _PARAMETER.search(route):
            routes.append(route)
    return routes


class ApiRootView(PublicAPIView):
    """The links this host serves: start here."""

    patterns: ClassVar[list[Any]] = []

    # Left out of the specs: they describe the API, this only points at it (and its
    # trailing slash is one that spectral's path-keys-no-trailing-slash rule refuses).
    @extend_schema(responses={200: ApiRootSerializer}, exclude=True)
    def get(self, request: Request) -> Response:
        tenant = getattr(request._request, "tenant", None)
        base = request.build_absolute_uri("/api/v1/")
        body = {
            "surface": "authority" if tenant is not None else "programme",
            "authority": getattr(tenant, "schema_name", None),
            "links": {route: base + route for route in sorted(set(_routes(self.patterns)))},
            "specs": {
                surface: request.build_absolute_uri(f"/api/schema/{surface}.yaml")
                for surface in SURFACES
            },
            "docs": request.build_absolute_uri(reverse("swagger")),
        }
        return Response(body)
