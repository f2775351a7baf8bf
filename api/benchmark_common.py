"""Query parameters, serializers and response building shared by both benchmark surfaces."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from api.disclosure import WithheldSerializer
from api.renderers import CSVRenderer
from backend.benchmarks.figures import FIGURES
from backend.benchmarks.privacy import Viewer
from backend.benchmarks.selectors import (
    AuthorityFigures,
    figure_distributions,
    reason_dicts,
    subject_figures,
    summary_reason,
)
from backend.disclosure.bands import OTHER
from backend.disclosure.distribution import Summary
from backend.disclosure.policy import Policy
from tenants.models import AuthorityKind, Nation

# Every benchmark table also answers ?format=csv; charts are documented as SVG bodies.
RENDERERS = [JSONRenderer, CSVRenderer, BrowsableAPIRenderer]
SVG = {(200, "image/svg+xml"): OpenApiTypes.BINARY}

IDENTITY_CSV_COLUMNS = ["ref", "name", "slug", "kind", "nation", "population_band"]
FEATURE_FIGURE_PREFIX = "verdict_met_feature_"


def table_csv_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The benchmark table's CSV columns (docs/api.md#csv), whatever a row holds or withholds:
    every catalogue figure in catalogue order, each followed by its per-100,000 rate when it
    has one; then the methodology's feature figures, sorted; then, for the same figures, the
    code of the reason a figure is withheld (`suppressed.<figure>.code`)."""
    keys: list[str] = []
    for key, figure in FIGURES.items():
        if not key.startswith(FEATURE_FIGURE_PREFIX):
            keys += [key, f"{key}_per_100k"] if figure.per_100k else [key]
    features = {
        column.split(".", 1)[1]
        for row in rows
        for column in row
        if column.startswith(("figures.", "suppressed."))
        and column.split(".", 1)[1].startswith(FEATURE_FIGURE_PREFIX)
    }
    keys += sorted(features | {k for k in FIGURES if k.startswith(FEATURE_FIGURE_PREFIX)})
    return [
        *IDENTITY_CSV_COLUMNS,
        *(f"figures.{key}" for key in keys),
        *(f"suppressed.{key}.code" for key in keys),
        "computed_at",
    ]


PERIOD_PATTERN = re.compile(r"^(all|\d{4}-Q[1-4]|\d{4}-(0[1-9]|1[0-2]))$")


class SliceQuerySerializer(serializers.Serializer[Any]):
    period = serializers.RegexField(
        PERIOD_PATTERN.pattern,
        default="all",
        help_text="'all', a quarter such as '2026-Q3', or a month such as '2026-07'.",
    )
    service_area = serializers.CharField(required=False, help_text="Only proposals in this area.")
    method = serializers.CharField(required=False, help_text="Only consultations by this method.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("service_area") and attrs.get("method"):
            raise serializers.ValidationError(
                {"method": ["Filter by service_area or by method, not both at once."]}
            )
        if attrs.get("service_area"):
            attrs["segment"] = f"service_area:{attrs['service_area']}"
        elif attrs.get("method"):
            attrs["segment"] = f"method:{attrs['method']}"
        else:
            attrs["segment"] = "all"
        return attrs


BAND_HELP = (
    " Coordinators filter on the exact value; anyone else on the published band "
    "(rare values are pooled as 'other', or not published at all)."
)


class TableQuerySerializer(SliceQuerySerializer):
    kind = serializers.ChoiceField(
        choices=[*AuthorityKind.choices, (OTHER, "Other (pooled)")],
        required=False,
        help_text="Only authorities of this kind." + BAND_HELP,
    )
    nation = serializers.ChoiceField(
        choices=[*Nation.choices, (OTHER, "Other (pooled)")],
        required=False,
        help_text="Only authorities in this nation." + BAND_HELP,
    )


class FigureQuerySerializer(serializers.Serializer[Any]):
    figure = serializers.ChoiceField(choices=sorted(FIGURES))


class TimeSeriesQuerySerializer(FigureQuerySerializer):
    period_kind = serializers.ChoiceField(choices=["month", "quarter"], default="quarter")


class DistributionChartQuerySerializer(SliceQuerySerializer, FigureQuerySerializer):
    highlight = serializers.CharField(required=False, help_text="The ref of one authority.")


class FigureDefinitionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField()
    higher_is_better = serializers.BooleanField(allow_null=True)
    count = serializers.CharField(
        allow_null=True, help_text="The count this figure is (published rounded), if any."
    )
    bases = serializers.ListField(
        child=serializers.CharField(),
        help_text="The counts it is derived from: withheld whenever one of them is.",
    )


class DisclosurePolicySerializer(serializers.Serializer[Any]):
    threshold = serializers.IntegerField(help_text="Counts of 1 to this many are withheld.")
    rounding_base = serializers.IntegerField(help_text="Published counts are multiples of it.")
    min_contributors = serializers.IntegerField(
        help_text="Median, quartiles and best need at least this many authorities."
    )
    decimals = serializers.IntegerField(help_text="Decimals of published shares and means.")


class CatalogueSerializer(serializers.Serializer[Any]):
    figures = FigureDefinitionSerializer(many=True)
    disclosure = DisclosurePolicySerializer()


class AuthorityIdentitySerializer(serializers.Serializer[Any]):
    ref = serializers.CharField(
        allow_null=True,
        help_text="Use in URLs: the slug, or anon-<n> for a pseudonym; null for an authority "
        "that is not named, in a table sliced by period or segment.",
    )
    name = serializers.CharField(
        help_text="The name, the pseudonym ('Authority 7'), or 'Unnamed authority'."
    )
    slug = serializers.CharField(allow_null=True)
    kind = serializers.CharField(
        allow_null=True, help_text="Exact for coordinators; otherwise a band or null."
    )
    nation = serializers.CharField(
        allow_null=True, help_text="Exact for coordinators; otherwise a band or null."
    )
    population_band = serializers.CharField(
        allow_null=True, help_text="A population range holding enough authorities, or null."
    )


class AuthorityFiguresSerializer(AuthorityIdentitySerializer):
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))
    suppressed = serializers.DictField(
        child=WithheldSerializer(), help_text="Figure → why it is null."
    )
    computed_at = serializers.DateTimeField()


