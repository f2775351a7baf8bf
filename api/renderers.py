"""Renderers for non-JSON bodies (iCalendar feeds)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer


class CalendarRenderer(BaseRenderer):
    """Lets calendar apps that ask for text/calendar through content negotiation.

    Feeds are returned as ready-made responses; this only renders what DRF
    itself produces on those views (the JSON error shape).
    """

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()
