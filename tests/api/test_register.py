"""The public register: exactly the allow-listed fields, published decisions only, per host."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.context import authority_context
from tenants.roles import Role
from tests.proposals.factories import make_decision, make_proposal

ENTRY_KEYS = {
    "id",
    "authority",
    "reference",
    "title",
    "summary",
    "purpose",
    "service_areas",
    "data_categories",
    "partners",
    "legal_gateway",
    "legal_gateway_detail",
    "verdicts",
    "consultation_summary",
    "benefit_review",
    "outcome",
    "rationale",
    "conditions",
    "public_influence",
    "decided_on",
    "published_at",
}
AUTHORITY_KEYS = {"name", "slug"}
DATA_CATEGORY_KEYS = {"name", "special_category", "criminal_offence"}
PARTNER_KEYS = {"name", "type", "role"}
PAGE_KEYS = {"count", "next", "previous", "results"}

SECRET_NOTES = "internal-notes-never-public-91c2"


@pytest.fixture
def officer(authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    member.user.full_name = "Officer Named Person"
    member.user.save()
    return member


@pytest.fixture
def published(authority_a, officer):
    with authority_context(authority_a):
        return make_decision(
            authority_a,
            officer.user,
            published=True,
            outcome="approved_with_conditions",
            conditions="Annual review",
            public_influence="Panel asked for a sunset clause",
            internal_notes=SECRET_NOTES,
        )


def _assert_allow_listed(entry):
    assert set(entry) == ENTRY_KEYS
    assert set(entry["authority"]) == AUTHORITY_KEYS
    assert entry["data_categories"]
    for category in entry["data_categories"]:
        assert set(category) == DATA_CATEGORY_KEYS
    assert entry["partners"]
    for partner in entry["partners"]:
        assert set(partner) == PARTNER_KEYS


def test_the_register_shows_only_allow_listed_fields(published, authority_a, anonymous):
    for client in (anonymous(None), anonymous(authority_a)):
        page = client.get("/api/v1/public/register").json()
        assert set(page) == PAGE_KEYS
        assert len(page["results"]) == 1
        _assert_allow_listed(page["results"][0])
        entry_id = page["results"][0]["id"]
        detail = client.get(f"/api/v1/public/register/{entry_id}").json()
        _assert_allow_listed(detail)
        assert detail["authority"] == {"name": authority_a.name, "slug": "alpha"}
        assert detail["conditions"] == "Annual review"
        assert detail["verdicts"]["methodology_version"] == "1.0"


def test_the_register_never_shows_notes_or_officers(published, officer, anonymous):
    body = json.dumps(anonymous(None).get("/api/v1/public/register").json())
    for secret in (SECRET_NOTES, officer.user.email, "Officer Named Person"):
        assert secret not in body


def test_unpublished_decisions_and_open_proposals_never_show(authority_a, officer, anonymous):
    with authority_context(authority_a):
        make_proposal(authority_a, officer.user, title="Draft-only title")
        make_decision(authority_a, officer.user)
    for client in (anonymous(None), anonymous(authority_a)):
        assert client.get("/api/v1/public/register").json()["count"] == 0


def test_an_authority_host_lists_only_its_own_entries(
    published, authority_a, authority_b, make_member, anonymous
):
    other = make_member(authority_b, Role.OFFICER)
    with authority_context(authority_b):
        theirs = make_decision(authority_b, other.user, published=True)
    on_b = anonymous(authority_b).get("/api/v1/public/register").json()["results"]
    assert [e["reference"] for e in on_b] == [theirs.proposal.reference]
    on_a = anonymous(authority_a).get("/api/v1/public/register").json()["results"]
    assert {e["authority"]["slug"] for e in on_a} == {"alpha"}
    everywhere = anonymous(None).get("/api/v1/public/register").json()["results"]
    assert {e["authority"]["slug"] for e in everywhere} == {"alpha", "beta"}
    b_entry = on_b[0]["id"]
    assert anonymous(authority_a).get(f"/api/v1/public/register/{b_entry}").status_code == 404


def test_programme_wide_lists_every_published_entry_whatever_the_consent(
    authority_b, make_member, anonymous
):
    """A decision register is a public record: an authority that publishes a decision
    publishes it under its own name, so the programme-wide register lists and names it
    too. Consent to be named governs benchmark comparisons, not the register."""
    assert not authority_b.consents_to_be_named
    other = make_member(authority_b, Role.OFFICER)
    with authority_context(authority_b):
        make_decision(authority_b, other.user, published=True)
    everywhere = anonymous(None).get("/api/v1/public/register").json()["results"]
    assert [e["authority"] for e in everywhere] == [{"name": authority_b.name, "slug": "beta"}]
    filtered = anonymous(None).get("/api/v1/public/register?authority=beta").json()
    assert filtered["count"] == 1


def test_register_filters(published, authority_a, officer, anonymous):
    with authority_context(authority_a):
        make_decision(authority_a, officer.user, published=True, outcome="rejected")
    client = anonymous(None)
    rejected = client.get("/api/v1/public/register?outcome=rejected").json()["results"]
    assert [e["outcome"] for e in rejected] == ["rejected"]
    assert client.get("/api/v1/public/register?service_area=welfare").json()["count"] == 0
    assert client.get("/api/v1/public/register?service_area=housing").json()["count"] == 2
    assert client.get("/api/v1/public/register?decided_from=2999-01-01").json()["count"] == 0


def test_unpublishing_removes_the_entry(published, authority_a, officer, anonymous):
    officer.client(authority_a).post(f"/api/v1/decisions/{published.pk}/unpublish")
    assert anonymous(None).get("/api/v1/public/register").json()["count"] == 0


def _list_queries(client, count):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/public/register?page_size={count}")
    assert len(response.json()["results"]) == count
    return len(queries)


def test_the_register_runs_a_constant_number_of_queries(authority_a, officer, anonymous):
    with authority_context(authority_a):
        for _ in range(21):  # more than either page: both count (api.pagination)
            make_decision(authority_a, officer.user, published=True)
    client = anonymous(None)
    client.get("/api/v1/public/register?page_size=1")
    assert _list_queries(client, 5) == _list_queries(client, 20)
