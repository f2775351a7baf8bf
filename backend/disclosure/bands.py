"""Quasi-identifiers of authorities that are not named: kind, nation and population only
as bands that hold at least ``threshold`` of them, or not at all.

The *crowd* is the set of authorities a viewer sees under a pseudonym. A band
is published only when every combination of published bands holds 0 or at
least ``threshold`` members of the crowd, so a pseudonym's bands never narrow
it down to fewer than that many candidates. Rare kinds and nations are pooled
into ``other``; population intervals are merged with their neighbours; if that
is not enough the attribute is dropped, population first, then nation, then
kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from backend.disclosure.policy import Policy

OTHER = "other"
POPULATION_EDGES: tuple[int, ...] = (50_000, 100_000, 150_000, 250_000, 400_000, 750_000)


@dataclass(frozen=True)
class Profile:
    kind: str
    nation: str
    population: int | None


@dataclass(frozen=True)
class Bands:
    kind: str | None
    nation: str | None
    population: str | None


def _pool_labels(values: Sequence[str], policy: Policy) -> dict[str, str] | None:
    """Value → published label: frequent values keep their name, the rest become 'other'."""
    if len(values) < policy.threshold:
        return None
    counts = Counter(values)
    kept = {value for value, count in counts.items() if count >= policy.threshold}
    while True:
        pooled = sum(count for value, count in counts.items() if value not in kept)
        if pooled == 0 or pooled >= policy.threshold or not kept:
            break
        kept.remove(min(kept, key=lambda value: (counts[value], value)))
    if not kept and len(values) < policy.threshold:
        return None
    return {value: (value if value in kept else OTHER) for value in counts}


def _fixed_intervals() -> list[tuple[int, int | None]]:
    lows = [0, *POPULATION_EDGES]
    highs: list[int | None] = [*POPULATION_EDGES, None]
    return list(zip(lows, highs, strict=True))


def _label(low: int, high: int | None) -> str:
    def short(number: int) -> str:
        return f"{number // 1000}k" if number % 1_000_000 else f"{number // 1_000_000}m"

    if low == 0 and high is not None:
        return f"under {short(high)}"
    if high is None:
        return f"{short(low)} and over"
    return f"{short(low)} to {short(high)}"


def _population_intervals(
    populations: Sequence[int | None], policy: Policy
) -> list[tuple[int, int | None]] | None:
    """Merged [low, high) intervals each holding 0 or >= threshold of the crowd."""
    known = [value for value in populations if value is not None]
    if len(known) < policy.threshold:
        return None
    intervals = _fixed_intervals()

    def members(interval: tuple[int, int | None]) -> int:
        low, high = interval
        return sum(1 for value in known if value >= low and (high is None or value < high))

    merged: list[tuple[int, int | None]] = []
    current: tuple[int, int | None] | None = None
    for interval in intervals:
        current = interval if current is None else (current[0], interval[1])
        if members(current) >= policy.threshold:
            merged.append(current)
            current = None
    if current is not None:
        if members(current) and merged:
            merged[-1] = (merged[-1][0], current[1])
        else:
            merged.append(current)
    return merged


def _population_band(
    population: int | None, intervals: list[tuple[int, int | None]] | None
) -> str | None:
    if population is None or intervals is None:
        return None
    for low, high in intervals:
        if population >= low and (high is None or population < high):
            return _label(low, high)
    return None


def band_profiles(
    profiles: Mapping[int, Profile], *, crowd: Collection[int], policy: Policy
) -> dict[int, Bands]:
    """The published bands of every authority in ``profiles``, k-anonymous over ``crowd``."""
    members = [profiles[key] for key in crowd if key in profiles]
    kinds = _pool_labels([p.kind for p in members], policy)
    nations = _pool_labels([p.nation for p in members], policy)
    intervals = _population_intervals([p.population for p in members], policy)

    def bands_of(profile: Profile, attributes: set[str]) -> Bands:
        return Bands(
            kind=(kinds or {}).get(profile.kind, OTHER) if "kind" in attributes and kinds else None,
            nation=(
                (nations or {}).get(profile.nation, OTHER)
                if "nation" in attributes and nations
                else None
            ),
            population=(
                _population_band(profile.population, intervals)
                if "population" in attributes
                else None
            ),
        )

    attributes = {"kind", "nation", "population"}
    for dropped in ("population", "nation", "kind", None):
        combinations = Counter(bands_of(profile, attributes) for profile in members)
        if all(count >= policy.threshold for count in combinations.values()):
            break
        if dropped is not None:
            attributes.discard(dropped)
    return {key: bands_of(profile, attributes) for key, profile in profiles.items()}


def fixed_population_band(population: int | None) -> str | None:
    """The unmerged interval a population falls in (for viewers who see every name)."""
    if population is None:
        return None
    for low, high in _fixed_intervals():
        if population >= low and (high is None or population < high):
            return _label(low, high)
    return None
