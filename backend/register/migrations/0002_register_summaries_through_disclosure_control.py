"""Re-publish the consultation summaries already in the register through disclosure control.

Entries published before ``backend.disclosure`` held exact counts and shares (one
respondent's answer could be read off them). Their counts are rebuilt from the
stored shares and responses, then published by the same function new entries use.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _republished(item: dict[str, Any]) -> dict[str, Any]:
    from backend.disclosure.consultation import consultation_results_published
    from backend.disclosure.policy import Policy

    responded = int(item.get("responded") or 0)
    invited = int(item.get("invited") or 0)
    shares = item.get("acceptability_shares") or {}
    acceptability = {label: round((share or 0) * responded) for label, share in shares.items()}
    agreement = {}
    for test, share in (item.get("agreement") or {}).items():
        agree = round((share or 0) * responded)
        agreement[test] = {"5": agree, "1": max(responded - agree, 0)}
    published = consultation_results_published(
        invited=invited,
        responded=responded,
        acceptability=acceptability,
        agreement=agreement,
        policy=Policy.from_settings(),
    )
    return {"method": item.get("method"), "held_on": item.get("held_on"), **published}


def republish(apps: Any, schema_editor: Any) -> None:
    RegisterEntry = apps.get_model("register", "RegisterEntry")
    for entry in RegisterEntry.objects.exclude(consultation_summary=None).iterator():
        items = (entry.consultation_summary or {}).get("consultations") or []
        if all("withheld" in item for item in items):
            continue  # already published under the rules
        entry.consultation_summary = {
            "consultations": [item if "withheld" in item else _republished(item) for item in items]
        }
        entry.save(update_fields=["consultation_summary"])


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(republish, migrations.RunPython.noop)]
