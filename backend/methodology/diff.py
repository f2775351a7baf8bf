"""What changed between two methodology versions, question by question (by key)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend.methodology.models import Criterion, MethodologyVersion, Question
from backend.methodology.services import CRITERION_FIELDS, QUESTION_FIELDS


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _changes(old: Any, new: Any, fields: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    changed = {}
    for name in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changed[name] = {"from": _plain(before), "to": _plain(after)}
    return changed


def methodology_version_diff(
    *, base: MethodologyVersion, other: MethodologyVersion
) -> dict[str, Any]:
    """Questions added in ``other``, removed from ``base``, and changed (with the fields)."""
    old = {q.key: q for q in Question.objects.filter(version=base)}
    new = {q.key: q for q in Question.objects.filter(version=other)}
    changed = []
    for key in sorted(old.keys() & new.keys()):
        fields = _changes(old[key], new[key], QUESTION_FIELDS)
        if fields:
            changed.append({"key": key, "fields": fields})
    old_criteria = {c.key: c for c in Criterion.objects.filter(version=base)}
    new_criteria = {c.key: c for c in Criterion.objects.filter(version=other)}
    criteria_changed = []
    for key in sorted(old_criteria.keys() & new_criteria.keys()):
        fields = _changes(old_criteria[key], new_criteria[key], CRITERION_FIELDS)
        if fields:
            criteria_changed.append({"key": key, "fields": fields})
    return {
        "base": base.pk,
        "other": other.pk,
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": changed,
        "criteria_changed": criteria_changed,
    }
