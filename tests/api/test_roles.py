"""Each role's allowed and refused actions on the foundation's endpoints (the README's matrix)."""

from __future__ import annotations

import pytest

from tenants.models import Membership
from tenants.roles import Role

AUTHORITY_ROLES = [Role.ADMIN, Role.OFFICER, Role.FACILITATOR, Role.VIEWER]


@pytest.mark.parametrize("role", AUTHORITY_ROLES)
def test_every_member_reads_the_member_list(role, authority_a, make_member):
    member = make_member(authority_a, role)
    assert member.client(authority_a).get("/api/v1/members").status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, 201), (Role.OFFICER, 403), (Role.FACILITATOR, 403), (Role.VIEWER, 403)],
)
def test_only_admins_add_members(role, expected, authority_a, make_member):
    member = make_member(authority_a, role)
    response = member.client(authority_a).post(
        "/api/v1/members", {"email": "new.person@alpha.test", "role": "viewer"}, format="json"
    )
    assert response.status_code == expected
    if expected == 403:
        assert response.json()["code"] == "role_not_allowed"
        assert not Membership.objects.filter(user__email="new.person@alpha.test").exists()
    else:
        body = response.json()
        assert body["set_password_email_queued"] is True
        assert "password" not in {key for key in body if key != "set_password_email_queued"}


def test_admin_changes_a_role_and_removes_a_member(authority_a, make_member):
    admin = make_member(authority_a, Role.ADMIN)
    viewer = make_member(authority_a, Role.VIEWER)
    membership = Membership.objects.get(user=viewer.user, authority=authority_a)
    client = admin.client(authority_a)
    response = client.patch(f"/api/v1/members/{membership.pk}", {"role": "officer"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "officer"
    assert client.delete(f"/api/v1/members/{membership.pk}").status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_cannot_be_removed_or_demoted(authority_a, make_member):
    Membership.objects.filter(authority=authority_a, role=Role.ADMIN).delete()
    admin = make_member(authority_a, Role.ADMIN)
    membership = Membership.objects.get(user=admin.user, authority=authority_a)
    client = admin.client(authority_a)
    demote = client.patch(f"/api/v1/members/{membership.pk}", {"role": "viewer"}, format="json")
    assert demote.status_code == 409
    assert demote.json()["code"] == "last_admin"
    assert client.delete(f"/api/v1/members/{membership.pk}").status_code == 409


def test_adding_an_existing_member_is_a_conflict(authority_a, make_member):
    admin = make_member(authority_a, Role.ADMIN)
    response = admin.client(authority_a).post(
        "/api/v1/members", {"email": admin.user.email, "role": "viewer"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_member"


def test_a_bad_role_is_a_field_error(authority_a, make_member):
    admin = make_member(authority_a, Role.ADMIN)
    response = admin.client(authority_a).post(
        "/api/v1/members", {"email": "x@alpha.test", "role": "coordinator"}, format="json"
    )
    assert response.status_code == 400
    assert "role" in response.json()["fields"]


def test_a_paused_authority_is_read_only(authority_a, make_member):
    from tenants.models import Authority, AuthorityStatus

    admin = make_member(authority_a, Role.ADMIN)
    Authority.objects.filter(pk=authority_a.pk).update(status=AuthorityStatus.PAUSED)
    client = admin.client(authority_a)
    assert client.get("/api/v1/members").status_code == 200
    response = client.post(
        "/api/v1/members", {"email": "x@alpha.test", "role": "viewer"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "authority_inactive"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.OBSERVER])
def test_programme_roles_cannot_read_an_authoritys_data(role, authority_a, make_member):
    programme_person = make_member(None, role)
    response = programme_person.client(authority_a).get("/api/v1/members")
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_member"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.OBSERVER])
def test_programme_roles_read_the_authority_list(role, make_member):
    person = make_member(None, role)
    assert person.client(None).get("/api/v1/authorities").status_code == 200


def test_observers_cannot_onboard(make_member):
    observer = make_member(None, Role.OBSERVER)
    response = observer.client(None).post(
        "/api/v1/authorities",
        {"slug": "gamma", "name": "Gamma", "kind": "district", "admin_email": "a@gamma.test"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"


def test_authority_admins_have_no_programme_access(authority_a, make_member):
    admin = make_member(authority_a, Role.ADMIN)
    response = admin.client(None).get("/api/v1/authorities")
    assert response.status_code == 403
    assert response.json()["code"] == "no_programme_role"
