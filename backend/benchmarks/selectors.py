"""Reads for the comparison: rollups only, never the authorities' schemas.

Every figure read here for anyone but its own authority goes through
``backend.disclosure`` (``publish_figures``, ``summarise``, ``band_profiles``);
nothing in this module or in the views decides on its own what to withhold.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from backend.benchmarks.figures import FIGURES, disclosure_rules
from backend.benchmarks.models import Pseudonym, Rollup
from backend.benchmarks.privacy import Viewer, display_name
from backend.disclosure.bands import Bands, Profile, band_profiles, fixed_population_band
from backend.disclosure.distribution import Summary, summarise
from backend.disclosure.figures import OWN, Audience, from_document
from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode, Withheld
from tenants.models import Authority, AuthorityStatus

IN_COMPARISON = [AuthorityStatus.ACTIVE, AuthorityStatus.PAUSED]
UNNAMED = "Unnamed authority"
# Whole-programme, all-time figures are the only slice where an authority that is not
# named keeps its stable pseudonym: a slice by period or segment has a shape (when it
# consulted, in which service areas) that the public register could match to a name.
LABELLED_SLICE = ("all", "all")


@dataclass(frozen=True)
class AuthorityFigures:
    authority: Authority
    ref: str | None
    identity: dict[str, Any]
    figures: dict[str, Any]
    suppressed: dict[str, Withheld]
    bands: Bands
    computed_at: Any
    # The figures as the programme at large may see them, which distributions use.
    public_figures: dict[str, Any] = field(default_factory=dict)


def authority_ref(authority: Authority, viewer: Viewer, pseudonyms: dict[int, int]) -> str:
    """How the viewer addresses an authority in URLs: its slug if named to them, else anon-N."""
    identity = display_name(authority, viewer, pseudonyms)
    return identity["slug"] or f"anon-{pseudonyms[authority.pk]}"


def pseudonym_numbers() -> dict[int, int]:
    return dict(Pseudonym.objects.values_list("authority_id", "number"))


def is_named_to(authority: Authority, viewer: Viewer) -> bool:
    return (
        viewer.sees_all_names
        or authority.consents_to_be_named
        or authority.pk == viewer.own_authority_id
    )


def audience_of(authority: Authority, viewer: Viewer) -> Audience:
    if authority.pk == viewer.own_authority_id:
        return OWN
    return Audience(own=False, pseudonymous=not is_named_to(authority, viewer))


def public_audience(authority: Authority) -> Audience:
    """How the programme at large sees an authority: what distributions are computed from,
    so that every viewer gets the same median and nobody can difference two of them."""
    return Audience(own=False, pseudonymous=not authority.consents_to_be_named)


def authority_bands(viewer: Viewer) -> dict[int, Bands]:
    """Kind, nation and population of every authority as this viewer may see them.

    Coordinators see every name, so the exact kind and nation; everyone else sees
    bands that hold at least the threshold of the authorities shown to them
    under a pseudonym (``backend.disclosure.bands``).
    """
    rows = list(
        Authority.objects.values_list(
            "pk", "kind", "nation", "population", "consents_to_be_named", "status"
        )
    )
    profiles = {pk: Profile(kind, nation, population) for pk, kind, nation, population, *_ in rows}
    if viewer.sees_all_names:
        return {
            pk: Bands(p.kind, p.nation, fixed_population_band(p.population))
            for pk, p in profiles.items()
        }
    crowd = [
        pk
        for pk, _, _, _, named, status in rows
        if not named and status in IN_COMPARISON and pk != viewer.own_authority_id
    ]
    return band_profiles(profiles, crowd=crowd, policy=Policy.from_settings())


def rollup_rows(*, period_key: str, segment: str) -> QuerySet[Rollup]:
    return Rollup.objects.select_related("authority").filter(
        period_key=period_key, segment=segment, authority__status__in=IN_COMPARISON
    )


def _slice_key(authority: Authority, period_key: str, segment: str) -> str:
    """A per-slice order for unlabelled rows that reveals nothing and cannot be linked."""
    message = f"{authority.pk}:{period_key}:{segment}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _entry(
    row: Rollup,
    viewer: Viewer,
    pseudonyms: dict[int, int],
    bands: dict[int, Bands],
    *,
    labelled: bool,
) -> AuthorityFigures:
    """One row as the viewer may see it: exact for its own authority, otherwise the
    published document the refresh stored (``backend.disclosure.figures``)."""
    authority = row.authority
    rules = disclosure_rules()
    audience = audience_of(authority, viewer)
    public, _ = from_document(row.published, rules=rules, audience=public_audience(authority))
    reasons: dict[str, Withheld]
    if audience.own:
        figures, reasons = dict(row.figures), {}
    else:
        figures, reasons = from_document(row.published, rules=rules, audience=audience)
    identity = display_name(authority, viewer, pseudonyms)
    ref: str | None = identity["slug"] or f"anon-{pseudonyms[authority.pk]}"
    if audience.pseudonymous and not labelled:
        identity = {"name": UNNAMED, "slug": None, "pseudonym": None}
        ref = None
    return AuthorityFigures(
        authority=authority,
        ref=ref,
        identity=identity,
        figures=figures,
        suppressed=reasons,
        bands=bands.get(authority.pk, Bands(None, None, None)),
        computed_at=row.computed_at,
        public_figures=public,
    )


def benchmark_table(
    *,
    viewer: Viewer,
    period_key: str,
    segment: str,
    kind: str | None = None,
    nation: str | None = None,
) -> list[AuthorityFigures]:
    """Every authority's figures for one period and segment, as this viewer may see them.

    ``kind`` and ``nation`` select on what the viewer sees: the exact values for
    a coordinator, the published bands for anyone else.
    """
    pseudonyms = pseudonym_numbers()
    bands = authority_bands(viewer)
    labelled = (period_key, segment) == LABELLED_SLICE
    table = [
        _entry(row, viewer, pseudonyms, bands, labelled=labelled)
        for row in rollup_rows(period_key=period_key, segment=segment)
        # Not refreshed since onboarding: it has no figures yet either.
        if row.authority_id in pseudonyms
    ]
    if kind:
        table = [entry for entry in table if entry.bands.kind == kind]
    if nation:
        table = [entry for entry in table if entry.bands.nation == nation]
    # Order by label (named and pseudonymous rows), then unlabelled rows by a keyed hash,
    # so no position says anything about who is where.
    table.sort(
        key=lambda entry: (
            entry.ref is None,
            entry.identity["name"]
            if entry.ref
            else _slice_key(entry.authority, period_key, segment),
        )
    )
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
    return _entry(row, viewer, pseudonyms, authority_bands(viewer), labelled=True)


def subject_figures(
    entry: AuthorityFigures, viewer: Viewer, *, period_key: str, segment: str
) -> tuple[dict[str, Any], dict[str, Withheld]]:
    """The figures of an authority addressed by its ref in one slice.

    An authority that is not named to the viewer is addressed by its pseudonym,
    so only its all-time, whole-programme figures are given: a slice by period
    or segment would let its shape be matched to a name.
    """
    if (period_key, segment) == LABELLED_SLICE or not audience_of(
        entry.authority, viewer
    ).pseudonymous:
        return entry.figures, entry.suppressed
    reason = Withheld(ReasonCode.QUASI_IDENTIFIER, "slice")
    return {key: None for key in entry.figures}, {key: reason for key in entry.figures}


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


def figure_distributions(table: list[AuthorityFigures]) -> dict[str, Summary]:
    """Median, quartiles and best of each figure over the published values."""
    policy = Policy.from_settings()
    return {
        key: summarise(
            [entry.public_figures.get(key) for entry in table],
            higher_is_better=figure.higher_is_better,
            policy=policy,
        )
        for key, figure in FIGURES.items()
    }


def time_series(
    *, authority: Authority, figure: str, period_kind: str, viewer: Viewer
) -> list[dict[str, Any]]:
    """The authority's value and the programme's distribution for each period of a kind.

    The value is withheld from anyone but the authority itself when the
    authority is not named to them: the shape of a series is a fingerprint.
    The distribution is over the published values, the same for every viewer.
    """
    policy = Policy.from_settings()
    audience = audience_of(authority, viewer)
    higher_is_better = FIGURES[figure].higher_is_better
    points = []
    for period_key, public, exact, named, reason in _period_values(
        figure=figure, period_kind=period_kind, subject_id=authority.pk
    ):
        withheld: Withheld | None = None
        if audience.own:
            value = exact
        elif audience.pseudonymous:
            value, withheld = None, Withheld(ReasonCode.QUASI_IDENTIFIER, "time_series")
        else:
            value = named
            if reason:
                withheld = Withheld(ReasonCode(reason["code"]), reason.get("basis"))
            elif value is None and exact is not None:
                withheld = Withheld(ReasonCode.BASIS_UNKNOWN, "published")
        summary = summarise(public, higher_is_better=higher_is_better, policy=policy)
        points.append(
            {
                "period": period_key,
                "value": value,
                "suppressed": _reason_dict(withheld, policy),
                "authorities": summary.contributors,
                "median": summary.median,
                "lower_quartile": summary.lower_quartile,
                "upper_quartile": summary.upper_quartile,
                "distribution_suppressed": _reason_dict(summary.reason, policy),
            }
        )
    return points


def _reason_dict(reason: Withheld | None, policy: Policy) -> dict[str, Any] | None:
    if reason is None:
        return None
    return reason.as_dict(threshold=policy.threshold, min_contributors=policy.min_contributors)


def reason_dicts(reasons: dict[str, Withheld]) -> dict[str, dict[str, Any]]:
    policy = Policy.from_settings()
    return {key: _reason_dict(reason, policy) or {} for key, reason in reasons.items()}


def summary_reason(summary: Summary) -> dict[str, Any] | None:
    return _reason_dict(summary.reason, Policy.from_settings())


def _period_values(
    *, figure: str, period_kind: str, subject_id: int
) -> list[tuple[str, list[float], float | None, float | None, dict[str, Any] | None]]:
    """Per period: every authority's published value of one figure (sorted), and the
    subject's exact value, published value and reason.

    A series reads every authority's row of every month: thousands of rows at
    programme scale. The published values were decided when the rollups were
    computed; picking the one figure out of each JSON document, withholding
    per-population figures of authorities that are not named (the rule is
    ``FigureRule.per_population``, passed in) and grouping by period all happen in
    PostgreSQL, so Python receives one row per period instead of decoding every
    document.
    """
    per_population = disclosure_rules()[figure].per_population
    table = Rollup._meta.db_table
    # The CTE is materialised so that only (period, value) rows are sorted for the
    # aggregate; otherwise the planner sorts whole rows, JSON documents and all.
    everyone = f"""
        WITH shown AS MATERIALIZED (
            SELECT r.period_key,
                   CASE WHEN %(per_population)s AND NOT a.consents_to_be_named THEN NULL
                        ELSE (r.published -> 'figures' ->> %(figure)s)::float8
                   END AS public_value
            FROM {table} r
            JOIN {Authority._meta.db_table} a ON a.id = r.authority_id
            WHERE r.period_kind = %(period_kind)s AND r.segment = 'all'
              AND a.status = ANY(%(statuses)s)
        )
        SELECT period_key,
               array_agg(public_value ORDER BY public_value)
                   FILTER (WHERE public_value IS NOT NULL)
        FROM shown
        GROUP BY period_key
    """
    subject = f"""
        SELECT period_key, (figures ->> %(figure)s)::float8,
               (published -> 'figures' ->> %(figure)s)::float8,
               published -> 'withheld' -> %(figure)s
        FROM {table}
        WHERE authority_id = %(subject)s AND period_kind = %(period_kind)s
          AND segment = 'all'
    """
    params: dict[str, Any] = {
        "subject": subject_id,
        "per_population": per_population,
        "figure": figure,
        "period_kind": period_kind,
        "statuses": [str(status) for status in IN_COMPARISON],
    }
    with connection.cursor() as cursor:
        cursor.execute(everyone, params)
        distributions = dict(cursor.fetchall())
        cursor.execute(subject, params)
        # Django leaves jsonb undecoded on raw cursors.
        own = {
            key: (exact, named, json.loads(reason) if isinstance(reason, str) else reason)
            for key, exact, named, reason in cursor.fetchall()
        }
    rows = [
        (key, public, *own.get(key, (None, None, None))) for key, public in distributions.items()
    ]
    return sorted(
        (key, public or [], exact, named, reason) for key, public, exact, named, reason in rows
    )
