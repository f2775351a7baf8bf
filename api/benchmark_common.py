"""Query parameters, serializers and response building shared by both benchmark surfaces."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from api.renderers import CSVRenderer
from backend.benchmarks.figures import FIGURES
from backend.benchmarks.selectors import AuthorityFigures, figure_distributions
from backend.benchmarks.stats import Distribution
from tenants.models import AuthorityKind, Nation

# Every benchmark table also answers ?format=csv; charts are documented as SVG bodies.
RENDERERS = [JSONRenderer, CSVRenderer, BrowsableAPIRenderer]
SVG = {(200, "image/svg+xml"): OpenApiTypes.BINARY}

IDENTITY_CSV_COLUMNS = ["ref", "name", "slug", "kind", "nation"]
FEATURE_FIGURE_PREFIX = "verdict_met_feature_"


def table_csv_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The benchmark table's CSV columns (docs/api.md#csv), whatever a row holds or withholds:
    every catalogue figure in catalogue order, each followed by its per-100,000 rate when it
    has one; then the methodology's feature figures, sorted; the same again for `suppressed`."""
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
        *(f"suppressed.{key}" for key in keys),
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


class TableQuerySerializer(SliceQuerySerializer):
    kind = serializers.ChoiceField(choices=AuthorityKind.choices, required=False)
    nation = serializers.ChoiceField(choices=Nation.choices, required=False)


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
    suppressed_below = serializers.CharField(
        allow_null=True, help_text="'responses' or 'participants': the sample size checked."
    )


class CatalogueSerializer(serializers.Serializer[Any]):
    figures = FigureDefinitionSerializer(many=True)
    suppression_threshold = serializers.IntegerField()


class AuthorityIdentitySerializer(serializers.Serializer[Any]):
    ref = serializers.CharField(help_text="Use in URLs: the slug, or anon-<n> for a pseudonym.")
    name = serializers.CharField(help_text="The name, or the pseudonym ('Authority 7').")
    slug = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    nation = serializers.CharField()


class AuthorityFiguresSerializer(AuthorityIdentitySerializer):
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))
    suppressed = serializers.DictField(
        child=serializers.CharField(), help_text="Figure → why it is null."
    )
    computed_at = serializers.DateTimeField()


class FigureComparisonSerializer(serializers.Serializer[Any]):
    figure = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.CharField(allow_null=True)
    authorities = serializers.IntegerField(help_text="How many authorities have a value.")
    median = serializers.FloatField(allow_null=True)
    lower_quartile = serializers.FloatField(allow_null=True)
    upper_quartile = serializers.FloatField(allow_null=True)
    best = serializers.FloatField(allow_null=True)
    chart = serializers.CharField(help_text="URL of an SVG of the distribution.")


class ComparisonSerializer(serializers.Serializer[Any]):
    authority = AuthorityIdentitySerializer()
    period = serializers.CharField()
    segment = serializers.CharField()
    figures = FigureComparisonSerializer(many=True)


class TimePointSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    lower_quartile = serializers.FloatField(allow_null=True)
    upper_quartile = serializers.FloatField(allow_null=True)


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
    from django.conf import settings

    return {
        "figures": [
            {
                "key": f.key,
                "label": f.label,
                "unit": f.unit,
                "higher_is_better": f.higher_is_better,
                "suppressed_below": f.basis,
            }
            for f in FIGURES.values()
        ],
        "suppression_threshold": settings.BENCHMARK_SUPPRESSION_THRESHOLD,
    }


def identity(entry: AuthorityFigures) -> dict[str, Any]:
    return {
        "ref": entry.ref,
        "name": entry.identity["name"],
        "slug": entry.identity["slug"],
        "kind": entry.authority.kind,
        "nation": entry.authority.nation,
    }


def table_row(entry: AuthorityFigures) -> dict[str, Any]:
    return {
        **identity(entry),
        "figures": entry.figures,
        "suppressed": entry.suppressed,
        "computed_at": entry.computed_at,
    }


def chart_url(path: str, **params: Any) -> str:
    return f"{path}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def comparison(
    *,
    subject: AuthorityFigures,
    table: list[AuthorityFigures],
    period: str,
    segment: str,
    chart_path: str,
    highlight: str | None,
) -> dict[str, Any]:
    distributions: dict[str, Distribution] = figure_distributions(table)
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
                "value": subject.figures.get(key),
                "suppressed": subject.suppressed.get(key),
                "authorities": summary.count,
                "median": summary.median,
                "lower_quartile": summary.lower_quartile,
                "upper_quartile": summary.upper_quartile,
                "best": summary.best,
                "chart": chart_url(
                    chart_path, figure=key, period=period, highlight=highlight, **extra
                ),
            }
        )
    return {"authority": identity(subject), "period": period, "segment": segment, "figures": rows}
