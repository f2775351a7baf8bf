"""The assessments API on an authority host: roles, the workflow, errors, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.assessments.models import Answer, Assessment
from tenants.context import authority_context
from tenants.roles import Role
from tests.factories import full_answers, make_assessment, make_proposal, seed_version

URL = "/api/v1/assessments"


@pytest.fixture
def officer(make_member, authority_a):
    return make_member(authority_a, Role.OFFICER)


@pytest.fixture
def proposal(authority_a):
    with authority_context(authority_a):
        return make_proposal()


def _start(member, authority, proposal):
    response = member.client(authority).post(URL, {"proposal": proposal.pk})
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_full_workflow(authority_a, officer, make_member, proposal):
    client = officer.client(authority_a)
    started = _start(officer, authority_a, proposal)
    assert started["status"] == "draft" and started["methodology_version_label"] == "1.0"
    assert started["verdicts"] is None and started["allowed_transitions"] == ["submitted"]
    url = f"{URL}/{started['id']}"
    with authority_context(authority_a):
        answers = full_answers(seed_version(), 4)
    response = client.post(f"{url}/answers", {"answers": answers})
    assert response.status_code == 200 and len(response.json()["answers"]) == 18
    response = client.post(f"{url}/submit")
    assert response.status_code == 200
    assert response.json()["verdicts"]["overall"] == "met"
    reviewer = make_member(authority_a, Role.ADMIN).client(authority_a)
    response = reviewer.post(f"{url}/sign-off")
    assert response.status_code == 200 and response.json()["status"] == "signed_off"
    assert response.json()["reviewer"]["id"] != response.json()["assessor"]["id"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, 201), (Role.OFFICER, 201), (Role.FACILITATOR, 403), (Role.VIEWER, 403)],
)
def test_only_caseworkers_start_assessments(role, expected, authority_a, make_member, proposal):
    response = (
        make_member(authority_a, role).client(authority_a).post(URL, {"proposal": proposal.pk})
    )
    assert response.status_code == expected


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.VIEWER])
def test_readers_cannot_write_anything(role, authority_a, make_member, officer):
    with authority_context(authority_a):
        assessment = make_assessment(authority=authority_a, assessor=officer.user, submitted=True)
    client = make_member(authority_a, role).client(authority_a)
    url = f"{URL}/{assessment.pk}"
    assert client.get(url).status_code == 200
    for path, body in [
        ("answers", {"answers": [{"question": "legal_basis", "value": 1}]}),
        ("submit", {}),
        ("sign-off", {}),
        ("return", {"comment": "No"}),
    ]:
        response = client.post(f"{url}/{path}", body)
        assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"


def test_starting_on_a_draft_proposal_answers_409_with_the_reason(authority_a, officer):
    with authority_context(authority_a):
        proposal = make_proposal(status="draft")
    response = officer.client(authority_a).post(URL, {"proposal": proposal.pk})
    assert response.status_code == 409
    assert response.json()["code"] == "proposal_not_in_assessment"
    assert "'draft'" in response.json()["detail"]


def test_a_second_open_assessment_answers_409(authority_a, officer, proposal):
    _start(officer, authority_a, proposal)
    response = officer.client(authority_a).post(URL, {"proposal": proposal.pk})
    assert response.status_code == 409 and response.json()["code"] == "assessment_already_open"


def test_unknown_keys_and_wrong_types_answer_400_naming_them(authority_a, officer, proposal):
    started = _start(officer, authority_a, proposal)
    response = officer.client(authority_a).post(
        f"{URL}/{started['id']}/answers",
        {
            "answers": [
                {"question": "purpose_clarity", "value": 4},
                {"question": "made_up", "value": 4},
                {"question": "legal_basis", "value": "high"},
            ]
        },
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"answers.made_up", "answers.legal_basis.value"}
    with authority_context(authority_a):
        assert not Answer.objects.filter(assessment_id=started["id"]).exists()


def test_a_bad_link_answers_400(authority_a, officer, proposal):
    started = _start(officer, authority_a, proposal)
    response = officer.client(authority_a).post(
        f"{URL}/{started['id']}/answers",
        {"answers": [{"question": "legal_basis", "value": 4, "link": "not a url"}]},
    )
    assert response.status_code == 400 and "answers.0.link" in response.json()["fields"]


def test_submit_answers_400_listing_missing_answers_and_evidence(authority_a, officer, proposal):
    started = _start(officer, authority_a, proposal)
    client = officer.client(authority_a)
    client.post(
        f"{URL}/{started['id']}/answers",
        {"answers": [{"question": "legal_basis", "value": 4}]},
    )
    response = client.post(f"{URL}/{started['id']}/submit")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert "evidence.legal_basis" in fields and "answers.purpose_clarity" in fields
    assert "answers.legal_basis" not in fields
    assert "answers.purpose_clarity" in response.json()["detail"]


def test_verdicts_sent_by_the_client_are_ignored(authority_a, officer, proposal):
    started = _start(officer, authority_a, proposal)
    client = officer.client(authority_a)
    with authority_context(authority_a):
        answers = full_answers(seed_version(), 2)
    client.post(
        f"{URL}/{started['id']}/answers",
        {"answers": answers, "verdicts": {"overall": "met"}},
    )
    assert (
        client.patch(f"{URL}/{started['id']}", {"verdicts": {"overall": "met"}}).status_code == 405
    )
    response = client.post(f"{URL}/{started['id']}/submit", {"verdicts": {"overall": "met"}})
    assert response.json()["verdicts"]["overall"] == "not_met"


def test_the_assessor_cannot_sign_off_through_the_api(authority_a, officer):
    with authority_context(authority_a):
        assessment = make_assessment(authority=authority_a, assessor=officer.user, submitted=True)
    response = officer.client(authority_a).post(f"{URL}/{assessment.pk}/sign-off")
    assert response.status_code == 409 and response.json()["code"] == "reviewer_contributed"


def test_signing_off_a_draft_answers_409_with_allowed_moves(authority_a, officer, make_member):
    with authority_context(authority_a):
        assessment = make_assessment(authority=authority_a, assessor=officer.user)
    reviewer = make_member(authority_a, Role.ADMIN).client(authority_a)
    response = reviewer.post(f"{URL}/{assessment.pk}/sign-off")
    assert response.status_code == 409
    assert response.json()["context"] == {
        "current": "draft",
        "requested": "signed_off",
        "allowed": ["submitted"],
    }


def test_return_to_draft_with_a_comment(authority_a, officer, make_member):
    with authority_context(authority_a):
        assessment = make_assessment(authority=authority_a, assessor=officer.user, submitted=True)
    reviewer = make_member(authority_a, Role.OFFICER).client(authority_a)
    assert reviewer.post(f"{URL}/{assessment.pk}/return", {}).status_code == 400
    response = reviewer.post(f"{URL}/{assessment.pk}/return", {"comment": "Evidence missing."})
    assert response.status_code == 200
    assert response.json()["status"] == "draft" and response.json()["verdicts"] is None
    assert response.json()["return_comment"] == "Evidence missing."


def test_a_coordinator_cannot_read_an_authoritys_assessments(authority_a, make_member, officer):
    with authority_context(authority_a):
        assessment = make_assessment(authority=authority_a, assessor=officer.user)
    coordinator = make_member(None, Role.COORDINATOR).client(authority_a)
    for url in (URL, f"{URL}/{assessment.pk}"):
        response = coordinator.get(url)
        assert response.status_code == 403 and response.json()["code"] == "not_a_member"


def test_list_filters_by_proposal_and_status(authority_a, officer):
    with authority_context(authority_a):
        draft = make_assessment(authority=authority_a, assessor=officer.user)
        submitted = make_assessment(authority=authority_a, assessor=officer.user, submitted=True)
    client = officer.client(authority_a)
    by_status = client.get(URL, {"status": "submitted"}).json()["results"]
    assert [a["id"] for a in by_status] == [submitted.pk]
    by_proposal = client.get(URL, {"proposal": draft.proposal_id}).json()["results"]
    assert [a["id"] for a in by_proposal] == [draft.pk]


def test_list_runs_a_constant_number_of_queries(authority_a, officer, make_member):
    reviewer = make_member(authority_a, Role.ADMIN).user
    client = officer.client(authority_a)
    counts = []
    for total in (5, 50):
        with authority_context(authority_a):
            while Assessment.objects.count() < total:
                assessment = make_assessment(
                    authority=authority_a, assessor=officer.user, submitted=True
                )
                Assessment.objects.filter(pk=assessment.pk).update(reviewer=reviewer)
        client.get(URL)  # warm the host → authority cache so both runs measure the same work
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"page_size": 100})
        assert response.json()["count"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_detail_runs_a_bounded_number_of_queries(authority_a, officer):
    with authority_context(authority_a):
        assessment = make_assessment(authority=authority_a, assessor=officer.user, answered=True)
    with CaptureQueriesContext(connection) as queries:
        response = officer.client(authority_a).get(f"{URL}/{assessment.pk}")
    assert len(response.json()["answers"]) == 18
    statements = [q for q in queries.captured_queries if not q["sql"].startswith("SET ")]
    # host lookup, token with its user and role (api.authentication), the assessment, its
    # answers, its contributors
    assert len(statements) == 5
