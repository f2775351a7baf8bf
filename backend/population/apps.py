from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "backend.population"
    label = "population"
    verbose_name = "Population baselines and representativeness"
