from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "backend.register"
    label = "register"
    verbose_name = "Public transparency register"
