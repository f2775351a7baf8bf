"""Declared schemas for JSON the API returns, so no generated client sees ``unknown``.

Stored JSON documents (consultation figures, register copies, audit rows) are
rendered through these serializers and fields: the spec then says exactly what
a client receives, and a test fails when a new untyped JSON field appears.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.disclosure import WithheldSerializer
from backend.methodology.scoring import VERDICTS
from backend.reviews.models import BenefitsRealised, Recommendation

# Any JSON value (an audit row's field, a methodology field's old or new value), as
# three components that api.schema's hook registers. A list holds scalars or objects,
# not lists: TypeScript cannot compile a type that contains arrays of itself directly.
JSON_VALUE_REF = {"$ref": "#/components/schemas/JsonValue"}
JSON_OBJECT_REF = {"$ref": "#/components/schemas/JsonObject"}
JSON_SCHEMAS: dict[str, dict[str, Any]] = {
    "JsonValue": {
        "description": "Any JSON value: text, number, boolean, object, list or null.",
        "nullable": True,
        "oneOf": [
            {"type": "string"},
            {"type": "number"},
            {"type": "boolean"},
            JSON_OBJECT_REF,
            {"$ref": "#/components/schemas/JsonArray"},
        ],
    },
    "JsonObject": {
        "type": "object",
        "description": "A JSON object of any values.",
        "additionalProperties": JSON_VALUE_REF,
    },
    "JsonArray": {
        "type": "array",
        "description": "A JSON list of scalars or objects.",
        "items": {
            "nullable": True,
            "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}, JSON_OBJECT_REF],
        },
    },
}


@extend_schema_field(JSON_VALUE_REF)
class JsonValueField(serializers.JSONField):
    """A stored JSON value passed through unchanged, documented as ``JsonValue``."""


@extend_schema_field(JSON_OBJECT_REF)
class JsonObjectField(serializers.JSONField):
    """A stored JSON object of field values."""


@extend_schema_field(
    {
        "nullable": True,
        "oneOf": [
            {"type": "integer", "minimum": 1, "maximum": 5},
            {"type": "boolean"},
            {"type": "string"},
        ],
    }
)
class AnswerValueField(serializers.JSONField):
    """An answer: 1..5 for scale_5, true/false for yes_no, text for free_text, or null."""


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A stored blank choice is rendered as null, so the value is always in its enum."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return None if value in ("", None) else super().to_representation(value)


class BlankAsNullURLField(serializers.URLField):
    """A stored blank URL is rendered as null rather than "" (which is not a URI)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return None if value in ("", None) else super().to_representation(value)


def verdict_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=VERDICTS, **kwargs)


class AcceptabilityCountsSerializer(serializers.Serializer[Any]):
    """How many respondents chose each point of the acceptability scale."""

    very_unacceptable = serializers.IntegerField()
    unacceptable = serializers.IntegerField()
    neutral = serializers.IntegerField()
    acceptable = serializers.IntegerField()
    very_acceptable = serializers.IntegerField()


class AcceptabilitySharesSerializer(serializers.Serializer[Any]):
    """The share (0..1) of respondents at each point; null when nobody responded."""

    very_unacceptable = serializers.FloatField(allow_null=True)
    unacceptable = serializers.FloatField(allow_null=True)
    neutral = serializers.FloatField(allow_null=True)
    acceptable = serializers.FloatField(allow_null=True)
    very_acceptable = serializers.FloatField(allow_null=True)


class ScaleDistributionSerializer(serializers.Serializer[Any]):
    """Answers of 1 to 5 on the agreement scale, counted."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {str(point): serializers.IntegerField() for point in range(1, 6)}


class TestAgreementSerializer(serializers.Serializer[Any]):
    """The public's agreement that the proposal passes one test."""

    distribution = ScaleDistributionSerializer()
    mean = serializers.FloatField(allow_null=True, help_text="Mean of the 1-5 answers.")
    agree_share = serializers.FloatField(allow_null=True, help_text="Share answering 4 or 5.")
    scaled = serializers.FloatField(allow_null=True, help_text="The mean on a 0..1 scale.")


