"""The time series: one figure per period, the subject's value against the programme."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from backend.benchmarks.models import Rollup
from backend.benchmarks.privacy import Viewer
from backend.benchmarks.selectors import time_series

COORDINATOR = Viewer(sees_all_names=True)


def _month(authority, key, *, responses=50, **figures):
    year, month = (int(part) for part in key.split("-"))
    Rollup.objects.create(
        authority=authority,
        period_kind="month",
        period_key=key,
        period_start=date(year, month, 1),
        segment="all",
        figures=figures,
        sample_sizes={"responses": responses, "participants": responses * 2},
        computed_at=timezone.now(),
    )


def test_each_period_has_the_subject_value_and_the_programme_median(authority_a, authority_b):
    _month(authority_a, "2026-02", mean_acceptability=4.0)
    _month(authority_b, "2026-02", mean_acceptability=3.0)
    _month(authority_a, "2026-01", mean_acceptability=2.0)
    points = time_series(
        authority=authority_a, figure="mean_acceptability", period_kind="month", viewer=COORDINATOR
    )
    assert [p["period"] for p in points] == ["2026-01", "2026-02"]
    assert points[0] == {
        "period": "2026-01",
        "value": 2.0,
        "median": 2.0,
        "lower_quartile": 2.0,
        "upper_quartile": 2.0,
    }
    assert points[1]["value"] == 4.0
    assert points[1]["median"] == 3.5
    assert points[1]["lower_quartile"] == 3.25


def test_small_samples_are_hidden_from_others_but_not_from_their_own_authority(
    authority_a, authority_b
):
    _month(authority_a, "2026-03", responses=2, mean_acceptability=1.0)
    _month(authority_b, "2026-03", responses=40, mean_acceptability=5.0)
    seen_by_coordinator = time_series(
        authority=authority_a, figure="mean_acceptability", period_kind="month", viewer=COORDINATOR
    )
    assert seen_by_coordinator[0]["value"] is None
    assert seen_by_coordinator[0]["median"] == 5.0
    own = Viewer(sees_all_names=False, own_authority_id=authority_a.pk)
    seen_by_itself = time_series(
        authority=authority_a, figure="mean_acceptability", period_kind="month", viewer=own
    )
    assert seen_by_itself[0]["value"] == 1.0
    assert seen_by_itself[0]["median"] == 3.0


def test_counts_without_a_basis_are_never_hidden(authority_a):
    _month(authority_a, "2026-04", responses=0, proposals_logged=3)
    (point,) = time_series(
        authority=authority_a, figure="proposals_logged", period_kind="month", viewer=COORDINATOR
    )
    assert point["value"] == 3
    assert point["median"] == 3
