"""Rate limits for the public consultation endpoints, counted in the Redis cache."""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from tenants.context import current_schema_name


class ConsultationTokenThrottle(SimpleRateThrottle):
    """Per invitation or open-link token, whoever sends it (``consultation_token`` rate)."""

    scope = "consultation_token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = view.kwargs.get("token")
        if not token:
            return None
        digest = hashlib.sha256(str(token).encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{current_schema_name()}:{digest}"


class ConsultationAddressThrottle(SimpleRateThrottle):
    """Per client address, across tokens and hosts (``consultation_address`` rate)."""

    scope = "consultation_address"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return f"throttle:{self.scope}:{self.get_ident(request)}"


PUBLIC_CONSULTATION_THROTTLES = [ConsultationTokenThrottle, ConsultationAddressThrottle]
