"""Methodology services: the 1.0 seed, copying, diffing, publishing and adoption."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backend.core.errors import Conflict, InvalidTransition
from backend.methodology.diff import methodology_version_diff
from backend.methodology.models import (
    Criterion,
    MethodologyAdoption,
    MethodologyVersion,
    Question,
    VersionStatus,
)
from backend.methodology.services import (
    criterion_update,
    methodology_adopt,
    methodology_version_copy,
    methodology_version_create,
    methodology_version_for,
    methodology_version_publish,
    methodology_version_retire,
    question_create,
    question_delete,
    question_update,
)
from tests.factories import seed_version

TOPICS = {
    "purpose_clarity",
    "who_benefits",
    "data_minimisation",
    "less_intrusive_options",
    "legal_basis",
    "security_controls",
    "retention_and_deletion",
    "openness_to_data_subjects",
    "public_involvement",
    "benefit_evidence",
    "benefit_measurement",
    "cost_justified",
}


def _published_copy(label: str) -> MethodologyVersion:
    return methodology_version_publish(
        version=methodology_version_copy(source=seed_version(), label=label, actor=None)
    )


def test_seed_is_version_1_0_published_with_18_five_point_questions(db):
    version = seed_version()
    assert version.status == VersionStatus.PUBLISHED and version.published_at is not None
    questions = Question.objects.filter(version=version)
    assert questions.count() == 18
    assert {q.answer_type for q in questions} == {"scale_5"}
    assert all(len(q.scale_labels) == 5 for q in questions)
    assert {q.key for q in questions} >= TOPICS


def test_seed_has_three_tests_and_five_features_each_informed_by_several_questions(db):
    version = seed_version()
    criteria = Criterion.objects.filter(version=version)
    assert sorted(c.key for c in criteria if c.kind == "test") == [
        "proportionate",
        "purposeful",
        "responsible",
    ]
    assert len([c for c in criteria if c.kind == "feature"]) == 5
    for criterion in criteria:
        informing = [
            q
            for q in Question.objects.filter(version=version)
            if criterion.key in q.tests or criterion.key in q.features
        ]
        assert len(informing) >= 3, criterion.key


def test_copy_is_a_deep_copy_into_a_draft(db):
    source = seed_version()
    draft = methodology_version_copy(source=source, label="1.1", actor=None)
    assert draft.status == VersionStatus.DRAFT and draft.based_on == source
    fields = ["key", "text", "tests", "features", "weight", "scale_labels", "required"]
    assert list(Question.objects.filter(version=draft).values(*fields)) == list(
        Question.objects.filter(version=source).values(*fields)
    )
    assert Criterion.objects.filter(version=draft).count() == 8
    question_update(question=Question.objects.get(version=draft, key="legal_basis"), text="New")
    assert Question.objects.get(version=source, key="legal_basis").text != "New"


def test_copy_refuses_a_label_in_use(db):
    with pytest.raises(ValidationError) as error:
        methodology_version_copy(source=seed_version(), label="1.0", actor=None)
    assert "label" in error.value.message_dict


def test_diff_lists_added_removed_and_changed_questions(db):
    base = seed_version()
    draft = methodology_version_copy(source=base, label="1.1", actor=None)
    question_delete(question=Question.objects.get(version=draft, key="frequency_and_duration"))
    question_update(
        question=Question.objects.get(version=draft, key="legal_basis"),
        weight=Decimal("3"),
        required=False,
    )
    question_create(
        version=draft,
        key="automated_decisions",
        text="Will any decision about a person be made by a machine alone?",
        tests=["responsible"],
        answer_type="yes_no",
    )
    criterion_update(
        criterion=Criterion.objects.get(version=draft, key="purposeful"),
        met_threshold=Decimal("0.8"),
    )
    diff = methodology_version_diff(base=base, other=draft)
    assert diff["added"] == ["automated_decisions"]
    assert diff["removed"] == ["frequency_and_duration"]
    assert diff["changed"] == [
        {
            "key": "legal_basis",
            "fields": {
                "required": {"from": True, "to": False},
                "weight": {"from": "2", "to": "3"},
            },
        }
    ]
    assert diff["criteria_changed"] == [
        {"key": "purposeful", "fields": {"met_threshold": {"from": "0.75", "to": "0.8"}}}
    ]


def test_diff_of_identical_versions_is_empty(db):
    draft = methodology_version_copy(source=seed_version(), label="1.1", actor=None)
    diff = methodology_version_diff(base=seed_version(), other=draft)
    assert diff["added"] == diff["removed"] == diff["changed"] == diff["criteria_changed"] == []


def test_a_blank_draft_has_the_framework_criteria_and_no_questions(db):
    draft = methodology_version_create(label="2.0", actor=None)
    assert Criterion.objects.filter(version=draft).count() == 8
    assert not Question.objects.filter(version=draft).exists()


def test_a_draft_without_questions_for_every_criterion_cannot_be_published(db):
    draft = methodology_version_create(label="2.0", actor=None)
    with pytest.raises(Conflict) as error:
        methodology_version_publish(version=draft)
    assert error.value.code == "version_incomplete"
    assert "purposeful" in str(error.value)


def test_publishing_a_draft_freezes_it_with_a_date(db):
    draft = methodology_version_copy(source=seed_version(), label="9.9", actor=None)
    version = methodology_version_publish(version=draft)
    assert version.status == VersionStatus.PUBLISHED and version.published_at is not None


def test_retiring_a_published_version_keeps_it_readable(db):
    version = methodology_version_retire(version=_published_copy("9.9"))
    assert version.status == VersionStatus.RETIRED and version.retired_at is not None
    assert Question.objects.filter(version=version).count() == 18


@pytest.mark.parametrize("status", ["published", "retired"])
def test_publishing_a_version_that_is_not_a_draft_is_illegal(db, status):
    version = _published_copy("9.9")
    if status == "retired":
        version = methodology_version_retire(version=version)
    with pytest.raises(InvalidTransition) as error:
        methodology_version_publish(version=version)
    assert error.value.allowed == (["retired"] if status == "published" else [])


def test_retiring_a_draft_is_illegal(db):
    draft = methodology_version_copy(source=seed_version(), label="9.9", actor=None)
    with pytest.raises(InvalidTransition):
        methodology_version_retire(version=draft)


def test_a_question_must_inform_a_known_test_or_feature(db):
    draft = methodology_version_copy(source=seed_version(), label="1.1", actor=None)
    with pytest.raises(ValidationError) as error:
        question_create(version=draft, key="x", text="?", answer_type="yes_no")
    assert "tests" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        question_create(
            version=draft, key="x", text="?", answer_type="yes_no", features=["purposeful"]
        )
    assert "features" in error.value.message_dict


def test_a_five_point_question_needs_five_labels(db):
    draft = methodology_version_copy(source=seed_version(), label="1.1", actor=None)
    with pytest.raises(ValidationError) as error:
        question_create(
            version=draft,
            key="x",
            text="?",
            answer_type="scale_5",
            tests=["purposeful"],
            scale_labels=["a", "b"],
        )
    assert "scale_labels" in error.value.message_dict


def test_first_need_adopts_the_newest_published_version_and_records_it(authority_a):
    MethodologyAdoption.objects.filter(authority=authority_a).delete()
    newest = _published_copy("1.1")
    assert methodology_version_for(authority=authority_a) == newest
    adoption = MethodologyAdoption.objects.get(authority=authority_a)
    assert adoption.version == newest and adoption.adopted_by is None


def test_adopting_a_newer_published_version_moves_the_pin(authority_a, make_member):
    admin = make_member(authority_a, "admin")
    assert methodology_version_for(authority=authority_a) == seed_version()
    newer = _published_copy("1.1")
    methodology_adopt(authority=authority_a, version=newer, actor=admin.user)
    assert methodology_version_for(authority=authority_a) == newer


@pytest.mark.parametrize("kind", ["same", "older", "draft", "retired"])
def test_adoption_refuses_anything_but_a_newer_published_version(kind, authority_a, make_member):
    admin = make_member(authority_a, "admin")
    methodology_version_for(authority=authority_a)
    if kind == "same":
        target = seed_version()
        code = "already_adopted"
    elif kind == "older":
        newer = _published_copy("1.1")
        methodology_adopt(authority=authority_a, version=newer, actor=admin.user)
        target = seed_version()
        code = "version_not_newer"
    elif kind == "draft":
        target = methodology_version_copy(source=seed_version(), label="1.1", actor=None)
        code = "version_not_published"
    else:
        target = methodology_version_retire(version=_published_copy("1.1"))
        code = "version_not_published"
    before = MethodologyAdoption.objects.filter(authority=authority_a).count()
    with pytest.raises(Conflict) as error:
        methodology_adopt(authority=authority_a, version=target, actor=admin.user)
    assert error.value.code == code
    assert MethodologyAdoption.objects.filter(authority=authority_a).count() == before
