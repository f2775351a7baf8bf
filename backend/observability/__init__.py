"""Observability: JSON logs with request and task context, Prometheus metrics, and
optional Sentry and OpenTelemetry. See docs/observability.md."""
