"""A member of authority A, with a valid token, gets nothing of authority B through B's host.

The URL list comes from the tenant URL resolver, so new endpoints are covered
without editing this test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from knox.models import AuthToken

from api.base import AuthorityAccess, PublicAccess
from tenants.context import authority_context
from tenants.roles import Role
from tests.isolation import MARKER, PLANTERS

METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]
# Views reachable on an authority host that carry no authority data by design.
OPEN_BY_DESIGN = {
    "LoginView",
    "LogoutView",
    "LogoutAllView",
    "MeView",
    "SchemaView",
    "SwaggerView",
    "RedocView",
}


@dataclass(frozen=True)
class Endpoint:
    path: str
    view_class: type | None
    name: str


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:  # type: ignore[type-arg]
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _concrete(route: str) -> str:
    """Fill every path parameter with a plausible value (1 for ids, a UUID for tokens)."""
    import re

    route = route.replace("^", "").replace("$", "").replace("\\", "")
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000001", route)
    route = re.sub(r"<[^>]+>", "1", route)
    route = route.replace("/?", "")
    return "/" + route


def authority_endpoints() -> list[Endpoint]:
    endpoints = []
    for route, pattern in _walk(get_resolver(settings.ROOT_URLCONF).url_patterns):
        view_class = getattr(pattern.callback, "cls", None) or getattr(
            pattern.callback, "view_class", None
        )
        endpoints.append(Endpoint(_concrete(route), view_class, pattern.name or route))
    return endpoints


ENDPOINTS = authority_endpoints()


def test_the_walk_finds_the_authority_api() -> None:
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert {"me", "member-list", "member-detail", "current-authority"} <= names


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.path for e in ENDPOINTS])
def test_every_tenant_route_is_guarded_or_open_by_design(endpoint: Endpoint) -> None:
    view_class = endpoint.view_class
    if view_class is None:  # plain function views: the JSON 404 and Django's auth views
        return
    assert (
        issubclass(view_class, AuthorityAccess | PublicAccess)
        or view_class.__name__ in OPEN_BY_DESIGN
        or view_class.__module__.startswith("django.contrib.auth")
    ), f"{view_class.__qualname__} at {endpoint.path} does not use an api.base access class"


def _row_counts(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.parametrize("method", METHODS)
def test_member_of_a_gets_nothing_of_b_on_b_host(method, authority_a, authority_b, make_member):
    with authority_context(authority_b):
        for plant in PLANTERS:
            plant(authority_b)
    before = _row_counts(authority_b.schema_name)
    member_of_a = make_member(authority_a, Role.ADMIN)

    for endpoint in ENDPOINTS:
        # A fresh token each time: the walk also calls logout, which revokes it.
        _, member_of_a.token = AuthToken.objects.create(user=member_of_a.user)
        client = member_of_a.client(authority_b)
        response = getattr(client, method)(endpoint.path, data={}, format="json")
        body = response.content.decode(errors="replace")
        assert MARKER not in body, f"{method.upper()} {endpoint.path} leaked B's data"
        guarded = endpoint.view_class is not None and issubclass(
            endpoint.view_class, AuthorityAccess
        )
        if guarded:
            assert response.status_code in {401, 403, 404, 405}, (
                f"{method.upper()} {endpoint.path} answered {response.status_code} to a "
                "member of another authority"
            )
            if response.status_code != 405 and method != "head":
                assert response.json()["code"] in {
                    "not_a_member",
                    "not_found",
                    "method_not_allowed",
                }

    assert _row_counts(authority_b.schema_name) == before
