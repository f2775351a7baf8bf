"""Onboarding many authorities at once: bulk clones are as faithful as one-by-one ones."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from api.routing import authority_for_host
from backend.accounts.models import User
from tenants.context import authority_context
from tenants.models import Authority, Domain
from tenants.provisioning import template as template_module
from tenants.provisioning.fidelity import (
    CloneDiffers,
    schema_digests,
)
from tenants.provisioning.template import schemas_clone_from_template, template_ensure
from tenants.services import (
    NewAuthority,
    authorities_onboard_bulk,
    authority_host,
    membership_grant,
)
from tests.proposals.factories import make_proposal

BULK = ["north-east-council", "south-west-district", "isles"]


def _new(slug: str) -> NewAuthority:
    return NewAuthority(slug=slug, name=slug.replace("-", " ").title(), kind="district")


# Bulk clones against a freshly migrated schema: tests/tenants/test_template_clone.py,
# beside the one-by-one clone (one schema built by migrations serves both).


def test_the_digests_tell_a_schema_with_a_renamed_index_from_the_template(db):
    template = template_ensure()
    schemas_clone_from_template(schema_names=["renamed-index"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'renamed-index' "
            "AND indexname = 'one_open_assessment_per_proposal'"
        )
        assert cursor.fetchone()
        cursor.execute(
            'ALTER INDEX "renamed-index".one_open_assessment_per_proposal RENAME TO other_name'
        )
    with transaction.atomic():
        digests = schema_digests([template, "renamed-index"])
    differing = {k for k, v in digests["renamed-index"].items() if digests[template][k] != v}
    assert differing == {"indexes"}


def test_a_bulk_clone_that_loses_its_triggers_is_refused_and_leaves_no_schema(db, monkeypatch):
    real = template_module.finishing_statements

    def drops_triggers(cursor, template):  # django-tenants' bug, reproduced
        return [s for s in real(cursor, template) if " TRIGGER " not in s]

    monkeypatch.setattr(template_module, "finishing_statements", drops_triggers)
    monkeypatch.setattr(template_module, "_template_reads", {})
    with pytest.raises(CloneDiffers, match=r"\(triggers\).*triggers: missing"):
        schemas_clone_from_template(schema_names=BULK)
    assert not any(schema_exists(schema) for schema in BULK)


def test_bulk_onboarding_writes_authorities_that_route_and_audit(db):
    done: list[int] = []
    authorities = authorities_onboard_bulk(
        authorities=[_new(slug) for slug in BULK], batch_size=2, progress=done.append
    )
    assert done == [2, 3]
    assert [a.schema_name for a in authorities] == BULK
    for slug in BULK:
        assert authority_for_host(authority_host(slug)).schema_name == slug
    authority = Authority.objects.get(schema_name="south-west-district")
    user = User.objects.create_user(email="officer@south-west.test")
    membership_grant(user=user, role="officer", authority=authority)
    with authority_context(authority):
        proposal = make_proposal(authority, user, title="Made in a bulk clone")
        events = apps.get_model("proposals", "ProposalEvent").objects.filter(pgh_obj_id=proposal.pk)
        assert list(events.values_list("pgh_label", flat=True)) == ["insert"]


def test_a_refused_batch_leaves_no_schema_and_no_authority_row(db, monkeypatch):
    def no_renames(cursor, template, target):  # copied indexes keep LIKE's names
        return []

    monkeypatch.setattr(template_module, "index_renames", no_renames)
    monkeypatch.setattr(template_module, "_template_reads", {})
    with pytest.raises(CloneDiffers, match="indexes"):
        authorities_onboard_bulk(authorities=[_new(slug) for slug in BULK])
    assert not Authority.objects.filter(schema_name__in=BULK).exists()
    assert not Domain.objects.filter(domain__in=[authority_host(s) for s in BULK]).exists()
    assert not any(schema_exists(schema) for schema in BULK)


def test_bulk_onboarding_checks_every_slug_before_creating_anything(db):
    with pytest.raises(ValidationError) as refused:
        authorities_onboard_bulk(
            authorities=[_new("fine-council"), _new("Bad_Slug"), _new("alpha"), _new("isles"),
                         _new("isles")]
        )  # fmt: skip
    text = " ".join(refused.value.messages)
    assert "Bad_Slug" in text and "alpha" in text and "appears twice" in text
    assert not schema_exists("fine-council")
    assert not Authority.objects.filter(schema_name="fine-council").exists()
