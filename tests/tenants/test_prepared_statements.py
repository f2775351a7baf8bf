"""Prepared statements on the public hot path stay in the current authority's schema.

``connection.prepared_cursor()`` prepares its statements once per connection. A plan
made under one authority's ``search_path`` must never read another's tables when the
same connection serves the next authority: PostgreSQL parses a prepared statement
again when the path differs. These tests prepare under one authority and run the same
text under the other, on one connection, as a web worker does between requests.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.consultations import selectors
from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import make_consultation, make_participant, token_of
from tests.proposals.factories import make_proposal

TITLES = "SELECT title FROM proposals_proposal WHERE id > %s ORDER BY id"


def _prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def _titles() -> list[str]:
    with connection.prepared_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(TITLES, [0])
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_prepared_for_one_authority_reads_the_next_authoritys_tables(
    authority_a, authority_b, make_member
):
    for authority, title in ((authority_a, "Alpha's proposal"), (authority_b, "Beta's proposal")):
        member = make_member(authority, Role.OFFICER)
        with authority_context(authority):
            make_proposal(authority, member.user, title=title)

    with authority_context(authority_a):
        assert _titles() == ["Alpha's proposal"]
    # Really prepared (a protocol-level named statement), not merely sent with parameters.
    assert any("FROM proposals_proposal" in statement for statement in _prepared_statements())
    with authority_context(authority_b):
        assert _titles() == ["Beta's proposal"]
    with authority_context(authority_a):
        assert _titles() == ["Alpha's proposal"]


def test_a_residents_token_finds_them_only_in_their_own_authority(authority_a, authority_b):
    with authority_context(authority_a):
        alpha = make_participant(make_consultation())
        alpha_token = token_of(alpha)
    with authority_context(authority_b):
        beta = make_participant(make_consultation())
        beta_token = token_of(beta)

    with authority_context(authority_a):
        assert selectors.participant_by_token(token=alpha_token) == alpha  # prepared here
    with authority_context(authority_b):
        assert selectors.participant_by_token(token=alpha_token) is None
        found = selectors.participant_by_token(token=beta_token)
        assert found is not None and found.pk == beta.pk and found.email == beta.email
    with authority_context(authority_a):
        assert selectors.participant_by_token(token=beta_token) is None


def test_prepared_statements_are_recorded_with_their_text_like_any_other(authority_a):
    with authority_context(authority_a), CaptureQueriesContext(connection) as queries:
        _titles()
    (statement,) = [q["sql"] for q in queries.captured_queries if "proposals_proposal" in q["sql"]]
    assert statement == TITLES.replace("%s", "0")


def test_statements_without_parameters_are_not_prepared(authority_a):
    before = _prepared_statements()
    with authority_context(authority_a), connection.prepared_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT count(*) FROM proposals_proposal")
        assert cursor.fetchone() == (0,)
    assert _prepared_statements() == before
