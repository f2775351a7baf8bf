"""Hand-made rollup rows for comparison tests, published the way the refresh publishes them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from backend.benchmarks.figures import disclosure_rules
from backend.benchmarks.models import Rollup
from backend.disclosure.figures import published_document
from backend.disclosure.policy import Policy
from tenants.models import Authority


def rollup_create(
    authority: Authority,
    *,
    figures: dict[str, Any],
    counts: dict[str, int],
    period_kind: str = "all",
    period_key: str = "all",
    period_start: date | None = None,
    segment: str = "all",
) -> Rollup:
    return Rollup.objects.create(
        authority=authority,
        period_kind=period_kind,
        period_key=period_key,
        period_start=period_start,
        segment=segment,
        figures=figures,
        sample_sizes=counts,
        published=published_document(
            figures,
            rules=disclosure_rules(),
            counts=counts,
            secondary=[],
            policy=Policy.from_settings(),
        ),
        computed_at=timezone.now(),
    )
