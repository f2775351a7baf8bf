"""Who answered against who lives there: representation per band, one index, and net
acceptability re-weighted to the population (pure functions, through disclosure control).

Definitions (docs/representativeness.md):

- *population share* p_b and *respondent share* r_b of each band, over the
  respondents who gave a band; those who declined, left it blank or gave an
  answer with no census band (a non-binary gender has no census sex) are
  counted apart as ``without_band``;
- *representation* r_b / p_b: 1 is in proportion, 0.5 half as many as the
  population would suggest, 2 twice as many;
- *dimension index* 1 - ½ Σ|r_b - p_b| (one minus the total variation distance):
  1 when respondents mirror the population exactly, 0 when they share no band;
- *representativeness index*: the mean of the published dimension indices;
- *weighted net acceptability* (post-stratification on one dimension): the net
  acceptability within each band (acceptable minus unacceptable, over the band's
  respondents) averaged with population weights; bands without respondents are
  left out and the weights renormalised over the rest, whose population share is
  reported as ``coverage``.

Everything goes through disclosure control: counts are rounded; bands with
1..threshold respondents are merged (with the next smallest bands until the
group is above the threshold) and every figure is computed on the merged
bands, so no share, representation, index or weighted figure describes a
handful of people and none can be recovered by subtraction; with too few
respondents giving a band at all, only the population side is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backend.disclosure.counts import publish_count
from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode, Withheld
from backend.population.bands import RESPONDENT_FIELDS

ACCEPTABLE = {4, 5}
UNACCEPTABLE = {1, 2}


@dataclass(frozen=True)
class BandAnswers:
    """Respondents in one band and how many of them found the sharing (un)acceptable."""

    respondents: int
    acceptable: int = 0
    unacceptable: int = 0


def _reason(withheld: Withheld, policy: Policy) -> dict[str, Any]:
    return withheld.as_dict(threshold=policy.threshold, min_contributors=policy.min_contributors)


def dimension_index(population: Mapping[str, int], respondents: Mapping[str, int]) -> float | None:
    """1 - total variation distance between the two distributions (None without data)."""
    population_total = sum(population.values())
    respondent_total = sum(respondents.get(band, 0) for band in population)
    if not population_total or not respondent_total:
        return None
    distance = sum(
        abs(respondents.get(band, 0) / respondent_total - count / population_total)
        for band, count in population.items()
    )
    return 1 - distance / 2


def weighted_net_acceptability(
    population: Mapping[str, int], answers: Mapping[str, BandAnswers]
) -> tuple[float | None, float]:
    """Post-stratified net acceptability and the population share it covers."""
    population_total = sum(population.values())
    covered = {
        band: count
        for band, count in population.items()
        if count and answers.get(band, BandAnswers(0)).respondents
    }
    covered_total = sum(covered.values())
    if not population_total or not covered_total:
        return None, 0.0
    net = 0.0
    for band, count in covered.items():
        band_answers = answers[band]
        band_net = (band_answers.acceptable - band_answers.unacceptable) / band_answers.respondents
        net += band_net * count / covered_total
    return net, covered_total / population_total


def _merge_small(counts: Mapping[str, int], policy: Policy) -> set[str]:
    """The bands to publish as one: every band of 1..threshold respondents, plus the next
    smallest until the group holds more than the threshold (empty when none is small)."""
    group = {band for band, count in counts.items() if 0 < count <= policy.threshold}
    if not group:
        return set()
    others = sorted((count, band) for band, count in counts.items() if band not in group)
    while sum(counts[band] for band in group) <= policy.threshold and others:
        group.add(others.pop(0)[1])
    return group


def _add(total: BandAnswers, more: BandAnswers) -> BandAnswers:
    return BandAnswers(
        total.respondents + more.respondents,
        total.acceptable + more.acceptable,
        total.unacceptable + more.unacceptable,
    )


def dimension_representativeness(
    *,
    population: Mapping[str, int],
    answers: Mapping[str, BandAnswers],
    without_band: int,
    policy: Policy,
) -> dict[str, Any]:
    """One dimension's comparison, as it may be published.

    Bands with 1..threshold respondents are merged into one ``merged`` band
    (with the next smallest bands until it holds more than the threshold), so
    no published count, share or weighted figure describes a handful of people,
    and nothing can be recovered by subtracting published bands from a total.
    """
    withheld: dict[str, dict[str, Any]] = {}
    counts = {band: answers.get(band, BandAnswers(0)).respondents for band in population}
    with_band = sum(counts.values())
    with_band_published = publish_count(with_band, policy, basis="respondents_with_band")
    without_band_published = publish_count(without_band, policy, basis="without_band")
    for key, published in (
        ("respondents_with_band", with_band_published),
        ("without_band", without_band_published),
    ):
        if published.reason:
            withheld[key] = _reason(published.reason, policy)

    if with_band_published.withheld or not with_band:
        group: set[str] = set(population)  # nothing per band can be shown
    else:
        group = _merge_small(counts, policy)
    # The partition the figures are computed on: each band, or the merged group.
    parts_population: dict[str, int] = {}
    parts_answers: dict[str, BandAnswers] = {}
    for band, count in population.items():
        part = "merged" if band in group else band
        parts_population[part] = parts_population.get(part, 0) + count
        parts_answers[part] = _add(
            parts_answers.get(part, BandAnswers(0)), answers.get(band, BandAnswers(0))
        )

    population_total = sum(population.values())
    shown = not with_band_published.withheld and with_band
    published_counts = {
        part: publish_count(answered.respondents, policy, basis=part).value or 0
        for part, answered in parts_answers.items()
    }
    # Shares of the rounded counts, so they give back no more than the counts do.
    published_total = sum(published_counts.values())
    bands = []
    for part, count in parts_population.items():
        population_share = round(count / population_total, 4) if population_total else None
        published_count = respondent_share = representation = None
        if shown and published_total:
            published_count = published_counts[part]
            respondent_share = round(published_count / published_total, 4)
            if population_share:
                representation = round(respondent_share / population_share, policy.decimals)
        bands.append(
            {
                "band": part,
                "merged_bands": sorted(group, key=list(population).index)
                if part == "merged"
                else [],
                "population": count,
                "population_share": population_share,
                "respondents": published_count,
                "respondent_share": respondent_share,
                "representation": representation,
            }
        )

    index = net = None
    coverage = 0.0
    if with_band_published.withheld or not with_band:
        reason = Withheld(ReasonCode.DERIVED_FROM_WITHHELD, "respondents_with_band")
        withheld["index"] = _reason(reason, policy)
        withheld["weighted_net_acceptability"] = _reason(reason, policy)
    else:
        raw_index = dimension_index(
            parts_population, {part: a.respondents for part, a in parts_answers.items()}
        )
        index = None if raw_index is None else round(raw_index, policy.decimals)
        raw_net, coverage = weighted_net_acceptability(parts_population, parts_answers)
        net = None if raw_net is None else round(raw_net, policy.decimals)
    return {
        "respondents_with_band": with_band_published.value,
        "without_band": without_band_published.value,
        "bands": bands,
        "index": index,
        "weighted_net_acceptability": net,
        "coverage": round(coverage, 4),
        "withheld": withheld,
    }


def representativeness_index(dimensions: list[dict[str, Any]]) -> float | None:
    """The mean of the dimensions' published indices (None when none is published)."""
    indices = [d["index"] for d in dimensions if d["index"] is not None]
    return round(sum(indices) / len(indices), 2) if indices else None


