from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "backend.consultations"
    label = "consultations"
    verbose_name = "Consultations"
