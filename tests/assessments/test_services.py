"""Assessment services: starting, answering, submitting, signing off, returning."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.assessments.models import Answer, Assessment, AssessmentStatus
from backend.assessments.services import (
    assessment_answers_save,
    assessment_return,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
)
from backend.core.errors import Conflict, InvalidTransition
from backend.methodology.models import Question
from backend.methodology.services import (
    methodology_adopt,
    methodology_version_copy,
    methodology_version_for,
    methodology_version_publish,
    question_create,
)
from backend.proposals.models import ProposalStatus
from tenants.roles import Role
from tests.factories import full_answers, make_assessment, make_proposal, seed_version


@pytest.fixture
def assessor(make_member, authority_a):
    return make_member(authority_a, Role.OFFICER).user


@pytest.fixture
def reviewer(make_member, authority_a):
    return make_member(authority_a, Role.ADMIN).user


def test_start_uses_the_authoritys_version(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor)
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.methodology_version == methodology_version_for(authority=in_authority_a)
    assert assessment.assessor == assessor


@pytest.mark.parametrize(
    "status",
    [s for s in ProposalStatus.values if s != ProposalStatus.IN_ASSESSMENT],
)
def test_start_needs_a_proposal_in_assessment(status, in_authority_a, assessor):
    proposal = make_proposal(status=status)
    # Proposals past assessment carry the signed-off assessment that got them there.
    before = Assessment.objects.filter(proposal=proposal).count()
    with pytest.raises(Conflict) as error:
        assessment_start(proposal=proposal, authority=in_authority_a, actor=assessor)
    assert error.value.code == "proposal_not_in_assessment"
    assert f"'{status}'" in str(error.value)
    assert Assessment.objects.filter(proposal=proposal).count() == before


@pytest.mark.parametrize("submitted", [False, True])
def test_only_one_open_assessment_per_proposal(submitted, in_authority_a, assessor):
    first = make_assessment(authority=in_authority_a, assessor=assessor, submitted=submitted)
    with pytest.raises(Conflict) as error:
        assessment_start(proposal=first.proposal, authority=in_authority_a, actor=assessor)
    assert error.value.code == "assessment_already_open"
    assert str(first.pk) in str(error.value)


def test_a_reassessment_is_a_new_assessment_and_the_old_one_is_kept(
    in_authority_a, assessor, reviewer
):
    first = make_assessment(authority=in_authority_a, assessor=assessor, submitted=True)
    assessment_sign_off(assessment=first, actor=reviewer)
    second = assessment_start(proposal=first.proposal, authority=in_authority_a, actor=assessor)
    assert second.pk != first.pk
    statuses = set(
        Assessment.objects.filter(proposal=first.proposal).values_list("status", flat=True)
    )
    assert statuses == {"signed_off", "draft"}


def test_existing_assessments_keep_their_version_after_adoption(in_authority_a, assessor, reviewer):
    old = make_assessment(authority=in_authority_a, assessor=assessor)
    newer = methodology_version_publish(
        version=methodology_version_copy(source=seed_version(), label="1.1", actor=None)
    )
    methodology_adopt(authority=in_authority_a, version=newer, actor=reviewer)
    new = make_assessment(authority=in_authority_a, assessor=assessor)
    old.refresh_from_db()
    assert old.methodology_version == seed_version()
    assert new.methodology_version == newer


def test_answers_save_partially_and_update_by_key(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor)
    assessment_answers_save(
        assessment=assessment,
        answers=[{"question": "legal_basis", "value": 2, "evidence": "DPO note"}],
        actor=assessor,
    )
    assessment_answers_save(
        assessment=assessment, answers=[{"question": "legal_basis", "value": 5}], actor=assessor
    )
    answer = Answer.objects.get(assessment=assessment)
    assert (answer.question_key, answer.value, answer.evidence) == ("legal_basis", 5, "DPO note")


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"question": "no_such_question", "value": 3}, "answers.no_such_question"),
        ({"question": "legal_basis", "value": 6}, "answers.legal_basis.value"),
        ({"question": "legal_basis", "value": 0}, "answers.legal_basis.value"),
        ({"question": "legal_basis", "value": True}, "answers.legal_basis.value"),
        ({"question": "legal_basis", "value": "4"}, "answers.legal_basis.value"),
        ({"question": "legal_basis", "value": 3.5}, "answers.legal_basis.value"),
    ],
)
def test_bad_answers_are_named_and_nothing_is_written(item, field, in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor)
    good = {"question": "purpose_clarity", "value": 4}
    with pytest.raises(ValidationError) as error:
        assessment_answers_save(assessment=assessment, answers=[good, item], actor=assessor)
    assert field in error.value.message_dict
    assert not Answer.objects.filter(assessment=assessment).exists()


def _draft_with_other_types(assessor):
    draft = methodology_version_copy(source=seed_version(), label="1.1", actor=None)
    question_create(
        version=draft, key="yes_no_q", text="?", answer_type="yes_no", tests=["responsible"]
    )
    question_create(
        version=draft,
        key="text_q",
        text="?",
        answer_type="free_text",
        tests=["responsible"],
        required=False,
    )
    return methodology_version_publish(version=draft)


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [
        ("yes_no_q", True, True),
        ("yes_no_q", False, True),
        ("yes_no_q", 1, False),
        ("yes_no_q", "yes", False),
        ("text_q", "Plenty of words.", True),
        ("text_q", "x" * 5000, True),
        ("text_q", "x" * 5001, False),
        ("text_q", 3, False),
    ],
)
def test_answer_values_are_checked_by_type(key, value, ok, in_authority_a, assessor, reviewer):
    methodology_version_for(authority=in_authority_a)
    version = _draft_with_other_types(assessor)
    methodology_adopt(authority=in_authority_a, version=version, actor=reviewer)
    assessment = make_assessment(authority=in_authority_a, assessor=assessor)
    items = [{"question": key, "value": value}]
    if ok:
        assessment_answers_save(assessment=assessment, answers=items, actor=assessor)
        assert Answer.objects.get(assessment=assessment).value == value
    else:
        with pytest.raises(ValidationError) as error:
            assessment_answers_save(assessment=assessment, answers=items, actor=assessor)
        assert f"answers.{key}.value" in error.value.message_dict


def test_submit_lists_missing_answers_and_missing_evidence(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor)
    answers = [a for a in full_answers(seed_version()) if a["question"] != "purpose_clarity"]
    for answer in answers:
        if answer["question"] == "legal_basis":
            answer["evidence"] = ""
    assessment_answers_save(assessment=assessment, answers=answers, actor=assessor)
    with pytest.raises(ValidationError) as error:
        assessment_submit(assessment=assessment, actor=assessor)
    assert set(error.value.message_dict) == {"answers.purpose_clarity", "evidence.legal_basis"}
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT and assessment.verdicts == {}


def test_submit_of_an_empty_assessment_lists_every_required_key(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor)
    with pytest.raises(ValidationError) as error:
        assessment_submit(assessment=assessment, actor=assessor)
    required = Question.objects.filter(version=seed_version(), required=True)
    evidence = required.filter(evidence_required=True)
    assert set(error.value.message_dict) == {f"answers.{q.key}" for q in required} | {
        f"evidence.{q.key}" for q in evidence
    }


def test_optional_questions_may_be_left_unanswered(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor)
    optional = set(
        Question.objects.filter(version=seed_version(), required=False).values_list(
            "key", flat=True
        )
    )
    answers = [a for a in full_answers(seed_version()) if a["question"] not in optional]
    assessment_answers_save(assessment=assessment, answers=answers, actor=assessor)
    assert assessment_submit(assessment=assessment, actor=assessor).status == "submitted"


@pytest.mark.parametrize(
    ("value", "overall"), [(5, "met"), (4, "met"), (3, "partly_met"), (2, "not_met")]
)
def test_submit_computes_verdicts_from_the_versions_rules(value, overall, in_authority_a, assessor):
    assessment = make_assessment(
        authority=in_authority_a, assessor=assessor, submitted=True, value=value
    )
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.submitted_at
    assert assessment.verdicts["overall"] == overall
    assert set(assessment.verdicts["tests"]) == {"purposeful", "proportionate", "responsible"}
    assert len(assessment.verdicts["features"]) == 5


def test_one_required_answer_at_the_lowest_point_fails_its_tests(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor)
    answers = full_answers(seed_version(), 5, legal_basis=1)
    assessment_answers_save(assessment=assessment, answers=answers, actor=assessor)
    verdicts = assessment_submit(assessment=assessment, actor=assessor).verdicts
    assert verdicts["tests"] == {
        "purposeful": "met",
        "proportionate": "met",
        "responsible": "not_met",
    }
    assert verdicts["features"]["respects_individuals"] == "not_met"
    assert verdicts["overall"] == "not_met"
    assert verdicts["scores"]["tests"]["responsible"]["lowest_required"] == ["legal_basis"]


# Every transition, legal and illegal: (from, action, legal)
ACTIONS = {
    "submit": lambda a, assessor, reviewer: assessment_submit(assessment=a, actor=assessor),
    "sign_off": lambda a, assessor, reviewer: assessment_sign_off(assessment=a, actor=reviewer),
    "return": lambda a, assessor, reviewer: assessment_return(
        assessment=a, actor=reviewer, comment="Evidence for Q9 is thin."
    ),
}
TRANSITIONS = [
    ("draft", "submit", "submitted"),
    ("draft", "sign_off", None),
    ("draft", "return", None),
    ("submitted", "submit", None),
    ("submitted", "sign_off", "signed_off"),
    ("submitted", "return", "draft"),
    ("signed_off", "submit", None),
    ("signed_off", "sign_off", None),
    ("signed_off", "return", None),
]


@pytest.mark.parametrize(("start", "action", "result"), TRANSITIONS)
def test_assessment_transitions(start, action, result, in_authority_a, assessor, reviewer):
    assessment = make_assessment(
        authority=in_authority_a, assessor=assessor, answered=True, submitted=start != "draft"
    )
    if start == "signed_off":
        assessment = assessment_sign_off(assessment=assessment, actor=reviewer)
    if result is None:
        with pytest.raises(InvalidTransition) as error:
            ACTIONS[action](assessment, assessor, reviewer)
        assert error.value.current == start
        assessment.refresh_from_db()
        assert assessment.status == start
    else:
        assert ACTIONS[action](assessment, assessor, reviewer).status == result


def test_the_assessor_cannot_sign_off_their_own_assessment(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor, submitted=True)
    with pytest.raises(Conflict) as error:
        assessment_sign_off(assessment=assessment, actor=assessor)
    assert error.value.code == "reviewer_contributed"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.reviewer is None


def test_sign_off_records_the_reviewer_and_time(in_authority_a, assessor, reviewer):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor, submitted=True)
    signed = assessment_sign_off(assessment=assessment, actor=reviewer)
    assert signed.reviewer == reviewer and signed.signed_off_at is not None


def test_return_needs_a_comment_and_clears_the_verdicts(in_authority_a, assessor, reviewer):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor, submitted=True)
    with pytest.raises(ValidationError):
        assessment_return(assessment=assessment, actor=reviewer, comment="  ")
    returned = assessment_return(assessment=assessment, actor=reviewer, comment="Check Q3.")
    assert returned.status == "draft" and returned.verdicts == {}
    assert (returned.return_comment, returned.returned_by) == ("Check Q3.", reviewer)


def test_the_assessor_cannot_return_their_own_assessment(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor, submitted=True)
    with pytest.raises(Conflict) as error:
        assessment_return(assessment=assessment, actor=assessor, comment="Oops")
    assert error.value.code == "reviewer_contributed"


def test_answers_cannot_change_after_submit(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor, submitted=True)
    with pytest.raises(Conflict) as error:
        assessment_answers_save(
            assessment=assessment, answers=[{"question": "legal_basis", "value": 1}], actor=assessor
        )
    assert error.value.code == "assessment_not_draft"


def test_history_records_who_changed_what(in_authority_a, assessor, reviewer):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor, submitted=True)
    assessment_sign_off(assessment=assessment, actor=reviewer)
    events = list(
        Assessment.pgh_event_model.objects.filter(pgh_obj=assessment)  # type: ignore[attr-defined]
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    assert [e.status for e in events] == ["draft", "draft", "submitted", "signed_off"]
    assert events[-1].pgh_context.metadata["user"] == reviewer.pk
    assert events[0].pgh_context.metadata["user"] == assessor.pk
    answer_events = Answer.pgh_event_model.objects.filter(  # type: ignore[attr-defined]
        pgh_obj__assessment=assessment
    )
    assert answer_events.count() == 18
    assert {e.pgh_context.metadata["user"] for e in answer_events} == {assessor.pk}


def test_bulk_answer_saves_are_few_queries(in_authority_a, assessor):
    assessment = make_assessment(authority=in_authority_a, assessor=assessor)
    with CaptureQueriesContext(connection) as queries:
        assessment_answers_save(
            assessment=assessment, answers=full_answers(seed_version()), actor=assessor
        )
    assert Answer.objects.filter(assessment=assessment).count() == 18
    assert len(queries) < 60
