"""Beat schedule: one entry per job; jobs that concern authorities fan out themselves."""

from __future__ import annotations

from typing import Any

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {}
