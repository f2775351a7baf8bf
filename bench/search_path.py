"""Statements per list request: the data queries plus at most one ``SET search_path``.

A list of proposals on an authority's host, after a request for another
authority moved the connection's path. Prints the statements sent, the data
queries among them and the ratio statements / (data queries + 1). Target: <= 1.
"""

from __future__ import annotations

from bench.common import django_setup, drop_authority, member_with_token, onboard, print_ratio


def main() -> None:
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tenants.context import authority_context
    from tests.proposals.factories import make_proposal

    one, other = onboard("bench-path-one"), onboard("bench-path-two")
    user, token = member_with_token(one)
    with authority_context(one):
        for _ in range(10):
            make_proposal(one, user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    client.get("/api/v1/proposals", HTTP_HOST="bench-path-one.localhost")
    client.get("/api/v1/me", HTTP_HOST="bench-path-two.localhost")  # path now: another schema
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/proposals", HTTP_HOST="bench-path-one.localhost")
    assert response.status_code == 200, response.content
    sets = sum(1 for q in queries.captured_queries if q["sql"].startswith("SET search_path"))
    statements = len(queries.captured_queries)
    data = statements - sets
    print(f"list request: {statements} statements = {data} data queries + {sets} SET search_path")
    for slug in (one.schema_name, other.schema_name):
        drop_authority(slug)
    print_ratio("statements_per_list_request_vs_data_plus_one", statements / (data + 1), "<=1.0")


if __name__ == "__main__":
    main()
