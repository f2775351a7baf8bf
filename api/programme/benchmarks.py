"""Programme host: compare outcomes across authorities (coordinators see names; observers
see pseudonyms for authorities that did not consent to be named)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ProgrammeAPIView
from api.benchmark_common import (
    RENDERERS,
    SVG,
    AuthorityFiguresSerializer,
    CatalogueSerializer,
    ComparisonSerializer,
    DistributionChartQuerySerializer,
    SliceQuerySerializer,
    TableQuerySerializer,
    TimeSeriesQuerySerializer,
    TimeSeriesSerializer,
    catalogue,
    chart_url,
    comparison,
    identity,
    query_params,
    table_csv_columns,
    table_row,
)
from api.pagination import paginated, paginated_response
from api.permissions import is_coordinator
from backend.benchmarks.charts import distribution_svg, timeseries_svg
from backend.benchmarks.figures import FIGURES
from backend.benchmarks.privacy import Viewer
from backend.benchmarks.selectors import (
    AuthorityFigures,
    benchmark_entry,
    benchmark_table,
    resolve_ref,
    time_series,
)
from tenants.models import Authority


def _viewer(request: Request) -> Viewer:
    return Viewer(sees_all_names=is_coordinator(request))


def _find(table: list[AuthorityFigures], authority: Authority) -> AuthorityFigures:
    for entry in table:
        if entry.authority.pk == authority.pk:
            return entry
    raise exceptions.NotFound("This authority has no figures for that period and filter.")


def _entry(viewer: Viewer, authority: Authority) -> AuthorityFigures:
    """The authority's all-time entry, which a time series is labelled with."""
    entry = benchmark_entry(viewer=viewer, authority=authority, period_key="all", segment="all")
    if entry is None:
        raise exceptions.NotFound("This authority has no figures for that period and filter.")
    return entry


def _authority(ref: str, viewer: Viewer) -> Authority:
    authority = resolve_ref(ref, viewer)
    if authority is None:
        raise exceptions.NotFound(f"No authority '{ref}' in the comparison.")
    return authority


class BenchmarkCatalogueView(ProgrammeAPIView):
    """The figures the comparison reports, their units and their suppression rule."""

    @extend_schema(responses={200: CatalogueSerializer}, tags=["benchmarks"])
    def get(self, request: Request) -> Response:
        return Response(catalogue())


class BenchmarkTableView(ProgrammeAPIView):
    """Every authority with its figures for a period; ``?format=csv`` for a spreadsheet."""

    renderer_classes = RENDERERS
    csv_columns = staticmethod(table_csv_columns)

    @extend_schema(
        parameters=[TableQuerySerializer],
        responses={200: paginated(AuthorityFiguresSerializer)},
        tags=["benchmarks"],
    )
    def get(self, request: Request) -> Response:
        params = query_params(TableQuerySerializer, request)
        table = benchmark_table(
            viewer=_viewer(request),
            period_key=params["period"],
            segment=params["segment"],
            kind=params.get("kind"),
            nation=params.get("nation"),
        )
        return paginated_response([table_row(entry) for entry in table], request, self)


class BenchmarkCompareView(ProgrammeAPIView):
    """One authority against the programme: median, quartiles and best, figure by figure."""

    renderer_classes = RENDERERS

    @extend_schema(
        parameters=[TableQuerySerializer],
        responses={200: ComparisonSerializer},
        tags=["benchmarks"],
    )
    def get(self, request: Request, ref: str) -> Response:
        viewer = _viewer(request)
        authority = _authority(ref, viewer)
        params = query_params(TableQuerySerializer, request)
        table = benchmark_table(
            viewer=viewer,
            period_key=params["period"],
            segment=params["segment"],
            kind=params.get("kind"),
            nation=params.get("nation"),
        )
        subject = _find(table, authority)
        body = comparison(
            viewer=viewer,
            subject=subject,
            table=table,
            period=params["period"],
            segment=params["segment"],
            chart_path="/api/v1/benchmarks/charts/distribution.svg",
            highlight=subject.ref,
        )
        return Response(body)


class BenchmarkTimeSeriesView(ProgrammeAPIView):
    """One figure over months or quarters: the authority and the programme median."""

    renderer_classes = RENDERERS

    @extend_schema(
        parameters=[TimeSeriesQuerySerializer],
        responses={200: TimeSeriesSerializer},
        tags=["benchmarks"],
    )
    def get(self, request: Request, ref: str) -> Response:
        viewer = _viewer(request)
        authority = _authority(ref, viewer)
        params = query_params(TimeSeriesQuerySerializer, request)
        subject = _entry(viewer, authority)
        points = time_series(
            authority=authority,
            figure=params["figure"],
            period_kind=params["period_kind"],
            viewer=viewer,
        )
        body = {
            "authority": identity(subject),
            "figure": params["figure"],
            "period_kind": params["period_kind"],
            "points": points,
            "chart": chart_url(
                f"/api/v1/benchmarks/authorities/{subject.ref}/timeseries.svg",
                figure=params["figure"],
                period_kind=params["period_kind"],
            ),
        }
        return Response(body)


class BenchmarkTimeSeriesChartView(ProgrammeAPIView):
    """The time series as an SVG line chart."""

    @extend_schema(parameters=[TimeSeriesQuerySerializer], responses=SVG, tags=["benchmarks"])
    def get(self, request: Request, ref: str) -> HttpResponse:
        viewer = _viewer(request)
        authority = _authority(ref, viewer)
        params = query_params(TimeSeriesQuerySerializer, request)
        points = time_series(
            authority=authority,
            figure=params["figure"],
            period_kind=params["period_kind"],
            viewer=viewer,
        )
        name = _entry(viewer, authority).identity["name"]
        svg = timeseries_svg(
            title=FIGURES[params["figure"]].label,
            periods=[p["period"] for p in points],
            series={
                name: [p["value"] for p in points],
                "Programme median": [p["median"] for p in points],
            },
        )
        return HttpResponse(svg, content_type="image/svg+xml")


class BenchmarkDistributionChartView(ProgrammeAPIView):
    """One figure across authorities as an SVG bar chart, one authority highlighted."""

    @extend_schema(
        parameters=[DistributionChartQuerySerializer],
        responses={**SVG, 400: OpenApiResponse(description="Bad parameters")},
        tags=["benchmarks"],
    )
    def get(self, request: Request) -> HttpResponse:
        viewer = _viewer(request)
        params = query_params(DistributionChartQuerySerializer, request)
        table = benchmark_table(
            viewer=viewer, period_key=params["period"], segment=params["segment"]
        )
        figure = params["figure"]
        entries = [e for e in table if e.figures.get(figure) is not None]
        wanted = params.get("highlight")
        highlight = next((e.identity["name"] for e in entries if wanted and e.ref == wanted), None)
        svg = distribution_svg(
            title=f"{FIGURES[figure].label} ({params['period']})",
            labels=[e.identity["name"] for e in entries],
            values=[float(e.figures[figure]) for e in entries],
            highlight=highlight,
        )
        return HttpResponse(svg, content_type="image/svg+xml")


__all__ = [
    "BenchmarkCatalogueView",
    "BenchmarkCompareView",
    "BenchmarkDistributionChartView",
    "BenchmarkTableView",
    "BenchmarkTimeSeriesChartView",
    "BenchmarkTimeSeriesView",
    "SliceQuerySerializer",
]
