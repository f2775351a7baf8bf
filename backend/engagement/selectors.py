"""Reads on the engagement-method catalogue."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.engagement.models import EngagementMethod


def engagement_method_list() -> QuerySet[EngagementMethod]:
    return EngagementMethod.objects.all()
