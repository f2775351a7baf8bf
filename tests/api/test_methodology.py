"""The methodology API: programme host (coordinators edit, observers read) and the
read-only, adoption endpoints on authority hosts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.methodology.models import MethodologyAdoption, MethodologyVersion, Question
from backend.methodology.services import (
    methodology_version_copy,
    methodology_version_create,
    methodology_version_publish,
    methodology_version_retire,
    question_create,
)
from tenants.roles import Role
from tests.factories import seed_version

BASE = "/api/v1/methodology/versions"

QUESTION = {
    "key": "automated_decisions",
    "text": "Will a machine alone make any decision about a person?",
    "tests": ["responsible"],
    "features": ["respects_individuals"],
    "answer_type": "yes_no",
}


@pytest.fixture
def coordinator(make_member):
    return make_member(None, Role.COORDINATOR).client(None)


@pytest.fixture
def draft(db):
    return methodology_version_copy(source=seed_version(), label="1.1", actor=None)


def _frozen(status: str) -> MethodologyVersion:
    version = methodology_version_publish(
        version=methodology_version_copy(source=seed_version(), label="1.1", actor=None)
    )
    return methodology_version_retire(version=version) if status == "retired" else version


EDITS = [
    ("patch", "{base}/{id}", {"change_notes": "Reworded"}),
    ("delete", "{base}/{id}", None),
    ("patch", "{base}/{id}/criteria/purposeful", {"met_threshold": "0.8"}),
    ("post", "{base}/{id}/questions", QUESTION),
    ("patch", "{base}/{id}/questions/legal_basis", {"text": "Reworded"}),
    ("delete", "{base}/{id}/questions/legal_basis", None),
]


@pytest.mark.parametrize("status", ["published", "retired"])
@pytest.mark.parametrize(("method", "url", "body"), EDITS, ids=[f"{m} {u}" for m, u, _ in EDITS])
def test_every_edit_of_a_frozen_version_answers_409(status, method, url, body, coordinator):
    version = _frozen(status)
    before = list(Question.objects.filter(version=version).values_list("key", "text"))
    response = getattr(coordinator, method)(url.format(base=BASE, id=version.pk), body)
    assert response.status_code == 409
    assert response.json()["code"] == "version_immutable"
    assert "Copy it" in response.json()["detail"]
    assert list(Question.objects.filter(version=version).values_list("key", "text")) == before
    assert MethodologyVersion.objects.filter(pk=version.pk).exists()


def test_the_seeded_version_is_immutable_too(coordinator):
    response = coordinator.patch(f"{BASE}/{seed_version().pk}", {"label": "1.0a"})
    assert response.status_code == 409 and response.json()["code"] == "version_immutable"


def test_coordinator_edits_a_draft_through_every_route(coordinator, draft):
    url = f"{BASE}/{draft.pk}"
    assert coordinator.patch(url, {"change_notes": "Adds a question"}).status_code == 200
    response = coordinator.patch(f"{url}/criteria/purposeful", {"name": "Has a purpose"})
    assert response.status_code == 200 and response.json()["name"] == "Has a purpose"
    response = coordinator.post(f"{url}/questions", QUESTION)
    assert response.status_code == 201, response.json()
    response = coordinator.patch(f"{url}/questions/automated_decisions", {"weight": "2"})
    assert response.status_code == 200 and response.json()["weight"] == "2.00"
    assert coordinator.delete(f"{url}/questions/frequency_and_duration").status_code == 204
    keys = {q["key"] for q in coordinator.get(url).json()["questions"]}
    assert "automated_decisions" in keys and "frequency_and_duration" not in keys


def test_a_question_with_an_unknown_test_answers_400_naming_the_field(coordinator, draft):
    response = coordinator.post(
        f"{BASE}/{draft.pk}/questions", {**QUESTION, "tests": ["plausible"]}
    )
    assert response.status_code == 400 and "tests" in response.json()["fields"]


def test_coordinator_creates_a_blank_draft(coordinator):
    response = coordinator.post(BASE, {"label": "2.0", "change_notes": "Start over"})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["questions"] == []
    assert [t["key"] for t in body["tests"]] == ["purposeful", "proportionate", "responsible"]
    assert len(body["features"]) == 5


def test_copy_makes_a_draft_with_every_question(coordinator):
    response = coordinator.post(f"{BASE}/{seed_version().pk}/copy", {"label": "1.1"})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["based_on_label"] == "1.0"
    assert len(body["questions"]) == 18 and len(body["tests"]) == 3


def test_publish_then_retire_through_the_api(coordinator, draft):
    response = coordinator.post(f"{BASE}/{draft.pk}/publish")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert response.json()["allowed_transitions"] == ["retired"]
    response = coordinator.post(f"{BASE}/{draft.pk}/retire")
    assert response.status_code == 200 and response.json()["status"] == "retired"


def test_publishing_twice_answers_409_with_the_allowed_moves(coordinator):
    response = coordinator.post(f"{BASE}/{seed_version().pk}/publish")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert response.json()["context"]["allowed"] == ["retired"]


def test_diff_through_the_api(coordinator, draft):
    coordinator.delete(f"{BASE}/{draft.pk}/questions/legal_basis")
    response = coordinator.get(f"{BASE}/{seed_version().pk}/diff", {"against": draft.pk})
    assert response.status_code == 200
    assert response.json()["removed"] == ["legal_basis"]
    assert response.json()["added"] == [] and response.json()["changed"] == []


def test_diff_without_the_other_version_answers_400(coordinator):
    response = coordinator.get(f"{BASE}/{seed_version().pk}/diff")
    assert response.status_code == 400 and "against" in response.json()["fields"]


def test_observer_reads_but_cannot_write(make_member, draft):
    observer = make_member(None, Role.OBSERVER).client(None)
    assert observer.get(f"{BASE}/{draft.pk}").status_code == 200
    assert observer.get(f"{BASE}/{draft.pk}/questions").status_code == 200
    for response in [
        observer.post(BASE, {"label": "3.0"}),
        observer.post(f"{BASE}/{draft.pk}/publish"),
        observer.post(f"{BASE}/{draft.pk}/questions", QUESTION),
        observer.post(f"{BASE}/{draft.pk}/copy", {"label": "3.1"}),
    ]:
        assert response.status_code == 403
        assert response.json()["code"] == "role_not_allowed"


def test_authority_members_have_no_programme_methodology_access(make_member, authority_a):
    admin = make_member(authority_a, Role.ADMIN).client(None)
    assert admin.get(BASE).status_code == 403


def _versions(count: int) -> None:
    start = MethodologyVersion.objects.count()
    for index in range(start, start + count):
        methodology_version_create(label=f"q{index}", actor=None)


def test_versions_list_runs_a_constant_number_of_queries(coordinator):
    counts = []
    for total in (5, 50):
        _versions(total - MethodologyVersion.objects.count())
        with CaptureQueriesContext(connection) as queries:
            response = coordinator.get(BASE, {"page_size": 100})
        assert response.json()["count"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_questions_list_runs_a_constant_number_of_queries(coordinator):
    version = methodology_version_create(label="q", actor=None)
    counts = []
    for total in (5, 50):
        for index in range(Question.objects.filter(version=version).count(), total):
            question_create(
                version=version,
                key=f"q{index}",
                text="?",
                answer_type="yes_no",
                tests=["purposeful"],
            )
        with CaptureQueriesContext(connection) as queries:
            response = coordinator.get(f"{BASE}/{version.pk}/questions", {"page_size": 100})
        assert response.json()["count"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_published_versions_list_runs_a_constant_number_of_queries(authority_a, make_member):
    client = make_member(authority_a, Role.VIEWER).client(authority_a)
    counts = []
    for total in (5, 50):
        while MethodologyVersion.objects.filter(status="published").count() < total:
            methodology_version_publish(
                version=methodology_version_copy(
                    source=seed_version(),
                    label=f"p{MethodologyVersion.objects.count()}",
                    actor=None,
                )
            )
        client.get("/api/v1/methodology/versions")  # warm the host cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/methodology/versions", {"page_size": 100})
        assert response.json()["count"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Authority host


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICER, Role.FACILITATOR, Role.VIEWER])
def test_every_member_reads_the_version_in_use_in_full(role, authority_a, make_member):
    client = make_member(authority_a, role).client(authority_a)
    response = client.get("/api/v1/methodology")
    assert response.status_code == 200
    body = response.json()
    assert body["version"]["label"] == "1.0" and len(body["version"]["questions"]) == 18
    assert MethodologyAdoption.objects.filter(authority=authority_a).exists()


def test_authority_hosts_list_published_versions_only(authority_a, make_member, draft):
    client = make_member(authority_a, Role.VIEWER).client(authority_a)
    labels = [v["label"] for v in client.get("/api/v1/methodology/versions").json()["results"]]
    assert "1.0" in labels and "1.1" not in labels
    assert client.get(f"/api/v1/methodology/versions/{draft.pk}").status_code == 404
    response = client.get(f"/api/v1/methodology/versions/{seed_version().pk}")
    assert response.status_code == 200 and len(response.json()["questions"]) == 18


def test_admin_adopts_a_newer_published_version(authority_a, make_member, draft):
    client = make_member(authority_a, Role.ADMIN).client(authority_a)
    client.get("/api/v1/methodology")
    methodology_version_publish(version=draft)
    response = client.post("/api/v1/methodology/adopt", {"version": draft.pk})
    assert response.status_code == 201
    assert response.json()["version"]["label"] == "1.1"
    assert response.json()["adopted_automatically"] is False
    assert client.get("/api/v1/methodology").json()["version"]["label"] == "1.1"


def test_adopting_the_version_in_use_answers_409(authority_a, make_member):
    client = make_member(authority_a, Role.ADMIN).client(authority_a)
    response = client.post("/api/v1/methodology/adopt", {"version": seed_version().pk})
    assert response.status_code == 409 and response.json()["code"] == "already_adopted"


def test_adopting_a_draft_answers_400_as_it_is_not_offered(authority_a, make_member, draft):
    client = make_member(authority_a, Role.ADMIN).client(authority_a)
    response = client.post("/api/v1/methodology/adopt", {"version": draft.pk})
    assert response.status_code == 400 and "version" in response.json()["fields"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.FACILITATOR, Role.VIEWER])
def test_only_admins_adopt(role, authority_a, make_member):
    client = make_member(authority_a, role).client(authority_a)
    response = client.post("/api/v1/methodology/adopt", {"version": seed_version().pk})
    assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"
