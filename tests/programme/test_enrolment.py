"""Enrolment: organisations move from interest to active pilot, tracked by coordinators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.programme.models import Enrolment, EnrolmentStage
from tenants.models import AuthorityStatus
from tenants.roles import Role


@pytest.fixture
def coordinator(make_member):
    return make_member(None, Role.COORDINATOR).client(None)


def _enrol(coordinator, **extra):
    workshop = coordinator.post(
        "/api/v1/workshops",
        {"name": "Leeds workshop", "held_on": "2026-09-14", "location": "Leeds"},
        format="json",
    )
    assert workshop.status_code == 201, workshop.json()
    created = coordinator.post(
        "/api/v1/enrolments",
        {
            "organisation_name": "Westvale Borough Council",
            "kind": "district",
            "workshop": workshop.json()["id"],
            **extra,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    return created.json()


def test_an_organisation_goes_from_interest_to_active(coordinator, authority_a):
    from tenants.models import Authority

    Authority.objects.filter(pk=authority_a.pk).update(status=AuthorityStatus.INVITED)
    enrolment = _enrol(coordinator)
    assert enrolment["stage"] == "expression_of_interest"
    base = f"/api/v1/enrolments/{enrolment['id']}"

    assert coordinator.post(f"{base}/commit-in-principle", {}, format="json").status_code == 200
    signed = coordinator.post(
        f"{base}/formally-collaborate", {"agreement_date": "2026-10-01"}, format="json"
    ).json()
    assert (signed["stage"], signed["agreement_date"]) == ("formally_collaborating", "2026-10-01")

    refused = coordinator.post(f"{base}/activate", {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "authority_required"

    linked = coordinator.patch(base, {"authority": "alpha"}, format="json")
    assert linked.json()["authority"] == "alpha"
    active = coordinator.post(f"{base}/activate", {"note": "Pilot starts"}, format="json").json()
    assert active["stage"] == "active"
    assert [(t["from_stage"], t["to_stage"]) for t in active["transitions"]] == [
        ("expression_of_interest", "committed_in_principle"),
        ("committed_in_principle", "formally_collaborating"),
        ("formally_collaborating", "active"),
    ]
    authority_a.refresh_from_db()
    assert authority_a.status == AuthorityStatus.ACTIVE


def test_stages_cannot_be_skipped(coordinator):
    enrolment = _enrol(coordinator)
    response = coordinator.post(
        f"/api/v1/enrolments/{enrolment['id']}/formally-collaborate",
        {"agreement_date": "2026-10-01"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["context"]["allowed"] == ["committed_in_principle", "withdrawn"]
    assert Enrolment.objects.get(pk=enrolment["id"]).stage == EnrolmentStage.EXPRESSION_OF_INTEREST


def test_formal_collaboration_needs_a_real_agreement_date(coordinator):
    enrolment = _enrol(coordinator)
    base = f"/api/v1/enrolments/{enrolment['id']}"
    coordinator.post(f"{base}/commit-in-principle", {}, format="json")
    missing = coordinator.post(f"{base}/formally-collaborate", {}, format="json")
    assert missing.status_code == 400
    assert "agreement_date" in missing.json()["fields"]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = coordinator.post(
        f"{base}/formally-collaborate", {"agreement_date": tomorrow}, format="json"
    )
    assert future.status_code == 400
    assert Enrolment.objects.get(pk=enrolment["id"]).agreement_date is None


def test_withdrawing_needs_a_reason_and_withdraws_the_authority(coordinator, authority_b):
    enrolment = _enrol(coordinator, authority="beta")
    base = f"/api/v1/enrolments/{enrolment['id']}"
    assert coordinator.post(f"{base}/withdraw", {}, format="json").status_code == 400
    done = coordinator.post(f"{base}/withdraw", {"note": "No capacity this year"}, format="json")
    assert done.json()["stage"] == "withdrawn"
    authority_b.refresh_from_db()
    assert authority_b.status == AuthorityStatus.WITHDRAWN
    again = coordinator.post(f"{base}/reengage", {}, format="json")
    assert again.json()["stage"] == "expression_of_interest"


def test_one_enrolment_per_authority(coordinator):
    _enrol(coordinator, authority="alpha")
    second = coordinator.post(
        "/api/v1/enrolments",
        {"organisation_name": "Alpha again", "kind": "district", "authority": "alpha"},
        format="json",
    )
    assert second.status_code == 400
    assert "authority" in second.json()["fields"]


@pytest.mark.parametrize("role", [Role.OBSERVER])
def test_only_coordinators_see_enrolments(make_member, role):
    client = make_member(None, role).client(None)
    assert client.get("/api/v1/enrolments").status_code == 403
    assert client.get("/api/v1/workshops").status_code == 403


def test_the_list_filters_by_stage(coordinator):
    first = _enrol(coordinator)
    coordinator.post(f"/api/v1/enrolments/{first['id']}/commit-in-principle", {}, format="json")
    listed = coordinator.get("/api/v1/enrolments?stage=committed_in_principle").json()
    assert [row["id"] for row in listed["results"]] == [first["id"]]
    assert coordinator.get("/api/v1/enrolments?stage=active").json()["results"] == []


def test_dates_are_checked(coordinator):
    response = coordinator.post(
        "/api/v1/workshops", {"name": "X", "held_on": "2026-02-30"}, format="json"
    )
    assert response.status_code == 400
    assert "held_on" in response.json()["fields"]


def test_a_null_character_in_an_authority_slug_is_a_400_not_a_500(coordinator):
    """Schemathesis found PATCH /enrolments/{id} answering 500: PostgreSQL refuses to
    compare text holding NUL."""
    enrolment = _enrol(coordinator)
    patched = coordinator.patch(
        f"/api/v1/enrolments/{enrolment['id']}", {"authority": "de\x00mo"}, format="json"
    )
    assert patched.status_code == 400
    assert "authority" in patched.json()["fields"]
    created = coordinator.post(
        "/api/v1/enrolments",
        {"organisation_name": "Eastvale", "kind": "district", "authority": "\x00"},
        format="json",
    )
    assert created.status_code == 400
    assert Enrolment.objects.count() == 1
