"""Rate limits for the public consultation endpoints (counted in the ``throttles`` cache).

All fail closed (503) when Redis does not answer: see ``api.throttling``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.request import Request

from api.errors import ServiceUnavailable
from api.throttling import AddressThrottle, FailClosedThrottle
from api.unavailable import REDIS_UNAVAILABLE
from tenants.context import current_schema_name


class ConsultationTokenThrottle(FailClosedThrottle):
    """Per invitation or open-link token, whoever sends it (``consultation_token`` rate)."""

    scope = "consultation_token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = view.kwargs.get("token")
        if not token:
            return None
        digest = hashlib.sha256(str(token).encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{current_schema_name()}:{digest}"


class ConsultationAddressThrottle(AddressThrottle):
    """Per client address, across tokens and hosts (``consultation_address`` rate)."""

    scope = "consultation_address"


class TokenGuessThrottle(AddressThrottle):
    """Per client address, counting only *unknown* tokens (``token_guess`` rate).

    A person mistypes a link once or twice; someone guessing tokens misses
    every time. The views call ``token_miss_record`` when a token matches
    nothing; once an address has missed this often in the window, every token
    request from it answers 429 until the window has passed, right or wrong.
    """

    scope = "token_guess"
    num_requests: int
    duration: int

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        try:
            self.history = self.cache.get(self.key, [])
        except REDIS_UNAVAILABLE as exc:
            raise ServiceUnavailable() from exc
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) < self.num_requests or self.throttle_failure()


def token_miss_record(request: Request) -> None:
    """Count one unknown-token request against the client's address."""
    throttle = TokenGuessThrottle()
    if throttle.rate is None:
        return
    key = throttle.get_cache_key(request, None)
    now = throttle.timer()
    try:
        history = [t for t in throttle.cache.get(key, []) if t > now - throttle.duration]
        history.insert(0, now)
        throttle.cache.set(key, history, throttle.duration)
    except REDIS_UNAVAILABLE as exc:
        raise ServiceUnavailable() from exc


PUBLIC_CONSULTATION_THROTTLES = [
    ConsultationTokenThrottle,
    ConsultationAddressThrottle,
    TokenGuessThrottle,
]
CALENDAR_FEED_THROTTLES = [ConsultationAddressThrottle, TokenGuessThrottle]
