from __future__ import annotations

from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    """Switches on Sentry and OpenTelemetry when their environment variables are set."""

    name = "backend.observability"
    label = "observability"

    def ready(self) -> None:
        from backend.observability.tracing import configure_opentelemetry, configure_sentry

        configure_sentry()
        configure_opentelemetry()
