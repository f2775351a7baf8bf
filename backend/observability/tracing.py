"""Sentry and OpenTelemetry, each off unless its environment variable is set.

Both packages are optional: an image without them runs as before and logs one
warning if the variable asks for them. Neither sends personal data: Sentry runs with
``send_default_pii=False`` and request bodies off; OpenTelemetry's request spans have
their path and URL attributes overwritten with the URL pattern's name, because
invitation paths carry residents' tokens.
"""

from __future__ import annotations

import logging
import os
from typing import Any

logger = logging.getLogger(__name__)
_configured: set[str] = set()


def configure_sentry() -> bool:
    """Sentry when SENTRY_DSN is set (SENTRY_ENVIRONMENT, SENTRY_TRACES_SAMPLE_RATE)."""
    dsn = os.environ.get("SENTRY_DSN", "")
    if not dsn or "sentry" in _configured:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        logger.warning("SENTRY_DSN is set but sentry-sdk is not installed; Sentry is off.")
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=os.environ.get("SENTRY_ENVIRONMENT", os.environ.get("DJANGO_ENV", "")),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
        max_request_body_size="never",
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    _configured.add("sentry")
    return True


def _without_path(span: Any, request: Any, response: Any) -> None:
    from backend.observability.middleware import view_of

    if span is None or not span.is_recording():
        return
    view = view_of(request)
    for attribute in ("http.target", "url.path", "http.url", "url.full", "url.query"):
        span.set_attribute(attribute, view)


def configure_opentelemetry() -> bool:
    """OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard OTEL_* variables
    name the service and the exporter's options)."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or "otel" in _configured:
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.celery import CeleryInstrumentor
        from opentelemetry.instrumentation.django import DjangoInstrumentor
        from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        logger.warning(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but the OpenTelemetry packages are not "
            "installed; tracing is off."
        )
        return False
    service = os.environ.get("OTEL_SERVICE_NAME", "publicbenefit")
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument(response_hook=_without_path)
    CeleryInstrumentor().instrument()
    PsycopgInstrumentor().instrument()
    _configured.add("otel")
    return True
