"""Reads for the comparison: rollups only, never the authorities' schemas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform

from backend.benchmarks.figures import FIGURES
from backend.benchmarks.models import Pseudonym, Rollup
from backend.benchmarks.privacy import Viewer, display_name, suppress, suppression_reason
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
    table = []
    for row in rollup_rows(period_key=period_key, segment=segment, kind=kind, nation=nation):
        authority = row.authority
        if authority.pk not in pseudonyms:
            continue  # not refreshed since onboarding; it has no figures yet either
        own = authority.pk == viewer.own_authority_id
        figures, reasons = suppress(row.figures, row.sample_sizes, is_own_authority=own)
        table.append(
            AuthorityFigures(
                authority=authority,
                ref=authority_ref(authority, viewer, pseudonyms),
                identity=display_name(authority, viewer, pseudonyms),
                figures=figures,
                suppressed=reasons,
                sample_sizes=row.sample_sizes,
                computed_at=row.computed_at,
            )
        )
    # Order by pseudonym-or-name label so the position reveals nothing.
    table.sort(key=lambda entry: entry.identity["name"])
    return table


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
    # Only the one figure and its sample size leave the database: every authority's
    # monthly rows are read, and decoding their whole figures documents dominated.
    basis = FIGURES[figure].basis
    rows = Rollup.objects.filter(period_kind=period_kind, segment="all").values(
        "authority_id",
        "period_key",
        value=KeyTransform(figure, "figures"),
        sample=KeyTransform(basis or "responses", "sample_sizes"),
    )
    by_period: dict[str, list[Any]] = {}
    for row in rows:
        by_period.setdefault(row["period_key"], []).append(row)
    points = []
    for period_key in sorted(by_period):
        own_value = None
        values = []
        for row in by_period[period_key]:
            shown = row["value"]
            own = row["authority_id"] == viewer.own_authority_id
            sample_sizes: dict[str, int] = {basis: row["sample"] or 0} if basis else {}
            if not own and suppression_reason(figure, shown, sample_sizes) is not None:
                shown = None
            values.append(shown)
            if row["authority_id"] == authority.pk:
                own_value = shown
        summary = distribution(values, FIGURES[figure].higher_is_better)
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
