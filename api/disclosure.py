"""Serializers of disclosure control's output, shared by every surface that publishes figures."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from backend.disclosure.reasons import ReasonCode


class WithheldSerializer(serializers.Serializer[Any]):
    """Why a figure is null: a machine-readable code, the count it rests on, and a sentence."""

    code = serializers.ChoiceField(
        choices=[(str(code), str(code)) for code in ReasonCode],
        help_text="small_count: the count is at or under the threshold; "
        "derived_from_withheld: computed from a withheld count; secondary: withheld so "
        "that another withheld count cannot be recovered by subtraction; "
        "too_few_contributors: fewer authorities than the minimum; too_few_proposals: "
        "fewer proposals than the minimum (programme findings); quasi_identifier: "
        "would single out an authority that is not named; basis_unknown: the count "
        "behind it is not recorded yet.",
    )
    basis = serializers.CharField(
        allow_null=True, help_text="The count or attribute the reason is about."
    )
    detail = serializers.CharField()
