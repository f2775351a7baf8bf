"""The committed specs are the generated ones, and they are valid OpenAPI."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from openapi_spec_validator import validate

from api.management.commands.export_openapi import render
from api.schema import SURFACES
from tests.api.committed_specs import committed_spec, parse_yaml

OPENAPI = Path(settings.BASE_DIR) / "openapi"


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_committed_spec_equals_generated(surface):
    committed = (OPENAPI / f"{surface}.yaml").read_text()
    assert committed == render(surface), (
        f"openapi/{surface}.yaml is stale: run `python3 deploy/dev.py export_openapi`"
    )


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_spec_is_valid_and_documents_the_error_shape(surface):
    spec = committed_spec(surface)
    validate(spec)
    assert set(spec["components"]["schemas"]["ApiError"]["required"]) == {
        "status",
        "code",
        "detail",
    }
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert "404" in operation["responses"], f"{method} {path} has no documented 404"


@pytest.mark.parametrize(
    ("surface", "path", "method"),
    [
        ("authority", "/api/v1/auth/login", "post"),
        ("public", "/api/v1/public/invitations/{token}", "get"),
        ("public", "/api/v1/public/open-surveys/{token}", "post"),
        ("public", "/api/v1/public/calendars/{token}", "get"),
    ],
)
def test_rate_limited_operations_document_their_429(surface, path, method):
    spec = committed_spec(surface)
    response = spec["paths"][path][method]["responses"]["429"]
    assert response["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiError"
    }


def test_unthrottled_operations_do_not_document_a_429():
    spec = committed_spec("authority")
    assert "429" not in spec["paths"]["/api/v1/proposals"]["post"]["responses"]


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/members", "post"),
        ("/api/v1/members/{id}", "patch"),
        ("/api/v1/members/{id}", "delete"),
    ],
)
def test_member_conflicts_are_documented(path, method):
    spec = committed_spec("authority")
    assert "409" in spec["paths"][path][method]["responses"]


def test_swagger_ui_is_served_offline(anonymous):
    response = anonymous(None).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_every_host_serves_every_spec(anonymous, authority_a, surface):
    for host in (None, authority_a):
        response = anonymous(host).get(f"/api/schema/{surface}.yaml")
        assert response.status_code == 200
        spec = parse_yaml(response.content)
        assert spec["servers"], f"{surface} served without servers"


def test_api_root_lists_the_links_of_each_host(anonymous, authority_a):
    programme = anonymous(None).get("/api/v1/")
    assert programme.status_code == 200
    body = programme.json()
    assert body["surface"] == "programme" and body["authority"] is None
    assert body["links"]["authorities"].endswith("/api/v1/authorities")
    assert "proposals" not in body["links"]
    authority = anonymous(authority_a).get("/api/v1/").json()
    assert authority["surface"] == "authority"
    assert authority["authority"] == authority_a.schema_name
    assert authority["links"]["proposals"].endswith("/api/v1/proposals")
    assert authority["links"]["proposals/export"].endswith("/api/v1/proposals/export")
    assert "authorities" not in authority["links"]
    assert set(authority["specs"]) == set(SURFACES)
    for url in authority["links"].values():
        assert anonymous(authority_a).get(urlsplit(url).path).status_code != 404, url


def test_a_spec_is_generated_once_per_process_and_language(anonymous, authority_a):
    from unittest import mock

    from drf_spectacular.generators import SchemaGenerator

    from backend.urls_docs import schema_cache_clear

    schema_cache_clear()
    with mock.patch.object(
        SchemaGenerator, "get_schema", autospec=True, side_effect=SchemaGenerator.get_schema
    ) as generate:
        first = anonymous(None).get("/api/schema/public.yaml")
        again = anonymous(authority_a).get("/api/schema/public.yaml")
        # A language without a catalogue shares the default's entry (a bounded cache).
        unknown = anonymous(None).get("/api/schema/public.yaml", {"lang": "zz-unknown"})
        other = anonymous(None).get("/api/schema/authority.yaml")
    assert [r.status_code for r in (first, again, unknown, other)] == [200] * 4
    assert first.content == again.content == unknown.content
    served, served_other = parse_yaml(first.content), parse_yaml(other.content)
    assert served["info"]["title"] == "public API"
    assert served["paths"] == committed_spec("public")["paths"]
    assert served_other["paths"] == committed_spec("authority")["paths"]
    assert generate.call_count == 2  # public once, authority once


def test_a_cached_spec_is_rendered_once_per_format(anonymous):
    from unittest import mock

    from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer

    from backend.urls_docs import schema_cache_clear

    schema_cache_clear()
    client = anonymous(None)
    with (
        mock.patch.object(
            OpenApiYamlRenderer, "render", autospec=True, side_effect=OpenApiYamlRenderer.render
        ) as yaml_render,
        mock.patch.object(
            OpenApiJsonRenderer, "render", autospec=True, side_effect=OpenApiJsonRenderer.render
        ) as json_render,
    ):
        yaml_bodies = [client.get("/api/schema/public.yaml").content for _ in range(3)]
        json_type = "application/vnd.oai.openapi+json"
        json_bodies = [
            client.get("/api/schema/public.yaml", HTTP_ACCEPT=json_type).content for _ in range(2)
        ]
        # Accept parameters change the rendering and are not kept: rendered each time.
        indented = [
            client.get("/api/schema/public.yaml", HTTP_ACCEPT=f"{json_type}; indent=1").content
            for _ in range(2)
        ]
    assert yaml_render.call_count == 1 and len(set(yaml_bodies)) == 1
    assert json_render.call_count == 1 + 2 and len(set(json_bodies)) == 1
    assert parse_yaml(yaml_bodies[0]) == json.loads(json_bodies[0])
    assert indented[0] == indented[1] != json_bodies[0]