class FigureComparisonSerializer(serializers.Serializer[Any]):
    figure = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.FloatField(allow_null=True)
    suppressed = WithheldSerializer(allow_null=True)
    authorities = serializers.IntegerField(help_text="How many authorities have a value.")
    median = serializers.FloatField(allow_null=True)
    lower_quartile = serializers.FloatField(allow_null=True)
    upper_quartile = serializers.FloatField(allow_null=True)
    best = serializers.FloatField(allow_null=True)
    distribution_suppressed = WithheldSerializer(
        allow_null=True, help_text="Why median, quartiles and best are null."
    )
    chart = serializers.CharField(help_text="URL of an SVG of the distribution.")


class ComparisonSerializer(serializers.Serializer[Any]):
    authority = AuthorityIdentitySerializer()
    period = serializers.CharField()
    segment = serializers.CharField()
    figures = FigureComparisonSerializer(many=True)


class TimePointSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    suppressed = WithheldSerializer(allow_null=True)
    authorities = serializers.IntegerField(help_text="How many authorities have a value.")
    median = serializers.FloatField(allow_null=True)
    lower_quartile = serializers.FloatField(allow_null=True)
    upper_quartile = serializers.FloatField(allow_null=True)
    distribution_suppressed = WithheldSerializer(allow_null=True)


class TimeSeriesSerializer(serializers.Serializer[Any]):
    authority = AuthorityIdentitySerializer()
    figure = serializers.CharField()
    period_kind = serializers.CharField()
    points = TimePointSerializer(many=True)
    chart = serializers.CharField()


def query_params(
    serializer_class: type[serializers.Serializer[Any]], request: Any
) -> dict[str, Any]:
    """Validate a view's query string with ``serializer_class`` (a 400 names bad parameters)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def catalogue() -> dict[str, Any]:
    policy = Policy.from_settings()
    return {
        "figures": [
            {
                "key": f.key,
                "label": f.label,
                "unit": f.unit,
                "higher_is_better": f.higher_is_better,
                "count": f.count,
                "bases": [f.count] if f.count else list(f.bases),
            }
            for f in FIGURES.values()
        ],
        "disclosure": {
            "threshold": policy.threshold,
            "rounding_base": policy.rounding_base,
            "min_contributors": policy.min_contributors,
            "decimals": policy.decimals,
        },
    }


def identity(entry: AuthorityFigures) -> dict[str, Any]:
    return {
        "ref": entry.ref,
        "name": entry.identity["name"],
        "slug": entry.identity["slug"],
        "kind": entry.bands.kind,
        "nation": entry.bands.nation,
        "population_band": entry.bands.population,
    }


def table_row(entry: AuthorityFigures) -> dict[str, Any]:
    return {
        **identity(entry),
        "figures": entry.figures,
        "suppressed": reason_dicts(entry.suppressed),
        "computed_at": entry.computed_at,
    }


def chart_url(path: str, **params: Any) -> str:
    return f"{path}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def comparison(
    *,
    viewer: Viewer,
    subject: AuthorityFigures,
    table: list[AuthorityFigures],
    period: str,
    segment: str,
    chart_path: str,
    highlight: str | None,
) -> dict[str, Any]:
    distributions: dict[str, Summary] = figure_distributions(table)
    values, reasons = subject_figures(subject, viewer, period_key=period, segment=segment)
    shown_reasons = reason_dicts(reasons)
    extra = {}
    if segment.startswith("service_area:"):
        extra["service_area"] = segment.split(":", 1)[1]
    elif segment.startswith("method:"):
        extra["method"] = segment.split(":", 1)[1]
    rows = []
    for key, figure in FIGURES.items():
        summary = distributions[key]
        rows.append(
            {
                "figure": key,
                "label": figure.label,
                "value": values.get(key),
                "suppressed": shown_reasons.get(key),
                "authorities": summary.contributors,
                "median": summary.median,
                "lower_quartile": summary.lower_quartile,
                "upper_quartile": summary.upper_quartile,
                "best": summary.best,
                "distribution_suppressed": summary_reason(summary),
                "chart": chart_url(
                    chart_path, figure=key, period=period, highlight=highlight, **extra
                ),
            }
        )
    return {"authority": identity(subject), "period": period, "segment": segment, "figures": rows}
