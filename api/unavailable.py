"""Degrade, don't crash: an unreachable PostgreSQL or Redis is a 503, never a 500.

``ServiceUnavailableMiddleware`` sits outermost. It turns the connection
errors below into the one error shape with status 503 and ``Retry-After``,
under every server and with ``DEBUG`` on or off:

- raised by a view (``process_exception``, before Django's debug page);
- raised by a middleware further in (caught around ``get_response``);
- anywhere else Django already turned into a 500 (Django sends
  ``got_request_exception`` while the exception is current; the request is
  marked, and the 500 is replaced on its way out).

DRF views already answer 503 through ``api.errors.exception_handler``.
Recovery needs no restart: Django checks a persistent connection's health
before reusing it (``CONN_HEALTH_CHECKS``) and the Redis client reconnects.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api.errors import service_unavailable_response

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
REDIS_UNAVAILABLE: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError)
UNAVAILABLE = DATABASE_UNAVAILABLE + REDIS_UNAVAILABLE
_MARK = "publicbenefit.service_unavailable"


def is_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, UNAVAILABLE)


def _describe(exc: BaseException) -> str:
    return "database" if isinstance(exc, DATABASE_UNAVAILABLE) else "redis"


def unavailable_answer(request: HttpRequest, exc: BaseException) -> HttpResponse:
    # The exception text can name hosts and sockets, not people; the path is left
    # to the access log (which scrubs tokens).
    logger.warning("Answering 503: %s unavailable (%s)", _describe(exc), exc.__class__.__name__)
    return service_unavailable_response()


def _mark_unavailable(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    exc = sys.exc_info()[1]
    if request is not None and is_unavailable(exc):
        request.META[_MARK] = _describe(exc)  # type: ignore[arg-type]


got_request_exception.connect(_mark_unavailable, dispatch_uid="publicbenefit-unavailable")


class ServiceUnavailableMiddleware:
    """Outermost middleware: connection failures of PostgreSQL or Redis become 503s."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except UNAVAILABLE as exc:
            return unavailable_answer(request, exc)
        if response.status_code == 500 and request.META.get(_MARK):
            logger.warning("Answering 503 instead of 500: %s unavailable", request.META[_MARK])
            return service_unavailable_response()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_unavailable(exception):
            return unavailable_answer(request, exception)
        return None
