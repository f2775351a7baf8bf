"""Seed the engagement-method catalogue (idempotent: keyed by ``key``)."""

from decimal import Decimal

from django.db import migrations

METHODS = [
    {
        "key": "workshop",
        "name": "Workshop",
        "description": "A facilitated session of two to four hours in which a small group works "
        "through a proposal with officers, using scenarios and the three tests.",
        "typical_cost_low": Decimal("1500"),
        "typical_cost_high": Decimal("5000"),
        "typical_cost_note": "Venue, two facilitators, refreshments and participant vouchers.",
        "is_online": False,
    },
    {
        "key": "citizens_panel",
        "name": "Citizens' panel or jury",
        "description": "A demographically balanced group of residents who meet several times, "
        "hear evidence from officers and experts, deliberate and make recommendations.",
        "typical_cost_low": Decimal("15000"),
        "typical_cost_high": Decimal("60000"),
        "typical_cost_note": "Recruitment by sortition, several sessions, expert witnesses, "
        "incentives for each member.",
        "is_online": False,
    },
    {
        "key": "online_survey",
        "name": "Online survey",
        "description": "A short questionnaire that invited residents (or anyone with the open "
        "link) answer online in their own time.",
        "typical_cost_low": Decimal("200"),
        "typical_cost_high": Decimal("2000"),
        "typical_cost_note": "Mostly staff time to write, promote and analyse it.",
        "is_online": True,
    },
    {
        "key": "focus_group",
        "name": "Focus group",
        "description": "A guided discussion with six to ten people who share an experience of "
        "the service concerned, to explore views in depth.",
        "typical_cost_low": Decimal("800"),
        "typical_cost_high": Decimal("3000"),
        "typical_cost_note": "Recruitment, a facilitator, venue and participant vouchers.",
        "is_online": False,
    },
    {
        "key": "public_meeting",
        "name": "Public meeting",
        "description": "An open meeting where officers present the proposal and anyone may "
        "attend, ask questions and give their view.",
        "typical_cost_low": Decimal("300"),
        "typical_cost_high": Decimal("1500"),
        "typical_cost_note": "Venue hire, publicity and officers' time.",
        "is_online": False,
    },
    {
        "key": "drop_in",
        "name": "Drop-in session",
        "description": "Officers staff a stand in a library, community centre or market for a "
        "few hours; people come by, read about the proposal and leave their view.",
        "typical_cost_low": Decimal("200"),
        "typical_cost_high": Decimal("1000"),
        "typical_cost_note": "Officers' time, display materials and a small venue fee.",
        "is_online": False,
    },
]


def seed(apps, schema_editor):
    EngagementMethod = apps.get_model("engagement", "EngagementMethod")
    for method in METHODS:
        EngagementMethod.objects.update_or_create(key=method["key"], defaults=method)


def unseed(apps, schema_editor):
    EngagementMethod = apps.get_model("engagement", "EngagementMethod")
    EngagementMethod.objects.filter(key__in=[m["key"] for m in METHODS]).delete()


class Migration(migrations.Migration):
    dependencies = [("engagement", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