class AgreementSerializer(serializers.Serializer[Any]):
    purposeful = TestAgreementSerializer()
    proportionate = TestAgreementSerializer()
    responsible = TestAgreementSerializer()


class TestGapSerializer(serializers.Serializer[Any]):
    """Officers' verdict against the public's agreement, on one 0..1 scale."""

    officer_verdict = verdict_field(allow_null=True)
    officer_scaled = serializers.FloatField(
        allow_null=True, help_text="met 1, partly_met 0.5, not_met 0."
    )
    public_scaled = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(
        allow_null=True, help_text="Public minus officers; null without a verdict or answers."
    )


class PublicOfficerGapSerializer(serializers.Serializer[Any]):
    purposeful = TestGapSerializer()
    proportionate = TestGapSerializer()
    responsible = TestGapSerializer()


class RegisterVerdictsSerializer(serializers.Serializer[Any]):
    """The verdicts of the proposal's latest signed-off assessment (nothing else of it)."""

    methodology_version = serializers.CharField(
        allow_null=True, help_text="The label of the methodology version used."
    )
    signed_off_on = serializers.DateField()
    overall = verdict_field()
    tests = serializers.DictField(child=verdict_field(), help_text="Test key → verdict.")
    features = serializers.DictField(child=verdict_field(), help_text="Feature key → verdict.")


class TestAgreeShareSerializer(serializers.Serializer[Any]):
    purposeful = serializers.FloatField(allow_null=True)
    proportionate = serializers.FloatField(allow_null=True)
    responsible = serializers.FloatField(allow_null=True)


class RegisterConsultationSerializer(serializers.Serializer[Any]):
    """One published consultation, in aggregate, through disclosure control.

    Counts are rounded to the nearest DISCLOSURE_ROUNDING_BASE and null when
    withheld; every null figure has its reason in ``withheld``.
    """

    method = serializers.CharField(help_text="The engagement method's name.")
    held_on = serializers.DateField(help_text="The day it actually closed, in UK time.")
    invited = serializers.IntegerField(
        allow_null=True, help_text="People the authority invited (erased ones included)."
    )
    responded = serializers.IntegerField(
        allow_null=True, help_text="Everyone who answered, open-link respondents included."
    )
    open_link_respondents = serializers.IntegerField(
        allow_null=True, help_text="Respondents who came through the open link, uninvited."
    )
    response_rate = serializers.FloatField(
        allow_null=True, help_text="Invited people who answered, over invited people."
    )
    net_acceptability = serializers.FloatField(allow_null=True)
    acceptability_combined = serializers.BooleanField(
        help_text="True when the five points were combined into unacceptable, neutral and "
        "acceptable so that small counts are not shown."
    )
    acceptability_shares = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Share per point of the scale (or per combined category); null when withheld.",
    )
    agreement = TestAgreeShareSerializer(help_text="Per test: the share agreeing (4-5).")
    withheld = serializers.DictField(
        child=WithheldSerializer(), help_text="Figure → why it is null."
    )


class RegisterBenefitReviewSerializer(serializers.Serializer[Any]):
    """The published outcome of a benefit review (the fifth feature: benefits realised)."""

    reviewed_on = serializers.DateField()
    benefits_realised = serializers.ChoiceField(choices=BenefitsRealised.choices)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    benefits_for_public = serializers.CharField(
        help_text="What the authority found the wider public gained, in its own words."
    )


class RegisterConsultationSummarySerializer(serializers.Serializer[Any]):
    consultations = RegisterConsultationSerializer(many=True)


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "additionalProperties": {
            "type": "array",
            "items": JSON_VALUE_REF,
            "minItems": 2,
            "maxItems": 2,
            "description": "[before, after].",
        },
    }
)
class HistoryChangesField(serializers.JSONField):
    """An audit event's changes: field → [before, after]."""


class FieldChangeValueSerializer(serializers.Serializer[Any]):
    """A changed field's old and new value (``from`` and ``to``)."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {"from": JsonValueField(), "to": JsonValueField()}
