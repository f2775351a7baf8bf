"""Check an answer against a schema of the committed OpenAPI spec, as schemathesis does.

``nullable: true`` is read the way schemathesis and the typed-client generators read it:
the value may be null whatever the rest of the schema says (drf-spectacular writes a
nullable enum as ``allOf: [$ref]`` beside ``nullable``, which a strict OpenAPI 3.0
validator would refuse for null).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft7Validator

from tests.api.committed_specs import committed_spec


def _nullable_as_any_of(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable_as_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_as_any_of(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _components(surface: str) -> dict[str, Any]:
    spec = committed_spec(surface)
    return _nullable_as_any_of(spec["components"])


def schema_errors(surface: str, component: str, instance: Any) -> list[str]:
    """Every way ``instance`` breaks ``#/components/schemas/<component>`` of the spec."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": _components(surface)}
    return [
        f"{'/'.join(map(str, error.path))}: {error.message}"
        for error in Draft7Validator(schema).iter_errors(instance)
    ]
