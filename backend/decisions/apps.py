from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "backend.decisions"
    label = "decisions"
    verbose_name = "Decisions"
