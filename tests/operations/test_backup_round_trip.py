"""Export one authority and restore it, under a new slug or into a deployment that lost
it: every row of its schema (history tables included) and its shared rows come back."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from knox.models import AuthToken

from backend.accounts.models import User
from backend.benchmarks.services import benchmark_rollup_refresh
from backend.consultations.services import consultation_open
from backend.operations.backup import _drop, authority_export, authority_restore
from backend.register.models import RegisterEntry
from tenants.context import authority_context
from tenants.models import Authority, Domain, Membership
from tenants.roles import Role
from tests.consultations.factories import make_consultation, make_participant, respond
from tests.proposals.factories import make_decision


def schema_snapshot(schema: str) -> dict[str, list[str]]:
    """Every row of every table in the schema, as PostgreSQL prints it."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
            " AND table_type = 'BASE TABLE' AND table_name <> 'django_migrations'",
            [schema],
        )
        tables = sorted(row[0] for row in cursor.fetchall())
        snapshot = {}
        for table in tables:
            cursor.execute(f"SELECT t::text FROM {quote(schema)}.{quote(table)} t")
            snapshot[table] = sorted(row[0] for row in cursor.fetchall())
    return snapshot


@pytest.fixture
def populated(authority_a, make_member):
    """alpha with a published decision, a consultation with answers, members, rollups."""
    admin = make_member(authority_a, Role.ADMIN)
    make_member(authority_a, Role.OFFICER)
    with authority_context(authority_a):
        make_decision(authority_a, admin.user, published=True)
        consultation = consultation_open(consultation=make_consultation())
        for _ in range(3):
            respond(make_participant(consultation))
    benchmark_rollup_refresh(authority=authority_a)
    return authority_a


def shared_rows(authority: Authority) -> dict[str, object]:
    return {
        "members": sorted(
            Membership.objects.filter(authority=authority).values_list("user_id", "role")
        ),
        "register": sorted(
            RegisterEntry.objects.filter(authority=authority).values_list(
                "proposal_reference", "title"
            )
        ),
        "rollups": sorted(
            (r.period_kind, r.period_key, r.segment, json.dumps(r.figures, sort_keys=True))
            for r in authority.rollups.all()
        ),
    }


def test_restore_under_a_new_slug_loses_nothing(populated, tmp_path):
    before = schema_snapshot("alpha")
    assert before["proposals_proposalevent"], "history rows are part of the round trip"
    assert before["consultations_response"]
    path = tmp_path / "alpha.jsonl.gz"
    exported = authority_export(slug="alpha", path=path)
    assert exported.tables["consultations_response"] == 3

    restored = authority_restore(path=path, slug="gamma")

    assert restored.tables == exported.tables
    assert schema_snapshot("gamma") == before
    gamma = Authority.objects.get(schema_name="gamma")
    assert gamma.name == populated.name
    assert list(Domain.objects.filter(tenant=gamma).values_list("domain", flat=True)) == [
        "gamma.localhost"
    ]
    assert shared_rows(gamma) == shared_rows(populated)
    assert shared_rows(gamma)["register"] and shared_rows(gamma)["rollups"]
    # New rows continue after the restored ids instead of colliding with them.
    with authority_context(gamma):
        consultation = consultation_open(consultation=make_consultation())
        respond(make_participant(consultation))


def test_restore_into_a_deployment_without_the_authority_or_its_people(populated, tmp_path):
    before = schema_snapshot("alpha")
    shared_before = shared_rows(populated)
    members = list(Membership.objects.filter(authority=populated).values_list("user_id", flat=True))
    emails = dict(User.objects.filter(pk__in=members).values_list("pk", "email"))
    path = tmp_path / "alpha.jsonl.gz"
    authority_export(slug="alpha", path=path)
    # The disaster: the authority, its schema and its people are gone. (Checking the
    # fixture's deferred foreign keys first lets its tables be dropped in this test's
    # transaction.)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _drop(populated)
    AuthToken.objects.filter(user_id__in=members).delete()
    # Raw SQL: Django's delete would also visit tenant tables, from the public schema.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user WHERE id = ANY(%s)", [members])
    assert not User.objects.filter(pk__in=members).exists()
    assert not Authority.objects.filter(schema_name="alpha").exists()

    authority_restore(path=path)

    assert schema_snapshot("alpha") == before
    alpha = Authority.objects.get(schema_name="alpha")
    assert shared_rows(alpha) == shared_before
    assert dict(User.objects.filter(pk__in=members).values_list("pk", "email")) == emails


def test_restore_refuses_an_existing_slug_and_writes_nothing(populated, tmp_path):
    path = tmp_path / "alpha.jsonl.gz"
    authority_export(slug="alpha", path=path)
    with pytest.raises(ValidationError, match="exists already"):
        authority_restore(path=path, slug="beta")
    assert Authority.objects.filter(schema_name="beta").count() == 1


def test_restore_refuses_an_export_from_other_migrations(populated, tmp_path):
    path = tmp_path / "alpha.jsonl.gz"
    authority_export(slug="alpha", path=path)
    with gzip.open(path, "rt") as handle:
        lines = handle.read().splitlines()
    manifest = json.loads(lines[0])
    manifest["tenant_migrations"].append("proposals.9999_from_the_future")
    with gzip.open(path, "wt") as handle:
        handle.write("\n".join([json.dumps(manifest), *lines[1:]]) + "\n")
    with pytest.raises(ValidationError, match="other migrations"):
        authority_restore(path=path, slug="delta")
    assert not Authority.objects.filter(schema_name="delta").exists()
