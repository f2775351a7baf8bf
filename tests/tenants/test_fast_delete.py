"""Deleting rows takes one statement again: django-tenants' delete listener hears only the
tenant model (tenants.apps.narrow_tenant_delete_callback)."""

from __future__ import annotations

from django.db import connection
from django.db.models import signals
from django.db.models.deletion import Collector
from django.test.utils import CaptureQueriesContext
from django_tenants.signals import tenant_delete_callback
from django_tenants.utils import schema_exists

from backend.findings.models import ScenarioFact
from backend.webhooks.models import WebhookEndpoint
from tenants.models import Authority
from tenants.services import authority_onboard


def test_models_other_than_the_tenant_are_deleted_without_selecting_them_first(db):
    assert not signals.post_delete.has_listeners(ScenarioFact)
    assert Collector(using="default").can_fast_delete(ScenarioFact.objects.all())
    with CaptureQueriesContext(connection) as queries:
        ScenarioFact.objects.filter(proposal_id__in=[1, 2]).delete()
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert [s for s in statements if s != "SET"] == ["DELETE"]  # SET: a search_path, if due


def test_the_tenant_model_still_reaches_the_upstream_callback(db, monkeypatch):
    receivers = signals.post_delete._live_receivers(Authority)
    flat = [r for group in receivers for r in group] if isinstance(receivers, tuple) else receivers
    assert tenant_delete_callback in flat
    # With auto_drop_schema on, deleting an authority drops its schema, as upstream does.
    monkeypatch.setattr(Authority, "auto_drop_schema", True)
    authority = authority_onboard(
        slug="short-lived", name="Short Lived", kind="district", admin_email="a@short.test"
    ).authority
    assert schema_exists("short-lived")
    WebhookEndpoint.objects.filter(authority=authority).delete()
    authority.delete()
    assert not schema_exists("short-lived")
