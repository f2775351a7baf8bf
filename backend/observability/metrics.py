"""Prometheus metrics: request latency, task runtimes and failures, outbox backlog,
consultations due.

Labels are bounded: the surface (four values), the URL pattern's name (never the
path, which carries tokens and ids), the method, the status class, the task name.
No authority slug is a label: 400 authorities would multiply every series by 400.

Gunicorn and Celery's prefork pool run several processes; with
``PROMETHEUS_MULTIPROC_DIR`` set (the compose file, the manifests and the dev runner
set it) each process writes its samples there and a scrape adds them up.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUEST_LATENCY = Histogram(
    "publicbenefit_http_request_duration_seconds",
    "Time to answer a request, by surface and view (URL pattern name).",
    ["surface", "view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASK_RUNTIME = Histogram(
    "publicbenefit_task_duration_seconds",
    "Time a Celery task ran, by task name and final state.",
    ["task", "state"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0),
)
TASK_FAILURES = Counter(
    "publicbenefit_task_failures_total",
    "Celery tasks that raised, by task name.",
    ["task"],
)


class BacklogCollector(Collector):
    """Outbox messages waiting to be sent and consultations whose due time has passed,
    summed over every authority at scrape time (one UNION ALL query), cached briefly so
    several scrapers do not multiply the work."""

    def __init__(self, cache_seconds: float = 30.0) -> None:
        self.cache_seconds = cache_seconds
        self._cached: tuple[float, dict[str, int]] | None = None

    def figures(self) -> dict[str, int]:
        now = time.monotonic()
        if self._cached and now - self._cached[0] < self.cache_seconds:
            return self._cached[1]
        from backend.observability.backlog import backlog_figures

        figures = backlog_figures()
        self._cached = (now, figures)
        return figures

    def collect(self) -> Iterable[GaugeMetricFamily]:
        figures = self.figures()
        yield GaugeMetricFamily(
            "publicbenefit_outbox_backlog",
            "Outbox messages not yet relayed, over every authority.",
            value=figures["outbox_backlog"],
        )
        yield GaugeMetricFamily(
            "publicbenefit_consultations_due",
            "Consultations whose opening or closing time has passed but which the sweep "
            "has not moved yet, over every authority.",
            value=figures["consultations_due"],
        )


_backlog = BacklogCollector(float(os.environ.get("METRICS_BACKLOG_CACHE_SECONDS", "30")))


def scrape_registry(*, with_backlog: bool) -> CollectorRegistry:
    """The registry a scrape reads: every process's samples, plus the backlog gauges."""
    from prometheus_client import REGISTRY

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    if with_backlog:
        registry.register(_backlog)
    return registry


def render(*, with_backlog: bool = True) -> tuple[bytes, str]:
    return generate_latest(scrape_registry(with_backlog=with_backlog)), CONTENT_TYPE_LATEST


def observe_request(*, surface: str, view: str, method: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(surface, view, method, f"{status // 100}xx").observe(seconds)


def observe_task(*, task: str, state: str, seconds: float) -> None:
    TASK_RUNTIME.labels(task, state).observe(seconds)


def count_task_failure(*, task: str) -> None:
    TASK_FAILURES.labels(task).inc()


def label_safe(value: Any, allowed: Iterable[str], fallback: str = "other") -> str:
    return str(value) if value in set(allowed) else fallback
