from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "backend.register"
    label = "register"
    verbose_name = "Public transparency register"

    def ready(self) -> None:
        # Subscribes this app's reactions to the domain events (backend/core/events.py).
        from backend.register import reactions  # noqa: F401
