from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "backend.assessments"
    label = "assessments"
    verbose_name = "Assessments"
