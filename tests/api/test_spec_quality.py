"""The committed specs are ones a client generator (and the person reading them) can use.

These rules hold for every operation, so an endpoint added later is held to
them too: its operationId, summary, tag, enums and JSON fields are checked here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

from api.schema import SURFACES
from tests.api.committed_specs import committed_spec

OPENAPI = Path(settings.BASE_DIR) / "openapi"
CAMEL_CASE = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")
METHODS = {"get", "put", "post", "patch", "delete"}


def load(surface: str) -> dict[str, Any]:
    return committed_spec(surface)


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def walk(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Every schema object under ``node``, with a readable location."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}[{index}]")


def schemas_of(spec: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for name, schema in spec["components"]["schemas"].items():
        yield from walk(schema, f"components.schemas.{name}")
    for name, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            yield from walk(parameter.get("schema", {}), f"{name} ?{parameter['name']}")
        for code, response in operation.get("responses", {}).items():
            for media, body in response.get("content", {}).items():
                yield from walk(body.get("schema", {}), f"{name} {code} {media}")


SURFACE_NAMES = sorted(SURFACES)


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_servers_describe_host_routing(surface):
    spec = load(surface)
    urls = [server["url"] for server in spec["servers"]]
    if surface in {"authority", "public"}:
        assert any("{authority}" in url for url in urls), urls
    assert "<slug>.BASE_DOMAIN" in spec["info"]["description"]
    assert "Authorization: Token" in spec["info"]["description"]


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_every_operation_has_a_camel_case_unique_operation_id(surface):
    seen: dict[str, str] = {}
    for name, operation in operations(load(surface)):
        operation_id = operation.get("operationId", "")
        assert CAMEL_CASE.match(operation_id), f"{name}: operationId {operation_id!r}"
        assert operation_id not in seen, f"{name} and {seen.get(operation_id)}: {operation_id}"
        seen[operation_id] = name


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_every_operation_has_a_summary_description_and_a_defined_tag(surface):
    spec = load(surface)
    defined = {tag["name"]: tag.get("description") for tag in spec.get("tags", [])}
    for name, operation in operations(spec):
        assert operation.get("summary"), f"{name} has no summary"
        assert operation.get("description"), f"{name} has no description"
        assert operation.get("tags"), f"{name} has no tag"
        for tag in operation["tags"]:
            assert defined.get(tag), (
                f"{name}: tag {tag!r} has no description (add it to api.schema.TAG_DESCRIPTIONS)"
            )


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_every_enum_is_a_named_component(surface):
    spec = load(surface)
    unnamed = [
        where
        for where, schema in schemas_of(spec)
        if "enum" in schema and not re.fullmatch(r"components\.schemas\.\w+", where)
    ]
    assert not unnamed, f"inline enums (name them in ENUM_NAME_OVERRIDES): {unnamed}"


def _is_untyped(schema: dict[str, Any]) -> bool:
    if "$ref" in schema or "allOf" in schema or "oneOf" in schema or "anyOf" in schema:
        return False
    if "type" not in schema:
        return True
    if schema["type"] == "object":
        extra = schema.get("additionalProperties")
        if not schema.get("properties") and not isinstance(extra, dict):
            return True
        if isinstance(extra, dict) and _is_untyped(extra):
            return True
    return False


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_no_json_value_is_left_untyped(surface):
    """A schema without a type (or an object without fields) becomes `unknown` in a client."""
    untyped = []
    for where, schema in schemas_of(load(surface)):
        is_schema_position = re.search(
            r"(components\.schemas\.\w+|\.properties\.\w+|\.items|\.additionalProperties"
            r"| \d{3} [\w/+.-]+|\?\w+)$",
            where,
        )
        if is_schema_position and _is_untyped(schema):
            untyped.append(where)
    assert not untyped, f"untyped JSON: {untyped}"


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_error_component_is_api_error_and_every_error_uses_it(surface):
    spec = load(surface)
    assert "Error" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["ApiError"]["required"]) == {
        "status",
        "code",
        "detail",
    }
    for name, operation in operations(spec):
        for code, response in operation["responses"].items():
            if code[0] in "45":
                assert response["content"] == {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}
                }, f"{name} {code}"


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_csv_and_svg_are_text_with_their_own_media_type(surface):
    for name, operation in operations(load(surface)):
        ok = operation["responses"].get("200", {}).get("content", {})
        for media_type in ("text/csv", "image/svg+xml", "text/calendar"):
            if media_type in ok:
                assert ok[media_type]["schema"]["type"] == "string", name
        if "image/svg+xml" in ok or name.endswith("/export"):
            assert "application/json" not in ok, f"{name} also claims JSON"


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_one_pagination_shape(surface):
    spec = load(surface)
    shapes = set()
    for name, schema in spec["components"]["schemas"].items():
        if name.startswith("Paginated"):
            properties = dict(schema["properties"])
            properties.pop("results")
            shapes.add(yaml.safe_dump({"p": properties, "r": sorted(schema["required"])}))
    assert len(shapes) <= 1, shapes
    for name, operation in operations(spec):
        body = operation["responses"].get("200", {}).get("content", {}).get("application/json")
        if body and body["schema"].get("$ref", "").split("/")[-1].startswith("Paginated"):
            names = {p["name"] for p in operation.get("parameters", [])}
            assert {"page", "page_size"} <= names, name


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_request_bodies_are_json_except_file_uploads(surface):
    for name, operation in operations(load(surface)):
        content = operation.get("requestBody", {}).get("content", {})
        if "multipart/form-data" in content:
            schema_ref = content["multipart/form-data"]["schema"]["$ref"]
            assert "Import" in schema_ref, f"{name} advertises multipart"
            continue
        assert set(content) <= {"application/json"}, f"{name}: {sorted(content)}"


# Fields and filters that take a person: they take a user id, which only the members list
# gives a frontend (as `user_id`), so the spec must send the reader there.
USER_FIELDS = {"owner", "facilitator", "assessor", "reviewer", "user", "user_id"}


def test_every_field_that_takes_a_user_names_the_members_list():
    spec = load("authority")
    schemas = spec["components"]["schemas"]
    places = [
        (f"{name}.{field}", prop)
        for name, schema in schemas.items()
        if name.endswith("Request")
        for field, prop in schema.get("properties", {}).items()
        if field in USER_FIELDS
    ]
    places += [
        (f"{where} ?{parameter['name']}", parameter)
        for where, operation in operations(spec)
        for parameter in operation.get("parameters", [])
        if parameter["name"] in USER_FIELDS
    ]
    assert {"ProposalWriteRequest.owner", "ConsultationCreateRequest.facilitator"} <= {
        place for place, _ in places
    }
    for place, described in places:
        description = described.get("description", "")
        assert "user_id" in description and "/api/v1/members" in description, place


def test_the_members_list_gives_user_id_name_and_email():
    member = load("authority")["components"]["schemas"]["Member"]
    assert {"user_id", "full_name", "email"} <= set(member["required"])
