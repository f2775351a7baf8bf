"""Reads: the baseline, and one consultation's respondents compared with it."""

from __future__ import annotations

from typing import Any

from backend.consultations.models import Consultation, Response
from backend.disclosure.policy import Policy
from backend.population.bands import BANDS, RESPONDENT_FIELDS
from backend.population.models import PopulationBand
from backend.population.representativeness import (
    Respondent,
    representativeness_index,
    respondent_bands,
    respondents_representativeness,
)
from tenants.context import require_authority_schema


def population_baseline() -> dict[str, dict[str, Any]]:
    """Dimension → {source, year, bands: {band: population}}, in band order."""
    require_authority_schema()
    baseline: dict[str, dict[str, Any]] = {}
    for row in PopulationBand.objects.all():
        entry = baseline.setdefault(
            row.dimension, {"source": row.source, "year": row.year, "bands": {}}
        )
        entry["bands"][row.band] = row.population
    for dimension, entry in baseline.items():
        entry["bands"] = {band: entry["bands"].get(band, 0) for band in BANDS[dimension]}
    return baseline


def consultation_representativeness(*, consultation: Consultation) -> dict[str, Any]:
    """Respondents against the baseline, per dimension with a baseline and a form field."""
    baseline = population_baseline()
    fields = [field for field, _ in RESPONDENT_FIELDS.values()]
    respondents = [
        Respondent(
            bands=respondent_bands({field: row[f"participant__{field}"] for field in fields}),
            acceptability=row["acceptability"],
        )
        for row in Response.objects.filter(participant__consultation=consultation).values(
            "acceptability", *(f"participant__{field}" for field in fields)
        )
    ]
    dimensions = [
        {
            "dimension": entry["dimension"],
            "source": baseline[entry["dimension"]]["source"],
            "year": baseline[entry["dimension"]]["year"],
            **{key: value for key, value in entry.items() if key != "dimension"},
        }
        for entry in respondents_representativeness(
            baseline={dimension: entry["bands"] for dimension, entry in baseline.items()},
            respondents=respondents,
            policy=Policy.from_settings(),
        )
    ]
    return {
        "representativeness_index": representativeness_index(dimensions),
        "dimensions": dimensions,
    }
