"""Spec and offline docs UI for the surfaces a host serves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import path
from django.utils import translation
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import SURFACES

# (urlconf, title, API version, language) → the generated spec, for the process's life.
_SCHEMAS: dict[tuple[str, str, str | None, str], dict[str, Any]] = {}
# (id of a cached spec, renderer, media type) → (that spec, its rendered bytes).
_RENDERED: dict[tuple[int, type, str | None], tuple[dict[str, Any], bytes]] = {}


def schema_cache_clear() -> None:
    _SCHEMAS.clear()
    _RENDERED.clear()


class _RenderedOnce:
    """A renderer that keeps its rendering of a cached spec (a YAML dump of a whole spec
    takes about 0.3 s of CPU). Only cached specs with a plain media type are kept, so
    neither error bodies nor Accept parameters (``indent=``) can grow the cache."""

    media_type: str

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        def rendered() -> bytes:
            body = super(_RenderedOnce, self).render(  # type: ignore[misc]
                data, accepted_media_type, renderer_context
            )
            return body.encode() if isinstance(body, str) else bytes(body)

        cacheable = accepted_media_type in {None, self.media_type} and any(
            data is schema for schema in _SCHEMAS.values()
        )
        if not cacheable:
            return rendered()
        key = (id(data), type(self), accepted_media_type)
        kept = _RENDERED.get(key)
        if kept is None or kept[0] is not data:
            kept = _RENDERED[key] = (data, rendered())
        return kept[1]


class _Yaml(_RenderedOnce, OpenApiYamlRenderer):
    pass


class _Yaml2(_RenderedOnce, OpenApiYamlRenderer2):
    pass


class _Json(_RenderedOnce, OpenApiJsonRenderer):
    pass


class _Json2(_RenderedOnce, OpenApiJsonRenderer2):
    pass


# Read-only: the HTML views have no template for OPTIONS and would answer 500.
class SchemaView(SpectacularAPIView):
    """A surface's spec, generated once per process for each API version and language.

    Generating walks every view and serializer of the surface (about 0.6 s of CPU), and
    the spec changes only with the code, which a new process loads; the spec endpoints
    are public, so generating on every request would also let anyone spend that much of
    a server's CPU per request. The key is bounded: languages outside LANGUAGES share
    the default language's entry (they have no catalogue, so the text is the same).
    """

    http_method_names = ["get", "head"]
    renderer_classes = [_Yaml, _Yaml2, _Json, _Json2]

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        key = (str(self.urlconf), str(spectacular_settings.TITLE), version, language)
        schema = _SCHEMAS.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = _SCHEMAS[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=schema,
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )


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
