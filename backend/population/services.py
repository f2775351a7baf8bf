"""Writes on the population baseline: one dimension at a time, or several from a CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.population.bands import BANDS
from backend.population.models import PopulationBand
from tenants.context import require_authority_schema

CSV_COLUMNS = ("dimension", "band", "population", "source", "year")


@dataclass(frozen=True)
class DimensionBaseline:
    source: str
    year: int
    bands: Mapping[str, int]


def _errors(dimension: str, baseline: DimensionBaseline, prefix: str = "") -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if dimension not in BANDS:
        return {f"{prefix}dimension": [f"Not a dimension: {dimension}."]}
    unknown = sorted(set(baseline.bands) - set(BANDS[dimension]))
    if unknown:
        errors[f"{prefix}bands"] = [
            f"Not a band of {dimension}: {', '.join(unknown)} "
            f"(the bands are {', '.join(BANDS[dimension])})."
        ]
    if any(count < 0 for count in baseline.bands.values()):
        errors[f"{prefix}bands"] = ["Populations cannot be negative."]
    elif not any(baseline.bands.values()):
        errors[f"{prefix}bands"] = ["Give at least one band a population."]
    if not baseline.source.strip():
        errors[f"{prefix}source"] = ["Say where the figures come from."]
    if not 1900 <= baseline.year <= timezone.localdate().year:
        errors[f"{prefix}year"] = ["The year the figures describe (1900 to this year)."]
    return errors


def _replace(dimension: str, baseline: DimensionBaseline) -> None:
    PopulationBand.objects.filter(dimension=dimension).delete()
    PopulationBand.objects.bulk_create(
        [
            PopulationBand(
                dimension=dimension,
                band=band,
                population=baseline.bands.get(band, 0),
                source=baseline.source.strip(),
                year=baseline.year,
            )
            for band in BANDS[dimension]
        ]
    )


@transaction.atomic
def population_dimension_set(*, dimension: str, baseline: DimensionBaseline) -> None:
    """Replace one dimension's bands (bands not given count zero)."""
    require_authority_schema()
    errors = _errors(dimension, baseline)
    if errors:
        raise ValidationError(errors)
    _replace(dimension, baseline)


@transaction.atomic
def population_import_csv(*, content: str) -> list[str]:
    """Replace every dimension the CSV names; one bad row and nothing changes.

    Columns: dimension, band, population, source, year (a header row first).
    Errors name rows as a spreadsheet does: ``rows.<n>.<column>``.
    """
    require_authority_schema()
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError({"file": [f"Missing columns: {', '.join(missing)}."]})
    errors: dict[str, list[str]] = {}
    collected: dict[str, dict[str, object]] = {}
    for number, row in enumerate(reader, start=2):
        prefix = f"rows.{number}."
        dimension = (row["dimension"] or "").strip()
        try:
            population, year = int(row["population"]), int(row["year"])
        except (TypeError, ValueError):
            errors[f"{prefix}population"] = ["Population and year must be whole numbers."]
            continue
        entry = collected.setdefault(
            dimension, {"source": (row["source"] or "").strip(), "year": year, "bands": {}}
        )
        bands = entry["bands"]
        assert isinstance(bands, dict)
        band = (row["band"] or "").strip()
        if band in bands:
            errors[f"{prefix}band"] = [f"{dimension}/{band} appears twice."]
        bands[band] = population
        if entry["source"] != (row["source"] or "").strip() or entry["year"] != year:
            errors[f"{prefix}source"] = ["One dimension needs one source and one year."]
    baselines = {
        dimension: DimensionBaseline(
            source=str(entry["source"]),
            year=int(str(entry["year"])),
            bands=dict(entry["bands"]),  # type: ignore[call-overload]
        )
        for dimension, entry in collected.items()
    }
    for dimension, baseline in baselines.items():
        for key, messages in _errors(dimension, baseline, prefix=f"{dimension}.").items():
            errors.setdefault(key, []).extend(messages)
    if not baselines and not errors:
        errors["file"] = ["The file has no rows."]
    if errors:
        raise ValidationError(errors)
    for dimension, baseline in baselines.items():
        _replace(dimension, baseline)
    return sorted(baselines)
