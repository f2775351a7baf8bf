from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "backend.benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"
