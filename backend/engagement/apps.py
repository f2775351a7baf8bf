from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "backend.engagement"
    label = "engagement"
    verbose_name = "Engagement methods"
