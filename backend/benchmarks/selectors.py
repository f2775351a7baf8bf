"""Reads for the comparison: rollups only, never the authorities' schemas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from backend.benchmarks.figures import FIGURES
from backend.benchmarks.models import Pseudonym, Rollup
from backend.benchmarks.privacy import Viewer, display_name, suppress
from backend.benchmarks.stats import Distribution, distribution
from tenants.models import Authority, AuthorityStatus


@dataclass(frozen=True)
class AuthorityFigures:
    authority: Authority
    ref: str
    identity: dict[str, Any]
    figures: dict[str, Any]
    suppressed: dict[str, str]
    sample_sizes: dict[str, int]
    computed_at: Any


def authority_ref(authority: Authority, viewer: Viewer, pseudonyms: dict[int, int]) -> str:
    """How the viewer addresses an authority in URLs: its slug if named to them, else anon-N."""
    identity = display_name(authority, viewer, pseudonyms)
    return identity["slug"] or f"anon-{pseudonyms[authority.pk]}"


def pseudonym_numbers() -> dict[int, int]:
    return dict(Pseudonym.objects.values_list("authority_id", "number"))


def rollup_rows(
    *,
    period_key: str,
    segment: str,
    kind: str | None = None,
    nation: str | None = None,
) -> QuerySet[Rollup]:
    rows = Rollup.objects.select_related("authority").filter(
        period_key=period_key,
        segment=segment,
        authority__status__in=[AuthorityStatus.ACTIVE, AuthorityStatus.PAUSED],
    )
    if kind:
        rows = rows.filter(authority__kind=kind)
    if nation:
        rows = rows.filter(authority__nation=nation)
    return rows


def _entry(row: Rollup, viewer: Viewer, pseudonyms: dict[int, int]) -> AuthorityFigures:
    authority = row.authority
    own = authority.pk == viewer.own_authority_id
    figures, reasons = suppress(row.figures, row.sample_sizes, is_own_authority=own)
    return AuthorityFigures(
        authority=authority,
        ref=authority_ref(authority, viewer, pseudonyms),
        identity=display_name(authority, viewer, pseudonyms),
        figures=figures,
        suppressed=reasons,
        sample_sizes=row.sample_sizes,
        computed_at=row.computed_at,
    )


def benchmark_table(
    *,
    viewer: Viewer,
    period_key: str,
    segment: str,
    kind: str | None = None,
    nation: str | None = None,
) -> list[AuthorityFigures]:
    """Every authority's figures for one period and segment, as this viewer may see them."""
    pseudonyms = pseudonym_numbers()
    table = [
        _entry(row, viewer, pseudonyms)
        for row in rollup_rows(period_key=period_key, segment=segment, kind=kind, nation=nation)
        # Not refreshed since onboarding: it has no figures yet either.
        if row.authority_id in pseudonyms
    ]
    # Order by pseudonym-or-name label so the position reveals nothing.
    table.sort(key=lambda entry: entry.identity["name"])
    return table


def benchmark_entry(
    *, viewer: Viewer, authority: Authority, period_key: str, segment: str
) -> AuthorityFigures | None:
    """One authority's row of ``benchmark_table``, without reading everyone else's."""
    pseudonyms = dict(
        Pseudonym.objects.filter(authority=authority).values_list("authority_id", "number")
    )
    row = rollup_rows(period_key=period_key, segment=segment).filter(authority=authority).first()
    if row is None or authority.pk not in pseudonyms:
        return None
    return _entry(row, viewer, pseudonyms)


def resolve_ref(ref: str, viewer: Viewer) -> Authority | None:
    """The authority a viewer's ref names; None if the viewer may not address it that way."""
    pseudonyms = pseudonym_numbers()
    if ref.startswith("anon-") and ref[5:].isdigit():
        number = int(ref[5:])
        authority_id = next((a for a, n in pseudonyms.items() if n == number), None)
        return Authority.objects.filter(pk=authority_id).first() if authority_id else None
    authority = Authority.objects.filter(schema_name=ref).first()
    if authority is None or authority.pk not in pseudonyms:
        return None
    if display_name(authority, viewer, pseudonyms)["slug"] is None:
        return None  # named by slug but not visible by name to this viewer: fail closed
    return authority


def figure_distributions(table: list[AuthorityFigures]) -> dict[str, Distribution]:
    return {
        key: distribution([entry.figures.get(key) for entry in table], figure.higher_is_better)
        for key, figure in FIGURES.items()
    }


def time_series(
    *, authority: Authority, figure: str, period_kind: str, viewer: Viewer
) -> list[dict[str, Any]]:
    """The authority's value and the programme median for each period of a kind."""
    points = []
    for period_key, present, own_value in _period_values(
        figure=figure, period_kind=period_kind, subject_id=authority.pk, viewer=viewer
    ):
        summary = distribution(present, FIGURES[figure].higher_is_better)
        points.append(
            {
                "period": period_key,
                "value": own_value,
                "median": summary.median,
                "lower_quartile": summary.lower_quartile,
                "upper_quartile": summary.upper_quartile,
            }
        )
    return points


def _period_values(
    *, figure: str, period_kind: str, subject_id: int, viewer: Viewer
) -> list[tuple[str, list[float], float | None]]:
    """Per period: every authority's shown value of one figure (sorted), and the subject's.

    A series reads every authority's row of every month: thousands of rows at
    programme scale. Picking the one figure out of each JSON document, applying
    small-number suppression (``privacy.suppression_reason``: a figure with a
    basis is hidden from everyone but its own authority below the threshold) and
    grouping by period all happen in PostgreSQL, so Python receives one row per
    period instead of decoding every document.
    """
    basis = FIGURES[figure].basis
    # The CTE is materialised so that only (authority, period, value) rows are sorted
    # for the aggregate; otherwise the planner sorts whole rows, JSON documents and all.
    sql = f"""
        WITH shown_values AS MATERIALIZED (
            SELECT authority_id, period_key,
                   CASE
                       WHEN %(basis)s::text IS NOT NULL
                            AND authority_id IS DISTINCT FROM %(viewer)s
                            AND coalesce((sample_sizes ->> %(basis)s)::int, 0) < %(threshold)s
                       THEN NULL
                       ELSE (figures ->> %(figure)s)::float8
                   END AS shown
            FROM {Rollup._meta.db_table}
            WHERE period_kind = %(period_kind)s AND segment = 'all'
        )
        SELECT period_key,
               array_agg(shown ORDER BY shown) FILTER (WHERE shown IS NOT NULL),
               max(shown) FILTER (WHERE authority_id = %(subject)s)
        FROM shown_values
        GROUP BY period_key
    """
    params = {
        "subject": subject_id,
        "basis": basis,
        "viewer": viewer.own_authority_id,
        "threshold": settings.BENCHMARK_SUPPRESSION_THRESHOLD,
        "figure": figure,
        "period_kind": period_kind,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return sorted((key, present or [], own) for key, present, own in rows)
