from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "backend.findings"
    label = "findings"
    verbose_name = "Programme findings by scenario"

    def ready(self) -> None:
        # Keeps the scenario facts in step with the domain events (backend/core/events.py).
        from backend.findings import reactions  # noqa: F401
