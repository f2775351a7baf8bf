from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "backend.programme"
    label = "programme"
    verbose_name = "Programme: enrolment and funding"

    def ready(self) -> None:
        # Subscribes the ledger's cost records to the consultations' events.
        from backend.programme import reactions  # noqa: F401
