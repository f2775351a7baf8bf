"""Spec and offline docs UI for the surfaces a host serves."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.schema import SURFACES


# Read-only: the HTML views have no template for OPTIONS and would answer 500.
class SchemaView(SpectacularAPIView):
    http_method_names = ["get", "head"]


class SwaggerView(SpectacularSwaggerView):
    http_method_names = ["get", "head"]


class RedocView(SpectacularRedocView):
    http_method_names = ["get", "head"]


def docs_urls(main_surface: str) -> list:
    """Every host serves every spec, so a frontend fetches them all from one place."""
    patterns = []
    for surface in SURFACES:
        patterns += [
            path(
                f"api/schema/{surface}.yaml",
                SchemaView.as_view(
                    urlconf=SURFACES[surface], custom_settings={"TITLE": f"{surface} API"}
                ),
                name=f"schema-{surface}",
            ),
            path(
                f"api/docs/{surface}/",
                SwaggerView.as_view(url_name=f"schema-{surface}"),
                name=f"swagger-{surface}",
            ),
            path(
                f"api/redoc/{surface}/",
                RedocView.as_view(url_name=f"schema-{surface}"),
                name=f"redoc-{surface}",
            ),
        ]
    patterns.append(
        path("api/docs/", SwaggerView.as_view(url_name=f"schema-{main_surface}"), name="swagger")
    )
    return patterns
