from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "backend.benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"

    def ready(self) -> None:
        # Subscribes this app's reactions to the domain events (backend/core/events.py).
        from backend.benchmarks import reactions  # noqa: F401
