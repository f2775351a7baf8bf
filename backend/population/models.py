"""An authority's population by census band: the baseline respondents are compared with."""

from __future__ import annotations

from django.db import models

from backend.population.bands import Dimension


class PopulationBand(models.Model):
    """How many residents fall in one band of one dimension, and where the figure comes from."""

    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    band = models.CharField(max_length=32)
    population = models.PositiveIntegerField()
    source = models.CharField(max_length=200, help_text="E.g. 'ONS Census 2021, TS007A'.")
    year = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dimension", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "band"], name="one_count_per_band")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}/{self.band}: {self.population}"
