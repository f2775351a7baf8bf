"""What a log line says about where it came from: request id, authority, user, task.

Context variables, so they follow the thread (gunicorn sync/gthread workers, Celery
pool processes) and never leak between requests: the middleware and the task signals
set them at the start and reset them at the end.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
authority_var: ContextVar[str | None] = ContextVar("authority", default=None)
user_id_var: ContextVar[int | None] = ContextVar("user_id", default=None)
task_id_var: ContextVar[str | None] = ContextVar("task_id", default=None)

# A caller's X-Request-ID is kept only when it looks like an id: it is echoed into
# every log line, so it must carry nothing else (no e-mail address, no token).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# The header a task message carries its cause's request id in.
REQUEST_ID_HEADER = "request_id"


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """The caller's request id when it is a plain id, else a fresh one."""
    if value and _REQUEST_ID.match(value):
        return value
    return new_request_id()


def current() -> dict[str, Any]:
    return {
        "request_id": request_id_var.get(),
        "authority": authority_var.get(),
        "user_id": user_id_var.get(),
        "task_id": task_id_var.get(),
    }


@contextmanager
def bound(**values: Any) -> Iterator[None]:
    """Set some of the context variables for the duration of a block."""
    variables: dict[str, ContextVar[Any]] = {
        "request_id": request_id_var,
        "authority": authority_var,
        "user_id": user_id_var,
        "task_id": task_id_var,
    }
    tokens = [(variables[name], variables[name].set(value)) for name, value in values.items()]
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)
