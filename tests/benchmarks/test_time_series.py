"""The time series: one figure per period, the subject's value against the programme."""

from __future__ import annotations

from datetime import date

from backend.benchmarks.privacy import Viewer
from backend.benchmarks.selectors import time_series
from tenants.models import Authority, AuthorityStatus
from tests.benchmarks.rollups import rollup_create

COORDINATOR = Viewer(sees_all_names=True)


def _month(authority, key, *, responses=50, **figures):
    year, month = (int(part) for part in key.split("-"))
    rollup_create(
        authority,
        period_kind="month",
        period_key=key,
        period_start=date(year, month, 1),
        figures=figures,
        counts={
            "responses": responses,
            "participants": responses * 2,
            "proposals_logged": figures.get("proposals_logged", 0),
        },
    )


def _others(count):
    return [
        Authority.objects.create(
            schema_name=f"series{index}",
            name=f"Series Council {index}",
            kind="district",
            status=AuthorityStatus.ACTIVE,
        )
        for index in range(count)
    ]


def test_each_period_has_the_subject_value_and_a_distribution_of_five_or_more(
    authority_a, authority_b
):
    february = [authority_a, authority_b, *_others(3)]
    for authority, mean in zip(february, [4.0, 3.0, 2.0, 5.0, 1.0], strict=True):
        _month(authority, "2026-02", mean_acceptability=mean)
    _month(authority_a, "2026-01", mean_acceptability=2.0)
    points = time_series(
        authority=authority_a, figure="mean_acceptability", period_kind="month", viewer=COORDINATOR
    )
    assert [p["period"] for p in points] == ["2026-01", "2026-02"]
    january, february_point = points
    assert january["value"] == 2.0
    assert january["authorities"] == 1
    assert january["median"] is None  # one authority: its value would be the median
    assert january["distribution_suppressed"]["code"] == "too_few_contributors"
    assert february_point["value"] == 4.0
    assert february_point["authorities"] == 5
    # Nearest rank over 1..5: values, never averages of two.
    assert february_point["median"] == 3.0
    assert february_point["lower_quartile"] == 2.0
    assert february_point["upper_quartile"] == 4.0


def test_small_samples_are_hidden_from_others_but_not_from_their_own_authority(
    authority_a, authority_b
):
    _month(authority_a, "2026-03", responses=2, mean_acceptability=1.0)
    _month(authority_b, "2026-03", responses=40, mean_acceptability=5.0)
    seen_by_coordinator = time_series(
        authority=authority_a, figure="mean_acceptability", period_kind="month", viewer=COORDINATOR
    )
    assert seen_by_coordinator[0]["value"] is None
    assert seen_by_coordinator[0]["suppressed"]["code"] == "derived_from_withheld"
    own = Viewer(sees_all_names=False, own_authority_id=authority_a.pk)
    seen_by_itself = time_series(
        authority=authority_a, figure="mean_acceptability", period_kind="month", viewer=own
    )
    assert seen_by_itself[0]["value"] == 1.0
    assert seen_by_itself[0]["suppressed"] is None
    # The distribution is the programme's published one, the same for every viewer.
    assert seen_by_itself[0]["authorities"] == seen_by_coordinator[0]["authorities"] == 1


def test_counts_are_rounded_for_others_and_small_ones_withheld(authority_a, authority_b):
    _month(authority_a, "2026-04", responses=0, proposals_logged=3)
    _month(authority_b, "2026-04", responses=0, proposals_logged=13)
    (small,) = time_series(
        authority=authority_a, figure="proposals_logged", period_kind="month", viewer=COORDINATOR
    )
    assert small["value"] is None
    assert small["suppressed"]["code"] == "small_count"
    (rounded,) = time_series(
        authority=authority_b, figure="proposals_logged", period_kind="month", viewer=COORDINATOR
    )
    assert rounded["value"] == 15
