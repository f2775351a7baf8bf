"""Celery signal handlers: a request's id rides in the messages it causes, and every
task's log lines carry it with the task id and the authority; runtimes and failures
go to the metrics. Connected by ``workers/celery.py``."""

from __future__ import annotations

import time
from typing import Any

from celery import Task

from backend.observability import context, metrics

USER_ID_HEADER = "user_id"
# Open tasks' start times and context tokens, by task id (per process).
_running: dict[str, tuple[float, Any]] = {}


def stamp_headers(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """before_task_publish: copy the current request id (and user id) into the message.

    A task sent by another task keeps the original request's id, so one id follows a
    request through every task it fans out to.
    """
    if headers is None:
        return
    request_id = context.request_id_var.get()
    if request_id and not headers.get(context.REQUEST_ID_HEADER):
        headers[context.REQUEST_ID_HEADER] = request_id
    user_id = context.user_id_var.get()
    if user_id is not None and headers.get(USER_ID_HEADER) is None:
        headers[USER_ID_HEADER] = user_id


def _header(task: Task, name: str) -> Any:
    request = task.request
    value = getattr(request, name, None)
    if value is None:
        headers = getattr(request, "headers", None) or {}
        value = headers.get(name) if isinstance(headers, dict) else None
    return value


def task_started(task_id: str | None = None, task: Task | None = None, **_: Any) -> None:
    """task_prerun: bind the task id, its cause's request id and the authority."""
    if task is None or task_id is None:
        return
    from workers.tenancy import SCHEMA_HEADER

    manager = context.bound(
        task_id=task_id,
        request_id=_header(task, context.REQUEST_ID_HEADER),
        user_id=_header(task, USER_ID_HEADER),
        authority=_header(task, SCHEMA_HEADER),
    )
    manager.__enter__()
    _running[task_id] = (time.perf_counter(), manager)


def task_finished(
    task_id: str | None = None, task: Task | None = None, state: str | None = None, **_: Any
) -> None:
    """task_postrun: record the runtime by task name and final state, unbind the context."""
    started = _running.pop(task_id or "", None)
    if started is None or task is None:
        return
    began, manager = started
    metrics.observe_task(
        task=task.name, state=state or "UNKNOWN", seconds=time.perf_counter() - began
    )
    manager.__exit__(None, None, None)


def task_failed(sender: Task | None = None, **_: Any) -> None:
    """task_failure: count it by task name."""
    metrics.count_task_failure(task=getattr(sender, "name", "unknown"))


def start_metrics_server(**_: Any) -> None:
    """worker_ready: serve the worker's task metrics on WORKER_METRICS_PORT, if set.

    With PROMETHEUS_MULTIPROC_DIR the pool processes' samples are added up here."""
    import os

    port = os.environ.get("WORKER_METRICS_PORT")
    if not port:
        return
    from prometheus_client import start_http_server

    start_http_server(int(port), registry=metrics.scrape_registry(with_backlog=False))


def connect() -> None:
    from celery import signals

    signals.before_task_publish.connect(stamp_headers, weak=False)
    signals.task_prerun.connect(task_started, weak=False)
    signals.task_postrun.connect(task_finished, weak=False)
    signals.task_failure.connect(task_failed, weak=False)
    signals.worker_ready.connect(start_metrics_server, weak=False)
    # Keep Django's LOGGING (JSON lines with context) instead of Celery's own format.
    signals.setup_logging.connect(lambda **_: None, weak=False)
