"""Onboarding clones a migrated template: faithfully, or not at all."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from tenants.context import authority_context
from tenants.provisioning import template as template_module
from tenants.provisioning.fidelity import (
    CloneDiffers,
    fingerprint_differences,
    schema_digests,
    schema_fingerprint,
)
from tenants.provisioning.template import (
    schema_clone_from_template,
    schemas_clone_from_template,
    template_ensure,
    template_schema_name,
)
from tenants.services import authority_onboard
from tests.proposals.factories import make_proposal

ONBOARD = {"kind": "unitary", "admin_email": "chief@tees-valley.test"}


def _constraint_names(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE connamespace = %s::regnamespace",
            [f'"{schema}"'],
        )
        return {row[0] for row in cursor.fetchall()}


def _trigger_count(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal",
            [f'"{schema}"'],
        )
        return int(cursor.fetchone()[0])


BULK = ["north-west-council", "south-west-district", "isles"]


def test_clones_match_the_template_rebuilt_by_migrations_when_the_migration_set_changes(
    db, monkeypatch
):
    """The dear part, done once: a new migration set rebuilds the template by migrations
    and drops the stale one. Clones of the template before (one with a hyphenated name,
    three cloned in one statement batch) and after match that freshly migrated schema."""
    current = template_ensure()
    schema_clone_from_template(schema_name="north-east-council")
    schemas_clone_from_template(schema_names=BULK)

    monkeypatch.setattr(template_module, "migration_set_hash", lambda: "f" * 64)
    rebuilt = template_ensure()
    assert rebuilt == template_schema_name() == "_template_" + "f" * 16
    assert schema_exists(rebuilt)
    assert not schema_exists(current), "the stale template is dropped"
    schema_clone_from_template(schema_name="after-a-new-migration")

    clones = ["north-east-council", *BULK, "after-a-new-migration"]
    with transaction.atomic():
        fresh = schema_fingerprint(rebuilt)
        for schema in clones:
            assert fingerprint_differences(fresh, schema_fingerprint(schema)) == [], schema
        digests = schema_digests([rebuilt, *clones])
    assert all(digests[schema] == digests[rebuilt] for schema in clones)
    # What django-tenants' clone_schema loses with a quoted name: every audit trigger,
    # and the names of unique constraints.
    assert _trigger_count("north-east-council") == _trigger_count(rebuilt) > 20
    assert _trigger_count("south-west-district") > 20
    assert "one_answer_per_question" in _constraint_names("north-east-council")
    assert "one_open_assessment_per_proposal" in _index_names("north-east-council")


def _index_names(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_audit_triggers_record_changes_in_a_cloned_authority(db, make_member):
    result = authority_onboard(slug="tees-valley", name="Tees Valley Combined", **ONBOARD)
    authority = result.authority
    with authority_context(authority):
        proposal = make_proposal(authority, result.admin, title="Cloned schema proposal")
        proposal.title = "Renamed in the clone"
        proposal.save(update_fields=["title"])
        events = list(
            apps.get_model("proposals", "ProposalEvent")
            .objects.filter(pgh_obj_id=proposal.pk)
            .order_by("pgh_id")
            .values_list("pgh_label", "title")
        )
    assert events == [
        ("insert", "Cloned schema proposal"),
        ("update", "Renamed in the clone"),
    ]


def test_a_clone_that_differs_from_the_template_is_refused_and_leaves_nothing(db, monkeypatch):
    real = template_module.finishing_statements

    def drops_triggers(cursor, template):  # the django-tenants bug, reproduced
        return [s for s in real(cursor, template) if " TRIGGER " not in s]

    monkeypatch.setattr(template_module, "finishing_statements", drops_triggers)
    monkeypatch.setattr(template_module, "_template_reads", {})

    with pytest.raises(CloneDiffers, match="triggers: missing"):
        schema_clone_from_template(schema_name="lossy-clone")
    assert not schema_exists("lossy-clone")


def test_onboarding_refuses_a_lossy_clone_without_writing_rows(db, monkeypatch):
    from tenants.models import Authority

    def no_renames(cursor, template, target):
        return []

    monkeypatch.setattr(template_module, "index_renames", no_renames)
    monkeypatch.setattr(template_module, "_template_reads", {})
    with pytest.raises(CloneDiffers, match="indexes"):
        authority_onboard(slug="lossy-council", name="Lossy Council", **ONBOARD)
    assert not Authority.objects.filter(schema_name="lossy-council").exists()
    assert not schema_exists("lossy-council")
