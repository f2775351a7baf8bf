from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Management commands for running the service: no models of its own."""

    name = "backend.operations"
    label = "operations"
