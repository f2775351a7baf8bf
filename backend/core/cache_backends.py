"""A Redis cache that fails soft, for caches that only save work.

The ``default`` cache holds things that can always be recomputed (rendered
charts, for instance): with Redis unreachable a read is a miss and a write is
dropped, so the staff API keeps answering. Rate-limit counters do not use it:
they live in the ``throttles`` cache, a plain Redis cache whose errors reach
the throttle, which then fails closed (see ``api.public.throttles``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# One warning per this many seconds per process, not one per request.
_WARN_EVERY_SECONDS = 30.0
_last_warning = 0.0


def _warn(operation: str, exc: BaseException) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("Cache unavailable (%s: %s); carrying on without it", operation, exc)


class FailSoftRedisCache(RedisCache):
    """Redis cache whose reads miss and whose writes are dropped while Redis is unreachable."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except REDIS_UNAVAILABLE as exc:
            _warn("get", exc)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except REDIS_UNAVAILABLE as exc:
            _warn("get_many", exc)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except REDIS_UNAVAILABLE as exc:
            _warn("has_key", exc)
            return False

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except REDIS_UNAVAILABLE as exc:
            _warn("set", exc)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except REDIS_UNAVAILABLE as exc:
            _warn("add", exc)
            return False

    def set_many(
        self, data: dict[Any, Any], timeout: Any = None, version: int | None = None
    ) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except REDIS_UNAVAILABLE as exc:
            _warn("set_many", exc)
            return list(data)

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except REDIS_UNAVAILABLE as exc:
            _warn("delete", exc)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except REDIS_UNAVAILABLE as exc:
            _warn("delete_many", exc)

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except REDIS_UNAVAILABLE as exc:
            _warn("touch", exc)
            return False
