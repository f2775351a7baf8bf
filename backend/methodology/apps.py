from django.apps import AppConfig


class MethodologyConfig(AppConfig):
    name = "backend.methodology"
    label = "methodology"
    verbose_name = "Methodology"
