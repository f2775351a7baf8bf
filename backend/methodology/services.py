"""Writes on the methodology: drafts, their criteria and questions, publish, retire, copy,
and each authority's adoption of a version.

Every edit goes through ``_require_draft`` first: a published or retired
version answers 409 ``version_immutable``, because assessments already made
against it must stay reproducible.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.core.errors import Conflict
from backend.methodology.framework import DEFAULT_CRITERIA
from backend.methodology.models import (
    AnswerType,
    Criterion,
    CriterionKind,
    MethodologyAdoption,
    MethodologyVersion,
    Question,
    VersionStatus,
)
from backend.methodology.selectors import (
    methodology_current_adoption,
    methodology_newest_published,
)
from backend.methodology.transitions import VERSION_TRANSITIONS
from tenants.models import Authority

QUESTION_FIELDS = (
    "text",
    "guidance",
    "tests",
    "features",
    "answer_type",
    "scale_labels",
    "required",
    "evidence_required",
    "weight",
    "order",
)
CRITERION_FIELDS = (
    "name",
    "description",
    "order",
    "met_threshold",
    "partly_met_threshold",
    "lowest_required_means_not_met",
)


def _require_draft(version: MethodologyVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            f"Methodology version {version.label} is {version.status} and cannot be changed. "
            "Copy it into a new draft and edit that instead.",
            code="version_immutable",
        )


def _locked(version: MethodologyVersion) -> MethodologyVersion:
    """Re-read the version under a row lock so a concurrent publish cannot slip between
    the draft check and the edit."""
    return MethodologyVersion.objects.select_for_update().get(pk=version.pk)


def _check_label_free(label: str, *, exclude: int | None = None) -> None:
    taken = MethodologyVersion.objects.filter(label=label)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"label": [f"A methodology version labelled '{label}' exists."]})


@transaction.atomic
def methodology_version_create(
    *, label: str, change_notes: str = "", actor: User | None
) -> MethodologyVersion:
    """A blank draft holding the framework's three tests and five features, no questions."""
    _check_label_free(label)
    version = MethodologyVersion.objects.create(
        label=label, change_notes=change_notes, created_by=actor
    )
    Criterion.objects.bulk_create(
        Criterion(version=version, **criterion) for criterion in DEFAULT_CRITERIA
    )
    return version


@transaction.atomic
def methodology_version_update(*, version: MethodologyVersion, **fields: Any) -> MethodologyVersion:
    version = _locked(version)
    _require_draft(version)
    if "label" in fields:
        _check_label_free(fields["label"], exclude=version.pk)
    for name in ("label", "change_notes"):
        if name in fields:
            setattr(version, name, fields[name])
    version.save()
    return version


@transaction.atomic
def methodology_version_delete(*, version: MethodologyVersion) -> None:
    version = _locked(version)
    _require_draft(version)
    version.delete()


@transaction.atomic
def methodology_version_copy(
    *, source: MethodologyVersion, label: str, change_notes: str = "", actor: User | None
) -> MethodologyVersion:
    """A new draft with deep copies of the source's criteria, rules and questions."""
    _check_label_free(label)
    draft = MethodologyVersion.objects.create(
        label=label, change_notes=change_notes, based_on=source, created_by=actor
    )
    Criterion.objects.bulk_create(
        Criterion(
            version=draft,
            kind=criterion.kind,
            key=criterion.key,
            **{name: getattr(criterion, name) for name in CRITERION_FIELDS},
        )
        for criterion in Criterion.objects.filter(version=source)
    )
    Question.objects.bulk_create(
        Question(
            version=draft,
            key=question.key,
            **{name: getattr(question, name) for name in QUESTION_FIELDS},
        )
        for question in Question.objects.filter(version=source)
    )
    return draft


def _uninformed_criteria(version: MethodologyVersion) -> list[str]:
    informed: set[str] = set()
    for tests, features in Question.objects.filter(version=version).values_list(
        "tests", "features"
    ):
        informed.update(tests)
        informed.update(features)
    keys = Criterion.objects.filter(version=version).values_list("key", flat=True)
    return sorted(set(keys) - informed)


@transaction.atomic
def methodology_version_publish(*, version: MethodologyVersion) -> MethodologyVersion:
    version = _locked(version)
    VERSION_TRANSITIONS.check(version.status, VersionStatus.PUBLISHED)
    uninformed = _uninformed_criteria(version)
    if uninformed:
        raise Conflict(
            f"Version {version.label} cannot be published: no question informs "
            f"{', '.join(uninformed)}.",
            code="version_incomplete",
        )
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at", "updated_at"])
    return version


