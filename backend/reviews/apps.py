from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "backend.reviews"
    label = "reviews"
    verbose_name = "Benefit reviews"

    def ready(self) -> None:
        # An approved decision schedules its review (backend/core/events.py).
        from backend.reviews import reactions  # noqa: F401
