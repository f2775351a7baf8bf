"""Reads on the audit trail: events of one tracked model (or one object), with who did them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pghistory.models
from django.apps import apps
from django.db import models
from django.db.models import QuerySet

from backend.accounts.models import User
from tenants.context import require_authority_schema

# The tracked models whose history admins may read, by the name the API uses.
# Other apps add theirs here (the event model is "<Model>Event" in the same app).
HISTORY_MODELS: dict[str, str] = {
    "proposal": "proposals.Proposal",
    "data_category": "proposals.DataCategory",
    "partner": "proposals.Partner",
    "risk": "proposals.Risk",
    "proposal_transition": "proposals.ProposalTransition",
    "decision": "decisions.Decision",
    "assessment": "assessments.Assessment",
    "answer": "assessments.Answer",
}


def _event_model(name: str) -> type[models.Model]:
    app_label, model_name = HISTORY_MODELS[name].split(".")
    return apps.get_model(app_label, f"{model_name}Event")


def history_list(*, model: str, object_id: int | None = None) -> QuerySet[Any]:
    """Events of one tracked model, or of one object of it, oldest first.

    Each row has pgh_label (insert/update/delete), pgh_created_at,
    pgh_context (``{"user": <id>}`` from the services), pgh_data (the row
    after the event) and pgh_diff (field → [before, after], against the
    object's previous event; null for inserts).
    """
    require_authority_schema()
    events = pghistory.models.Events.objects.across(_event_model(model))
    if object_id is not None:
        app_label, model_name = HISTORY_MODELS[model].split(".")
        tracked = apps.get_model(app_label, model_name)
        events = events.tracks(tracked(pk=object_id))
    return events.order_by("pgh_created_at", "pgh_id")


def history_users(*, events: Iterable[Any]) -> dict[int, User]:
    """The users named in a page of events' contexts, in one query."""
    ids = {
        int(event.pgh_context["user"])
        for event in events
        if event.pgh_context and event.pgh_context.get("user") is not None
    }
    return {user.pk: user for user in User.objects.filter(pk__in=ids)}