@transaction.atomic
def methodology_version_retire(*, version: MethodologyVersion) -> MethodologyVersion:
    """Retired versions stay readable (assessments name them) but cannot be newly adopted."""
    version = _locked(version)
    VERSION_TRANSITIONS.check(version.status, VersionStatus.RETIRED)
    version.status = VersionStatus.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at", "updated_at"])
    return version


@transaction.atomic
def criterion_update(*, criterion: Criterion, **fields: Any) -> Criterion:
    _require_draft(_locked(criterion.version))
    for name in CRITERION_FIELDS:
        if name in fields:
            setattr(criterion, name, fields[name])
    if Decimal(criterion.partly_met_threshold) > Decimal(criterion.met_threshold):
        raise ValidationError(
            {"partly_met_threshold": ["The partly met threshold cannot exceed the met threshold."]}
        )
    criterion.save()
    return criterion


def _validate_question(version: MethodologyVersion, question: Question) -> None:
    errors: dict[str, list[str]] = {}
    kinds = dict(Criterion.objects.filter(version=version).values_list("key", "kind"))
    for name, kind in (("tests", CriterionKind.TEST), ("features", CriterionKind.FEATURE)):
        unknown = sorted(key for key in getattr(question, name) if kinds.get(key) != kind)
        if unknown:
            known = sorted(key for key, k in kinds.items() if k == kind)
            errors[name] = [
                f"Unknown {kind} keys: {', '.join(unknown)}. Known: {', '.join(known)}."
            ]
        if len(set(getattr(question, name))) != len(getattr(question, name)):
            errors.setdefault(name, []).append("A key is listed twice.")
    if not question.tests and not question.features:
        errors["tests"] = ["A question must inform at least one test or feature."]
    if question.answer_type == AnswerType.SCALE_5:
        labels = question.scale_labels
        if len(labels) != 5 or any(not str(label).strip() for label in labels):
            errors["scale_labels"] = ["A five-point question needs five non-blank labels."]
    elif question.scale_labels:
        errors["scale_labels"] = ["Only five-point questions have scale labels."]
    if Decimal(question.weight) <= 0:
        errors["weight"] = ["The weight must be greater than zero."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def question_create(*, version: MethodologyVersion, key: str, **fields: Any) -> Question:
    version = _locked(version)
    _require_draft(version)
    if Question.objects.filter(version=version, key=key).exists():
        raise ValidationError({"key": [f"Version {version.label} already has a question '{key}'."]})
    question = Question(version=version, key=key)
    for name in QUESTION_FIELDS:
        if name in fields:
            setattr(question, name, fields[name])
    _validate_question(version, question)
    question.save()
    return question


@transaction.atomic
def question_update(*, question: Question, **fields: Any) -> Question:
    version = _locked(question.version)
    _require_draft(version)
    for name in QUESTION_FIELDS:
        if name in fields:
            setattr(question, name, fields[name])
    _validate_question(version, question)
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _require_draft(_locked(question.version))
    question.delete()


def methodology_version_for(*, authority: Authority) -> MethodologyVersion:
    """The version the authority uses. The first time it is needed, the newest published
    version is adopted and the adoption recorded, so the choice is explicit from then on."""
    adoption = methodology_current_adoption(authority=authority)
    if adoption is not None:
        return adoption.version
    return methodology_adopt_initial(authority=authority)


@transaction.atomic
def methodology_adopt_initial(*, authority: Authority) -> MethodologyVersion:
    # Lock the authority so two first requests do not record two adoptions.
    Authority.objects.select_for_update().filter(pk=authority.pk).first()
    adoption = methodology_current_adoption(authority=authority)
    if adoption is not None:
        return adoption.version
    newest = methodology_newest_published()
    if newest is None:
        raise Conflict("No methodology version is published yet.", code="no_published_methodology")
    MethodologyAdoption.objects.create(
        authority=authority, version=newest, adopted_at=timezone.now()
    )
    return newest


@transaction.atomic
def methodology_adopt(
    *, authority: Authority, version: MethodologyVersion, actor: User
) -> MethodologyAdoption:
    """Move the authority to a newer published version. Assessments already started keep
    the version they were started with."""
    current = methodology_version_for(authority=authority)
    if version.status != VersionStatus.PUBLISHED:
        raise Conflict(
            f"Version {version.label} is {version.status}; only a published version can be "
            "adopted.",
            code="version_not_published",
        )
    if version.pk == current.pk:
        raise Conflict(f"Version {version.label} is already in use.", code="already_adopted")
    assert version.published_at is not None and current.published_at is not None
    if version.published_at <= current.published_at:
        raise Conflict(
            f"Version {version.label} is older than {current.label}, the version in use; "
            "an authority can only move to a newer published version.",
            code="version_not_newer",
        )
    return MethodologyAdoption.objects.create(
        authority=authority, version=version, adopted_at=timezone.now(), adopted_by=actor
    )
