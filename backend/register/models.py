"""The public transparency register (public schema): published decisions, programme-wide."""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.models import Authority


class RegisterEntry(models.Model):
    """One published decision, copied from an authority's schema for anyone to read.

    Written only by ``backend.register.services.register_entry_publish`` and
    removed only by ``register_entry_unpublish``. It holds a denormalised copy
    of allow-listed fields, so nothing private can be reached through it: no
    drafts, internal notes, officers or consultation participants. Living in
    the public schema lets the programme host list every authority's entries
    with one query instead of scanning every schema.
    """

    entry_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    # The id of the decision in the authority's schema; with the authority, identifies the source.
    decision_id = models.BigIntegerField()
    proposal_reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    purpose = models.TextField()
    service_areas = ArrayField(models.CharField(max_length=32), default=list)
    data_categories = models.JSONField(default=list)
    partners = models.JSONField(default=list)
    legal_gateway = models.CharField(max_length=32)
    legal_gateway_detail = models.TextField(blank=True)
    verdicts = models.JSONField(null=True, blank=True)
    consultation_summary = models.JSONField(null=True, blank=True)
    # The published outcome of the decision's benefit review (backend.reviews), if any.
    benefit_review = models.JSONField(null=True, blank=True)
    outcome = models.CharField(max_length=32)
    rationale = models.TextField()
    conditions = models.TextField(blank=True)
    public_influence = models.TextField(blank=True)
    decided_on = models.DateField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name_plural = "register entries"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "decision_id"], name="register_one_entry_per_decision"
            )
        ]
        indexes = [models.Index(fields=["decided_on"]), models.Index(fields=["outcome"])]

    def __str__(self) -> str:
        return f"{self.proposal_reference} {self.title}"
