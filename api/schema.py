"""OpenAPI: the error shape on every operation, and one spec per surface."""

from __future__ import annotations

from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema

SURFACES = {
    "programme": "api.surfaces.programme",
    "authority": "api.surfaces.authority",
    "public": "api.surfaces.public",
}

SURFACE_DESCRIPTIONS = {
    "programme": (
        "Served on the programme host (BASE_DOMAIN, e.g. http://localhost:8000). For the "
        "coordinating charity: coordinators manage the programme, observers read it."
    ),
    "authority": (
        "Served on each authority's host (<slug>.BASE_DOMAIN, e.g. "
        "http://demo.localhost:8000). Every endpoint needs a member of that authority "
        "with a role the action allows."
    ),
    "public": (
        "No account needed. Served on the programme host (programme-wide) and on each "
        "authority host (that authority only)."
    ),
}

ERROR_RESPONSES = {
    "400": "Invalid input: see `fields`.",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "Signed in, but not allowed: see `code`.",
    "404": "Not found, or not on this host.",
}


# Mirrors api.errors.ErrorSerializer for surfaces where no view names it explicitly.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The one error shape of every 4xx and 5xx response.",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status code, repeated."},
        "code": {"type": "string", "description": "A stable machine-readable code."},
        "detail": {"type": "string", "description": "A sentence for people."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Field name → messages, for validation errors. Nested fields use dots.",
        },
        "context": {
            "type": "object",
            "additionalProperties": {},
            "description": "Extra facts, e.g. the allowed transitions for a 409.",
        },
    },
    "required": ["status", "code", "detail"],
}


ERROR_REF = {"$ref": "#/components/schemas/Error"}


class RateLimitedAutoSchema(AutoSchema):
    """Documents the 429 that a view with throttle classes can answer.

    Only a few views are rate limited (sign-in, the public consultation links),
    so the 429 is added per view rather than to every operation.
    """

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is not None and getattr(self.view, "throttle_classes", None):
            operation.setdefault("responses", {}).setdefault(
                "429",
                {
                    "description": "Too many requests: retry after `context.retry_after_seconds`.",
                    "content": {"application/json": {"schema": ERROR_REF}},
                },
            )
        return operation


def add_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Reference the one error shape from every operation's 4xx responses."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    ref = ERROR_REF
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            is_public = not operation.get("security") or operation["security"] == [{}]
            for code, text in ERROR_RESPONSES.items():
                if code == "400" and method == "delete":
                    continue
                if code in {"401", "403"} and is_public:
                    continue
                responses.setdefault(
                    code, {"description": text, "content": {"application/json": {"schema": ref}}}
                )
            for existing in responses.values():
                content = existing.get("content", {}).get("application/json", {})
                if content.get("schema") == ref and "description" not in existing:
                    existing["description"] = "Error"
    return result


def generate_surface(surface: str) -> dict[str, Any]:
    generator = SchemaGenerator(
        urlconf=SURFACES[surface],
        title=f"Data sharing for public benefit: {surface} API",
        description=SURFACE_DESCRIPTIONS[surface],
        version="1.0.0",
    )
    return generator.get_schema(request=None, public=True)
