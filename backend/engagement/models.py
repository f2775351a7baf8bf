"""The engagement-method catalogue shared by every authority (public schema)."""

from __future__ import annotations

from django.db import models


class EngagementMethod(models.Model):
    """A way of consulting the public (workshop, citizens' panel, survey, ...).

    The catalogue is programme-wide so that authorities' consultations can be
    compared by method; the rows are seeded by a data migration.
    """

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField()
    typical_cost_low = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Lower end of a typical total cost, in GBP."
    )
    typical_cost_high = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Upper end of a typical total cost, in GBP."
    )
    typical_cost_note = models.CharField(max_length=300, blank=True)
    is_online = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
