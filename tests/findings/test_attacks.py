"""An observer (or, once published, anyone) attacks the findings. Each attack first runs on
the unprotected figures, computed here from the authorities' own rows, to show it works;
then on what the API publishes, to show it fails.

Thresholds are the defaults (7, rounding to 5) except the minimum numbers of proposals
and authorities, lowered so that the respondent rules are what is attacked: the test
database has two authorities.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from backend.findings.dimensions import DIMENSIONS
from tenants.context import authority_context
from tenants.models import Authority
from tenants.roles import Role
from tests.conftest import member_make, module_rows
from tests.findings.direct import figures, held_consultations
from tests.findings.scenarios import answers, consulted

THRESHOLD = 7
NOT = "not:"


@pytest.fixture
def respondent_rules(settings):
    settings.DISCLOSURE_THRESHOLD = THRESHOLD
    settings.DISCLOSURE_ROUNDING_BASE = 5
    settings.FINDINGS_MIN_PROPOSALS = 1
    settings.FINDINGS_MIN_AUTHORITIES = 1


@pytest.fixture(scope="module")
def _lone_respondent_rows(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    yield from module_rows(
        django_db_blocker,
        lambda: _lone_respondent_build(
            Authority.objects.get(schema_name="alpha"), Authority.objects.get(schema_name="beta")
        ),
    )


@pytest.fixture
def lone_respondent(_lone_respondent_rows: None, authority_a, authority_b) -> list[Authority]:
    """32 people answered about housing proposals; one person answered about the only
    proposal that is continuous, inbound and not about housing, and found it very
    unacceptable (built once for the module)."""
    return [authority_a, authority_b]


def _lone_respondent_build(authority_a: Authority, authority_b: Authority) -> None:
    alpha = member_make(authority_a, Role.OFFICER).user
    beta = member_make(authority_b, Role.OFFICER).user
    with authority_context(authority_a):
        consulted(authority_a, alpha, responses=answers(4, 4, 5, 3, 2, 4, 5, 1, 4, 4))
        consulted(
            authority_a,
            alpha,
            responses=answers(5, 5, 4, 3, 3, 2, 4, 4, 5, 1),
            service_areas=["housing", "health"],
            legal_gateway="consent",
        )
        consulted(
            authority_a,
            alpha,
            responses=answers(1),
            service_areas=["welfare"],
            direction="inbound",
            frequency="continuous",
        )
    with authority_context(authority_b):
        consulted(
            authority_b,
            beta,
            responses=answers(4, 3, 4, 5, 2, 2, 4, 4, 3, 5, 4, 1),
            service_areas=["housing"],
        )


def _table(client, by):
    response = client.get("/api/v1/findings", {"by": by})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    return rows[0], {tuple(sorted(row["cell"].items())): row for row in rows[1:]}


def _raw_row(held, cell):
    exact = figures(held, dict(cell))
    return {"respondents": exact["respondents"], "net_acceptability": exact["net_acceptability"]}


def _difference(total, parts):
    """The people of the missing part and their net acceptability, from a total and the
    other parts (None when any of them is withheld)."""
    rows = [total, *parts]
    if any(row["respondents"] is None for row in rows):
        return None
    if any(row["respondents"] and row["net_acceptability"] is None for row in rows):
        return None
    people = total["respondents"] - sum(part["respondents"] for part in parts)
    if people <= 0:
        return None
    net_sum = total["net_acceptability"] * total["respondents"] - sum(
        part["net_acceptability"] * part["respondents"] for part in parts if part["respondents"]
    )
    return people, round(net_sum / people, 2)


def test_a_lone_respondent_is_never_shown_in_a_cell(respondent_rules, lone_respondent, make_member):
    held = held_consultations(lone_respondent)
    cell = (("frequency", "continuous"),)
    assert _raw_row(held, cell) == {"respondents": 1, "net_acceptability": -1.0}

    observer = make_member(None, Role.OBSERVER).client(None)
    _, rows = _table(observer, ["frequency"])
    row = rows[cell]
    assert row["respondents"] is None
    assert row["net_acceptability"] is None
    assert row["withheld"]["respondents"]["code"] == "small_count"
    assert row["withheld"]["net_acceptability"]["code"] == "derived_from_withheld"
    assert row["gap"] == {"purposeful": None, "proportionate": None, "responsible": None}


def test_differencing_a_dimension_against_the_total_fails(
    respondent_rules, lone_respondent, make_member
):
    held = held_consultations(lone_respondent)
    raw_total = _raw_row(held, ())
    others = [_raw_row(held, (("frequency", value),)) for value in ("one_off", "regular")]
    assert _difference(raw_total, others) == (1, -1.0)  # works on the exact figures

    observer = make_member(None, Role.OBSERVER).client(None)
    total, rows = _table(observer, ["frequency"])
    published = [rows[(("frequency", value),)] for value in ("one_off", "regular")]
    assert _difference(total, published) is None
    assert rows[(("frequency", "regular"),)]["withheld"]["respondents"]["code"] == "secondary"


def test_differencing_a_pair_cell_against_its_single_dimension_total_fails(
    respondent_rules, lone_respondent, make_member
):
    held = held_consultations(lone_respondent)
    single = _raw_row(held, (("legal_gateway", "public_task"),))
    pair = _raw_row(held, (("direction", "outbound"), ("legal_gateway", "public_task")))
    assert _difference(
        single, [pair, _raw_row(held, (("direction", "two_way"), ("legal_gateway", "public_task")))]
    ) == (1, -1.0)

    observer = make_member(None, Role.OBSERVER).client(None)
    _, singles = _table(observer, ["legal_gateway"])
    _, pairs = _table(observer, ["direction", "legal_gateway"])
    total = singles[(("legal_gateway", "public_task"),)]
    parts = [
        pairs[(("direction", value), ("legal_gateway", "public_task"))]
        for value in ("outbound", "two_way")
    ]
    assert _difference(total, parts) is None


def test_a_multi_valued_cell_cannot_be_differenced_against_the_total(
    respondent_rules, lone_respondent, make_member
):
    """Every proposal but one is about housing: the total minus the housing cell is the one
    person who answered about the other."""
    held = held_consultations(lone_respondent)
    housing = _raw_row(held, (("service_area", "housing"),))
    assert housing["respondents"] == 32
    assert _difference(_raw_row(held, ()), [housing]) == (1, -1.0)

    observer = make_member(None, Role.OBSERVER).client(None)
    total, rows = _table(observer, ["service_area"])
    published_housing = rows[(("service_area", "housing"),)]
    assert _difference(total, [published_housing]) is None
    assert published_housing["withheld"]["respondents"]["code"] == "secondary"
    # The health cell (alpha's first two proposals, 20 people) overlaps housing; its
    # complement (13 people) is too large to matter, so it is shown.
    assert rows[(("service_area", "health"),)]["respondents"] == 20


def _equations(by):
    """Every (whole, parts) the published tables of ``by`` form: for a single-valued
    dimension the values partition the whole; for a multi-valued one each value and its
    (unpublished) complement do."""

    def splits(key):
        dimension = DIMENSIONS[key]
        if dimension.multi_valued:
            return [[value, NOT + value] for value in dimension.values]
        return [list(dimension.values)]

    if len(by) == 1:
        for parts in splits(by[0]):
            yield (), [((by[0], value),) for value in parts]
        return
    for outer, inner in (by, by[::-1]):
        outer_dimension = DIMENSIONS[outer]
        for held_value in outer_dimension.values:
            for parts in splits(inner):
                yield (
                    ((outer, held_value),),
                    [tuple(sorted(((outer, held_value), (inner, value)))) for value in parts],
                )


def _truth(held, cell):
    """Exact respondents of a cell, complements (``not:``) included."""
    inside = [
        h
        for h in held
        if all(
            (value[len(NOT) :] not in h.attributes[key])
            if value.startswith(NOT)
            else (value in h.attributes[key])
            for key, value in cell
        )
    ]
    return sum(len(h.answers) for h in inside)


def test_no_withheld_cell_can_be_solved_from_any_published_table(
    respondent_rules, lone_respondent, make_member
):
    """The general attack over every table a caller can ask for: start from the published
    cells, solve every equation (a whole and its parts) that has one unknown left, again
    and again; a solved cell of 1..7 people, or unknown parts of an equation whose whole is
    known that together hold 1..7 people, is a disclosure. On the exact figures it finds
    the lone respondent; on the published ones, nothing."""
    held = held_consultations(lone_respondent)
    observer = make_member(None, Role.OBSERVER).client(None)
    queries = [[key] for key in DIMENSIONS]
    queries += [list(pair) for pair in itertools.combinations(DIMENSIONS, 2)]
    shown: dict[tuple, bool] = {}
    equations = []
    for by in queries:
        total, rows = _table(observer, by)
        shown[()] = total["respondents"] is not None
        shown.update({cell: row["respondents"] is not None for cell, row in rows.items()})
        equations += list(_equations(by))

    def attack(known: set) -> list:
        known = set(known)
        changed = True
        while changed:
            changed = False
            for whole, parts in equations:
                unknown = [cell for cell in (whole, *parts) if cell not in known]
                if len(unknown) == 1:
                    known.add(unknown[0])
                    changed = True
        disclosed = [cell for cell in known if 0 < _truth(held, cell) <= THRESHOLD]
        for whole, parts in equations:
            hidden = [part for part in parts if part not in known]
            if whole in known and hidden and 0 < sum(_truth(held, p) for p in hidden) <= THRESHOLD:
                disclosed.append(tuple(hidden))
        return disclosed

    everything = set(shown)  # unprotected: every real cell is published
    assert (("frequency", "continuous"),) in attack(everything)
    assert attack({cell for cell, is_shown in shown.items() if is_shown}) == []