@dataclass(frozen=True)
class Respondent:
    """One respondent as the comparison sees them: a census band per dimension (None when
    they declined, left it blank or gave an answer without one) and their acceptability."""

    bands: Mapping[str, str | None]
    acceptability: int


def respondent_bands(demographics: Mapping[str, str | None]) -> dict[str, str | None]:
    """A participant's form answers (field → value) as census bands (dimension → band)."""
    return {
        dimension: to_band(demographics.get(field) or "")
        for dimension, (field, to_band) in RESPONDENT_FIELDS.items()
    }


def respondents_representativeness(
    *,
    baseline: Mapping[str, Mapping[str, int]],
    respondents: Sequence[Respondent],
    policy: Policy,
) -> list[dict[str, Any]]:
    """Every dimension with a baseline (dimension → band → population) and a form field,
    compared with the respondents, as it may be published."""
    dimensions = []
    for dimension in RESPONDENT_FIELDS:
        if dimension not in baseline:
            continue
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        without_band = 0
        for respondent in respondents:
            band = respondent.bands.get(dimension)
            if band is None:
                without_band += 1
                continue
            counts[band][0] += 1
            counts[band][1] += respondent.acceptability in ACCEPTABLE
            counts[band][2] += respondent.acceptability in UNACCEPTABLE
        dimensions.append(
            {
                "dimension": dimension,
                **dimension_representativeness(
                    population=baseline[dimension],
                    answers={band: BandAnswers(*values) for band, values in counts.items()},
                    without_band=without_band,
                    policy=policy,
                ),
            }
        )
    return dimensions
