"""Rate limits for the public consultation endpoints, checked in one Redis round trip.

Three limits apply to a request with a token:

- per token, whoever sends it (``consultation_token`` rate);
- per client address, across tokens and hosts (``consultation_address`` rate);
- per client address, counting only *unknown* tokens (``token_guess`` rate):
  a person mistypes a link once or twice, someone guessing tokens misses every
  time. The views call ``token_miss_record`` when a token matches nothing; once
  an address has missed this often in the window, every token request from it
  answers 429 until the window has passed, right or wrong.

Each limit is a sliding window kept as a Redis sorted set of request times (the
same rule as DRF's ``SimpleRateThrottle``: at most N requests in the last D
seconds). ``PublicTokenLimits`` checks all of them and records the request in
one Lua script: one round trip instead of DRF's read and write per limit, and
atomic, so concurrent requests from one address cannot each read the same
history and overwrite one another's count. All fail closed (503) when Redis
does not answer: see ``api.throttling``.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
from typing import Any

import redis
from django.conf import settings
from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from api.errors import ServiceUnavailable
from api.throttling import AddressThrottle, FailClosedThrottle
from api.unavailable import REDIS_UNAVAILABLE
from tenants.context import current_schema_name


class ConsultationTokenThrottle(FailClosedThrottle):
    """Per invitation or open-link token, whoever sends it (``consultation_token`` rate)."""

    scope = "consultation_token"
    num_requests: int
    duration: int

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = view.kwargs.get("token")
        if not token:
            return None
        digest = hashlib.sha256(str(token).encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{current_schema_name()}:{digest}"


class ConsultationAddressThrottle(AddressThrottle):
    """Per client address, across tokens and hosts (``consultation_address`` rate)."""

    scope = "consultation_address"
    num_requests: int
    duration: int


class TokenGuessThrottle(AddressThrottle):
    """Per client address, counting only unknown tokens (``token_guess`` rate)."""

    scope = "token_guess"
    num_requests: int
    duration: int


# KEYS: one sorted set per window. ARGV: now, a member unique to this request, then
# (limit, seconds, record) per key. Returns, per key, "0" when the window has room
# (and, when record is 1, counts this request in it), else the seconds until its oldest
# request leaves it. Numbers go back as strings: Redis truncates Lua numbers.
_SLIDING_WINDOWS = """
local now = tonumber(ARGV[1])
local waits = {}
for i, key in ipairs(KEYS) do
    local limit = tonumber(ARGV[3 * i])
    local seconds = tonumber(ARGV[3 * i + 1])
    redis.call("ZREMRANGEBYSCORE", key, "-inf", now - seconds)
    if redis.call("ZCARD", key) < limit then
        if ARGV[3 * i + 2] == "1" then
            redis.call("ZADD", key, now, ARGV[2])
            redis.call("EXPIRE", key, math.ceil(seconds))
        end
        waits[i] = "0"
    else
        local oldest = redis.call("ZRANGE", key, 0, 0, "WITHSCORES")
        waits[i] = tostring(tonumber(oldest[2]) + seconds - now)
    end
end
return waits
"""

_client_lock = threading.Lock()
_client: redis.Redis | None = None
_script: Any = None


def _redis() -> tuple[redis.Redis, Any]:
    """One client (and connection pool) per process for the ``throttles`` cache's Redis.

    Django's cache backend builds a new client object for every call; here the
    windows need one script call per request, so the client is made once.
    redis-py's pool notices a fork and reconnects in the child.
    """
    global _client, _script
    if _client is None:
        with _client_lock:
            if _client is None:
                config: dict[str, Any] = settings.CACHES["throttles"]
                client = redis.Redis.from_url(str(config["LOCATION"]), **config.get("OPTIONS", {}))
                _script = client.register_script(_SLIDING_WINDOWS)
                _client = client
    return _client, _script


def _window_key(key: str) -> str:
    # Namespaced apart from the cache's pickled values (a different Redis type).
    return caches["throttles"].make_key(f"window:{key}")


_Window = ConsultationTokenThrottle | ConsultationAddressThrottle | TokenGuessThrottle


class PublicTokenLimits(BaseThrottle):
    """The per-token, per-address and token-guess limits of one request, in one round trip.

    ``counted`` limits record the request when it is allowed (each on its own,
    as DRF does when it runs several throttles); ``checked`` limits are only
    read (``token_guess`` counts misses, recorded by ``token_miss_record``).
    """

    counted: tuple[type[_Window], ...] = (ConsultationTokenThrottle, ConsultationAddressThrottle)
    checked: tuple[type[_Window], ...] = (TokenGuessThrottle,)

    def __init__(self) -> None:
        self.waits: list[float] = []

    def _windows(self, request: Any, view: Any) -> list[tuple[str, int, int, int]]:
        windows = []
        for record, classes in ((1, self.counted), (0, self.checked)):
            for throttle_class in classes:
                throttle = throttle_class()
                if throttle.rate is None:
                    continue
                key = throttle.get_cache_key(request, view)
                if key is not None:
                    windows.append(
                        (_window_key(key), throttle.num_requests, throttle.duration, record)
                    )
        return windows

    def allow_request(self, request: Any, view: Any) -> bool:
        windows = self._windows(request, view)
        if not windows:
            return True
        arguments: list[Any] = [FailClosedThrottle.timer(), secrets.token_hex(8)]
        for _, limit, seconds, record in windows:
            arguments += [limit, seconds, record]
        try:
            _, script = _redis()
            answers = script(keys=[key for key, *_ in windows], args=arguments)
        except REDIS_UNAVAILABLE as exc:
            raise ServiceUnavailable(
                "Rate limiting is unavailable, so this endpoint is closed for now; "
                "please retry shortly."
            ) from exc
        self.waits = [float(wait) for wait in answers if float(wait) > 0]
        return not self.waits

    def wait(self) -> float | None:
        return math.ceil(max(self.waits)) if self.waits else None


class CalendarFeedLimits(PublicTokenLimits):
    """A calendar feed's secret is no resident's token: per address and token guesses."""

    counted = (ConsultationAddressThrottle,)


def token_miss_record(request: Request) -> None:
    """Count one unknown-token request against the client's address."""
    throttle = TokenGuessThrottle()
    if throttle.rate is None:
        return
    key = _window_key(str(throttle.get_cache_key(request, None)))
    now = FailClosedThrottle.timer()
    try:
        client, _ = _redis()
        pipeline = client.pipeline(transaction=True)
        pipeline.zremrangebyscore(key, "-inf", now - throttle.duration)
        pipeline.zadd(key, {f"{now}:{secrets.token_hex(8)}": now})
        pipeline.expire(key, throttle.duration)
        pipeline.execute()
    except REDIS_UNAVAILABLE as exc:
        raise ServiceUnavailable() from exc


PUBLIC_CONSULTATION_THROTTLES = [PublicTokenLimits]
CALENDAR_FEED_THROTTLES = [CalendarFeedLimits]
