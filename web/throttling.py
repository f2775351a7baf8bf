"""The public pages share the public API's rate limits, counters and client address."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from api.public.throttles import PUBLIC_CONSULTATION_THROTTLES


def throttle_wait(request: HttpRequest, view: Any) -> float | None:
    """Seconds to wait when a limit is reached, else None; counts this request.

    Runs the API's own throttle classes on the page request: the same Redis
    counters (per token and per client address), the same rates, and the same
    derivation of the client's address, so a change there applies here too.
    """
    for throttle_class in PUBLIC_CONSULTATION_THROTTLES:
        throttle = throttle_class()
        if not throttle.allow_request(request, view):
            return throttle.wait() or 1.0
    return None
