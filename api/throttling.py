"""The base of every rate limit: counted per trusted client address, failing closed.

Every throttle in the API derives from ``FailClosedThrottle``:

- its per-address key comes from ``api.client_address.throttle_ident``, so a
  spoofed ``X-Forwarded-For`` from an untrusted peer changes nothing;
- its counters live in the ``throttles`` cache (Redis). When Redis does not
  answer, the throttle cannot tell an attacker from a user, so it *fails
  closed*: the request gets the JSON 503 ``service_unavailable`` with
  ``Retry-After`` instead of being let through unlimited (or crashing with a
  500). Endpoints without a throttle (the staff API) do not depend on Redis.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.client_address import throttle_ident
from api.errors import ServiceUnavailable
from api.unavailable import REDIS_UNAVAILABLE


class FailClosedThrottle(SimpleRateThrottle):
    """A rate limit in the ``throttles`` cache, keyed on the trusted client address."""

    cache = caches["throttles"]

    def get_ident(self, request: Request) -> str:
        return throttle_ident(request)

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except REDIS_UNAVAILABLE as exc:
            raise ServiceUnavailable(
                "Rate limiting is unavailable, so this endpoint is closed for now; "
                "please retry shortly."
            ) from exc


class AddressThrottle(FailClosedThrottle):
    """Counts every request of one client address under the subclass's ``scope``."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return f"throttle:{self.scope}:{self.get_ident(request)}"
