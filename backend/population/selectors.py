"""Reads: the baseline, and one consultation's respondents compared with it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from backend.consultations.models import Consultation, Response
from backend.disclosure.policy import Policy
from backend.population.bands import BANDS, RESPONDENT_FIELDS
from backend.population.models import PopulationBand
from backend.population.representativeness import (
    BandAnswers,
    dimension_representativeness,
    representativeness_index,
)
from tenants.context import require_authority_schema

ACCEPTABLE = {4, 5}
UNACCEPTABLE = {1, 2}


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
    rows = list(
        Response.objects.filter(participant__consultation=consultation).values(
            "acceptability", *(f"participant__{field}" for field, _ in RESPONDENT_FIELDS.values())
        )
    )
    policy = Policy.from_settings()
    dimensions = []
    for dimension, (field, to_band) in RESPONDENT_FIELDS.items():
        if dimension not in baseline:
            continue
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        without_band = 0
        for row in rows:
            band = to_band(row[f"participant__{field}"] or "")
            if band is None:
                without_band += 1
                continue
            counts[band][0] += 1
            counts[band][1] += row["acceptability"] in ACCEPTABLE
            counts[band][2] += row["acceptability"] in UNACCEPTABLE
        answers = {band: BandAnswers(*values) for band, values in counts.items()}
        entry = baseline[dimension]
        dimensions.append(
            {
                "dimension": dimension,
                "source": entry["source"],
                "year": entry["year"],
                **dimension_representativeness(
                    population=entry["bands"],
                    answers=answers,
                    without_band=without_band,
                    policy=policy,
                ),
            }
        )
    return {
        "representativeness_index": representativeness_index(dimensions),
        "dimensions": dimensions,
    }
