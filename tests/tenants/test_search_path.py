"""One SET search_path per change of schema, and never a stale one (django-tenants #1262)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from backend.proposals.models import Proposal
from tenants.context import authority_context, use_authority_schema
from tenants.postgresql_backend.base import DatabaseWrapper
from tenants.roles import Role
from tests.proposals.factories import make_proposal


def _sets(queries: CaptureQueriesContext) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("SET search_path"))


def test_a_list_request_sends_at_most_one_set_search_path(authority_a, authority_b, make_member):
    officer = make_member(authority_a, Role.OFFICER)
    with authority_context(authority_a):
        for _ in range(5):
            make_proposal(authority_a, officer.user)
    client = officer.client(authority_a)
    client.get("/api/v1/proposals?page_size=1")  # warm the host and role caches
    with authority_context(authority_b):
        Proposal.objects.count()  # the session now points at another authority

    with CaptureQueriesContext(connection) as first:
        assert len(client.get("/api/v1/proposals").json()["results"]) == 5
    with CaptureQueriesContext(connection) as again:
        assert len(client.get("/api/v1/proposals").json()["results"]) == 5

    data_queries = len(again.captured_queries)
    assert _sets(first) == 1
    assert len(first.captured_queries) == data_queries + 1
    assert _sets(again) == 0, "same authority as the previous request: the path is kept"


@pytest.mark.parametrize("forget_on_savepoint_rollback", [True, False])
def test_a_rolled_back_savepoint_never_leaves_queries_in_another_schema(
    authority_a, authority_b, make_member, monkeypatch, forget_on_savepoint_rollback
):
    officer = make_member(authority_a, Role.OFFICER)
    with authority_context(authority_a):
        only_in_a = make_proposal(authority_a, officer.user)
    if not forget_on_savepoint_rollback:
        # The naive cache (TENANT_LIMIT_SET_CALLS before the fix): show the test catches it.
        monkeypatch.setattr(
            DatabaseWrapper,
            "savepoint_rollback",
            lambda self, sid: super(DatabaseWrapper, self).savepoint_rollback(sid),
        )

    # The connection last served beta; then alpha's work starts inside a transaction and
    # its first query runs in a savepoint that rolls back (e.g. a get_or_create race).
    with authority_context(authority_b), transaction.atomic():
        assert not Proposal.objects.filter(pk=only_in_a.pk).exists()  # path: beta
        try:
            with transaction.atomic():
                use_authority_schema(authority_a)
                Proposal.objects.count()  # SET search_path to alpha happens in here
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        # PostgreSQL has put the path back to beta's; alpha's proposal must still be found.
        found = Proposal.objects.filter(pk=only_in_a.pk).exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]

    if forget_on_savepoint_rollback:
        assert found and schema == "alpha"
    else:
        assert not found and schema == "beta", "the naive cache reads the wrong authority"
