"""Authority host: the authority's own figures against the anonymised programme distribution."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import AuthorityAPIView
from api.benchmark_common import (
    RENDERERS,
    SVG,
    ComparisonSerializer,
    DistributionChartQuerySerializer,
    SliceQuerySerializer,
    TimeSeriesQuerySerializer,
    TimeSeriesSerializer,
    chart_url,
    comparison,
    identity,
    query_params,
)
from backend.benchmarks.charts import distribution_svg, timeseries_svg
from backend.benchmarks.figures import FIGURES
from backend.benchmarks.privacy import Viewer
from backend.benchmarks.selectors import (
    AuthorityFigures,
    benchmark_entry,
    benchmark_table,
    figure_distributions,
    time_series,
)
from tenants.models import Authority

NO_FIGURES_YET = (
    "No figures yet for this period and filter; they are refreshed after each decision "
    "and consultation result, and nightly."
)


def _own(request: Request) -> tuple[Authority, Viewer]:
    authority: Authority = request._request.tenant  # type: ignore[attr-defined]
    return authority, Viewer(sees_all_names=False, own_authority_id=authority.pk)


def _self_in(table: list[AuthorityFigures], authority: Authority) -> AuthorityFigures:
    for entry in table:
        if entry.authority.pk == authority.pk:
            return entry
    raise exceptions.NotFound(NO_FIGURES_YET)


class OwnBenchmarkView(AuthorityAPIView):
    """Your figures, each against the programme median, quartiles and best (others unnamed)."""

    renderer_classes = RENDERERS

    @extend_schema(
        parameters=[SliceQuerySerializer],
        responses={200: ComparisonSerializer},
        tags=["benchmarks"],
    )
    def get(self, request: Request) -> Response:
        authority, viewer = _own(request)
        params = query_params(SliceQuerySerializer, request)
        table = benchmark_table(
            viewer=viewer, period_key=params["period"], segment=params["segment"]
        )
        body = comparison(
            viewer=viewer,
            subject=_self_in(table, authority),
            table=table,
            period=params["period"],
            segment=params["segment"],
            chart_path="/api/v1/benchmarks/charts/distribution.svg",
            highlight=None,
        )
        return Response(body)


class OwnBenchmarkTimeSeriesView(AuthorityAPIView):
    """One of your figures over months or quarters, with the programme median."""

    renderer_classes = RENDERERS

    @extend_schema(
        parameters=[TimeSeriesQuerySerializer],
        responses={200: TimeSeriesSerializer},
        tags=["benchmarks"],
    )
    def get(self, request: Request) -> Response:
        authority, viewer = _own(request)
        params = query_params(TimeSeriesQuerySerializer, request)
        subject = benchmark_entry(
            viewer=viewer, authority=authority, period_key="all", segment="all"
        )
        if subject is None:
            raise exceptions.NotFound(NO_FIGURES_YET)
        points = time_series(
            authority=authority,
            figure=params["figure"],
            period_kind=params["period_kind"],
            viewer=viewer,
        )
        return Response(
            {
                "authority": identity(subject),
                "figure": params["figure"],
                "period_kind": params["period_kind"],
                "points": points,
                "chart": chart_url(
                    "/api/v1/benchmarks/timeseries.svg",
                    figure=params["figure"],
                    period_kind=params["period_kind"],
                ),
            }
        )


class OwnBenchmarkTimeSeriesChartView(AuthorityAPIView):
    @extend_schema(parameters=[TimeSeriesQuerySerializer], responses=SVG, tags=["benchmarks"])
    def get(self, request: Request) -> HttpResponse:
        authority, viewer = _own(request)
        params = query_params(TimeSeriesQuerySerializer, request)
        points = time_series(
            authority=authority,
            figure=params["figure"],
            period_kind=params["period_kind"],
            viewer=viewer,
        )
        svg = timeseries_svg(
            title=FIGURES[params["figure"]].label,
            periods=[p["period"] for p in points],
            series={
                authority.name: [p["value"] for p in points],
                "Programme median": [p["median"] for p in points],
            },
        )
        return HttpResponse(svg, content_type="image/svg+xml")


class OwnBenchmarkDistributionChartView(AuthorityAPIView):
    """A figure across all authorities, yours highlighted; no other authority is labelled."""

    @extend_schema(
        parameters=[DistributionChartQuerySerializer], responses=SVG, tags=["benchmarks"]
    )
    def get(self, request: Request) -> HttpResponse:
        authority, viewer = _own(request)
        params = query_params(DistributionChartQuerySerializer, request)
        table = benchmark_table(
            viewer=viewer, period_key=params["period"], segment=params["segment"]
        )
        figure = params["figure"]
        entries = [e for e in table if e.figures.get(figure) is not None]
        if figure_distributions(table)[figure].reason is not None:
            # Too few others to show them apart from one another: only your own bar.
            entries = [e for e in entries if e.authority.pk == authority.pk]
        svg = distribution_svg(
            title=f"{FIGURES[figure].label} ({params['period']})",
            labels=[
                authority.name if e.authority.pk == authority.pk else f"#{i}"
                for i, e in enumerate(entries)
            ],
            values=[float(e.figures[figure]) for e in entries],
            highlight=authority.name,
        )
        return HttpResponse(svg, content_type="image/svg+xml")
