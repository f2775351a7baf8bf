from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "backend.webhooks"
    label = "webhooks"
    verbose_name = "Signed webhooks"

    def ready(self) -> None:
        # Subscribes the delivery outbox to the domain events (backend/core/events.py).
        from backend.webhooks import reactions  # noqa: F401
