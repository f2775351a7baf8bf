"""``/healthz`` (the process answers) and ``/readyz`` (database and Redis answer), on every host.

Answered before host routing so load balancers can probe by IP address.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from api.errors import error_response


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # any failure means not ready
        return False, exc.__class__.__name__


def redis_ok() -> tuple[bool, str]:
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        client.close()
        return True, "ok"
    except Exception as exc:
        return False, exc.__class__.__name__


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path.rstrip("/")
        if path == "/healthz":
            return JsonResponse({"status": "ok"})
        if path == "/readyz":
            db, db_detail = database_ok()
            cache, cache_detail = redis_ok()
            checks = {"database": db_detail, "redis": cache_detail}
            if db and cache:
                return JsonResponse({"status": "ok", "checks": checks})
            return error_response(
                503, "not_ready", "A backing service does not answer.", context={"checks": checks}
            )
        return self.get_response(request)
