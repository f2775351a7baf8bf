"""Query, serializers and CSV columns of the findings, for the programme and public surfaces."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from api.disclosure import WithheldSerializer
from api.renderers import CSVRenderer
from backend.findings.dimensions import DIMENSIONS

RENDERERS = [JSONRenderer, CSVRenderer, BrowsableAPIRenderer]
DIMENSION_CHOICES = [(key, dimension.label) for key, dimension in DIMENSIONS.items()]
FIGURE_COLUMNS = [
    "respondents",
    "proposals",
    "authorities",
    "net_acceptability",
    "gap.purposeful",
    "gap.proportionate",
    "gap.responsible",
]


class FindingsQuerySerializer(serializers.Serializer[Any]):
    by = serializers.ListField(
        child=serializers.ChoiceField(choices=DIMENSION_CHOICES),
        min_length=1,
        max_length=2,
        help_text="One dimension, or two for a cross-tabulation: repeat the parameter "
        "(?by=special_category&by=partner_type).",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # The query string repeats ?by=; a plain dict would keep only the last one.
        values = data.getlist("by") if hasattr(data, "getlist") else data.get("by", [])
        return super().to_internal_value({"by": values})

    def validate_by(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Give two different dimensions.")
        return value


def query_by(request: Any) -> list[str]:
    serializer = FindingsQuerySerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return list(serializer.validated_data["by"])


class FindingsGapSerializer(serializers.Serializer[Any]):
    """Public minus officers' view of each test, on 0..1 (see docs/findings.md)."""

    purposeful = serializers.FloatField(allow_null=True)
    proportionate = serializers.FloatField(allow_null=True)
    responsible = serializers.FloatField(allow_null=True)


class FindingsRowSerializer(serializers.Serializer[Any]):
    """One cell of the findings, or the programme total (``scope: total``, empty ``cell``)."""

    scope = serializers.ChoiceField(choices=[("total", "total"), ("cell", "cell")])
    cell = serializers.DictField(
        child=serializers.CharField(), help_text="Dimension → value; empty for the total."
    )
    respondents = serializers.IntegerField(
        allow_null=True, help_text="People who responded, rounded; null when withheld."
    )
    proposals = serializers.IntegerField(allow_null=True, help_text="Proposals behind the cell.")
    authorities = serializers.IntegerField(
        allow_null=True, help_text="Authorities behind the cell."
    )
    net_acceptability = serializers.FloatField(
        allow_null=True,
        help_text="(Acceptable - unacceptable) / respondents, -1..1; null without respondents.",
    )
    gap = FindingsGapSerializer()
    withheld = serializers.DictField(
        child=WithheldSerializer(), help_text="Figure → why it is null."
    )


class FindingsPolicySerializer(serializers.Serializer[Any]):
    """The disclosure rules in force for these figures."""

    threshold = serializers.IntegerField()
    rounding_base = serializers.IntegerField()
    decimals = serializers.IntegerField()
    min_proposals = serializers.IntegerField()
    min_authorities = serializers.IntegerField()


class FindingsTableSerializer(serializers.Serializer[Any]):
    by = serializers.ListField(child=serializers.ChoiceField(choices=DIMENSION_CHOICES))
    results = FindingsRowSerializer(many=True, help_text="The total first, then every cell.")
    facts_computed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the newest scenario fact behind these figures was copied."
    )
    computed_at = serializers.DateTimeField(
        help_text="When these figures were computed and protected (docs/findings.md, "
        "freshness): changes to the facts show here about a minute later."
    )
    version = serializers.CharField(
        help_text="Fingerprint of the facts and rules behind these figures; it changes "
        "whenever the figures may."
    )
    policy = FindingsPolicySerializer(
        help_text="The disclosure rules these figures were protected with."
    )


class FindingsValueSerializer(serializers.Serializer[Any]):
    value = serializers.CharField()
    name = serializers.CharField(help_text="How the value reads to a person.")


class FindingsDimensionSerializer(serializers.Serializer[Any]):
    key = serializers.ChoiceField(choices=DIMENSION_CHOICES)
    name = serializers.CharField(help_text="How the dimension reads to a person.")
    multi_valued = serializers.BooleanField(
        help_text="A proposal can have several values; its cells overlap (docs/findings.md)."
    )
    values = FindingsValueSerializer(many=True)


class FindingsDimensionListSerializer(serializers.Serializer[Any]):
    dimensions = FindingsDimensionSerializer(many=True)


def findings_csv_columns(rows: list[dict[str, Any]]) -> list[str]:
    """Fixed columns: scope, the cell's dimensions, the figures, then each figure's reason code."""
    cells = sorted({key for row in rows for key in row if key.startswith("cell.")})
    return [
        "scope",
        *cells,
        *FIGURE_COLUMNS,
        *(f"withheld.{key}.code" for key in FIGURE_COLUMNS),
    ]


def table_body(table: dict[str, Any]) -> dict[str, Any]:
    """The selector's table as the API answers it: the total is the first row."""
    total = {"scope": "total", **table["total"]}
    rows = [{"scope": "cell", **row} for row in table["results"]]
    return {
        "by": table["by"],
        "results": [total, *rows],
        "facts_computed_at": table["facts_computed_at"],
        "computed_at": table["computed_at"],
        "version": table["version"],
        "policy": table["policy"],
    }
