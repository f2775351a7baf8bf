"""The headline comparison computed straight from every authority's schema.

This is what a request would have to do without rollups: visit every tenant
schema. It exists to measure that cost and to check the rollups against it;
no endpoint calls it.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import connection

from backend.consultations.models import ConsultationStatus, ParticipantSource
from tenants.models import Authority, AuthorityStatus

# The all-time figures both ways compute; names as in backend.benchmarks.figures.
DIRECT_FIGURES = (
    "proposals_logged",
    "proposals_decided",
    "outcome_approved",
    "outcome_approved_with_conditions",
    "outcome_rejected",
    "outcome_withdrawn",
    "days_to_decision_median",
    "response_rate",
    "mean_acceptability",
)
HELD = (ConsultationStatus.CLOSED, ConsultationStatus.RESULTS_PUBLISHED)


def _schema_select(schema: str) -> str:
    """One row of raw counts for one schema (schema names are validated slugs)."""
    q = f'"{schema}"'
    held = ", ".join(f"'{status}'" for status in HELD)
    # The response rate is of the people the authority invited: open-link respondents
    # were never invited, so they are in neither side of it.
    open_link = ParticipantSource.OPEN_LINK.value
    return f"""
SELECT '{schema}' AS schema,
  (SELECT count(*) FROM {q}.proposals_proposal) AS logged,
  (SELECT count(*) FROM {q}.proposals_proposal WHERE withdrawn_at IS NOT NULL) AS withdrawn,
  d.decided, d.approved, d.with_conditions, d.rejected, d.median_days,
  h.invited, h.invited_responded, h.mean_acceptability
FROM (
  SELECT count(*) AS decided,
    count(*) FILTER (WHERE d.outcome = 'approved') AS approved,
    count(*) FILTER (WHERE d.outcome = 'approved_with_conditions') AS with_conditions,
    count(*) FILTER (WHERE d.outcome = 'rejected') AS rejected,
    percentile_cont(0.5) WITHIN GROUP (
      ORDER BY extract(epoch FROM d.decided_at - p.submitted_at)::float8 / 86400
    ) FILTER (WHERE p.submitted_at IS NOT NULL) AS median_days
  FROM {q}.decisions_decision d JOIN {q}.proposals_proposal p ON p.id = d.proposal_id
) d, (
  SELECT
    (SELECT count(*) FROM {q}.consultations_participant pa
       JOIN {q}.consultations_consultation c ON c.id = pa.consultation_id
       WHERE c.status IN ({held}) AND pa.source <> '{open_link}') AS invited,
    count(r.id) FILTER (WHERE pa.source <> '{open_link}') AS invited_responded,
    avg(r.acceptability)::float8 AS mean_acceptability
  FROM {q}.consultations_response r
  JOIN {q}.consultations_participant pa ON pa.id = r.participant_id
  JOIN {q}.consultations_consultation c ON c.id = pa.consultation_id
  WHERE c.status IN ({held})
) h"""


def compared_schemas() -> list[str]:
    """The schemas of the authorities the comparison covers (as the rollup table does)."""
    return list(
        Authority.objects.filter(status__in=[AuthorityStatus.ACTIVE, AuthorityStatus.PAUSED])
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    """Raw counts to figures, with the rounding ``backend.benchmarks.compute`` applies."""
    closed = row["decided"] + row["withdrawn"]
    median = row["median_days"]
    mean = row["mean_acceptability"]
    return {
        "proposals_logged": row["logged"],
        "proposals_decided": row["decided"],
        "outcome_approved": _share(row["approved"], closed),
        "outcome_approved_with_conditions": _share(row["with_conditions"], closed),
        "outcome_rejected": _share(row["rejected"], closed),
        "outcome_withdrawn": _share(row["withdrawn"], closed),
        "days_to_decision_median": None
        if median is None or math.isnan(median)
        else round(median, 1),
        "response_rate": _share(row["invited_responded"], row["invited"]),
        "mean_acceptability": None if mean is None else round(mean, 4),
    }


def _fetch(sql: str) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def direct_table_union(schemas: list[str]) -> dict[str, dict[str, Any]]:
    """Every authority's figures in one statement: a UNION ALL over every schema."""
    if not schemas:
        return {}
    rows = _fetch("\nUNION ALL\n".join(_schema_select(schema) for schema in schemas))
    return {row["schema"]: _figures(row) for row in rows}


def direct_table_loop(schemas: list[str]) -> dict[str, dict[str, Any]]:
    """The same figures, one statement per schema."""
    table = {}
    for schema in schemas:
        (row,) = _fetch(_schema_select(schema))
        table[schema] = _figures(row)
    return table
