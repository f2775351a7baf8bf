"""Entries published before disclosure control are re-published under it by a migration."""

from __future__ import annotations

import importlib

migration = importlib.import_module(
    "backend.register.migrations.0002_register_summaries_through_disclosure_control"
)

OLD_LONE_RESPONDENT = {
    "method": "Workshop",
    "held_on": "2026-10-01",
    "invited": 2,
    "responded": 1,
    "response_rate": 0.5,
    "net_acceptability": -1.0,
    "acceptability_shares": {
        "very_unacceptable": 1.0,
        "unacceptable": 0.0,
        "neutral": 0.0,
        "acceptable": 0.0,
        "very_acceptable": 0.0,
    },
    "agreement": {"purposeful": 0.0},
}


def test_an_old_entry_with_one_respondent_loses_the_answer():
    republished = migration._republished(OLD_LONE_RESPONDENT)
    assert republished["method"] == "Workshop" and republished["held_on"] == "2026-10-01"
    assert republished["responded"] is None and republished["invited"] is None
    assert set(republished["acceptability_shares"].values()) == {None}
    assert republished["net_acceptability"] is None
    assert republished["agreement"] == {"purposeful": None}
    assert republished["withheld"]["responded"]["code"] == "small_count"


def test_an_old_entry_with_many_respondents_keeps_rounded_figures():
    item = {
        **OLD_LONE_RESPONDENT,
        "invited": 60,
        "responded": 40,
        "acceptability_shares": {
            "very_unacceptable": 0.25,
            "unacceptable": 0.25,
            "neutral": 0.0,
            "acceptable": 0.25,
            "very_acceptable": 0.25,
        },
        "agreement": {"purposeful": 0.5},
    }
    republished = migration._republished(item)
    assert republished["invited"] == 60 and republished["responded"] == 40
    assert republished["acceptability_shares"]["acceptable"] == 0.25
    assert republished["net_acceptability"] == 0.0
    assert republished["agreement"] == {"purposeful": 0.5}
    assert republished["withheld"] == {}
