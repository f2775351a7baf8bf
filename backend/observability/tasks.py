"""A diagnostic task: what a task sees of the context its message carried."""

from __future__ import annotations

from typing import Any

from backend.observability import context
from workers.celery import app
from workers.tenancy import AuthorityTask


@app.task(base=AuthorityTask, name="observability.context_echo")
def context_echo() -> dict[str, Any]:
    """The request id, authority, user id and task id bound while this task runs: proves
    a request's id reaches the tasks it causes (and helps debug a deployment)."""
    return context.current()
