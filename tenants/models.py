from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin

from backend.consultations.tokens import new_feed_secret
from tenants.roles import AUTHORITY_ROLES, PROGRAMME_ROLES, Role


class AuthorityKind(models.TextChoices):
    COUNTY = "county", "County council"
    DISTRICT = "district", "District council"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_BOROUGH = "metropolitan_borough", "Metropolitan borough"
    LONDON_BOROUGH = "london_borough", "London borough"
    COMBINED_AUTHORITY = "combined_authority", "Combined authority"
    NATIONAL_BODY = "national_body", "National body"
    OTHER = "other", "Other"


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"
    UK_WIDE = "uk_wide", "UK-wide"


class AuthorityStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Authority(TenantMixin):
    """A participating council or national body: one tenant, one PostgreSQL schema.

    ``schema_name`` is the authority's slug and the first label of its host
    name (``<slug>.<BASE_DOMAIN>``). Withdrawing is a status change; the schema
    is only dropped by the ``drop_authority_schema`` command.
    """

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=AuthorityKind.choices)
    nation = models.CharField(max_length=32, choices=Nation.choices, default=Nation.ENGLAND)
    gss_code = models.CharField(
        "GSS code", max_length=9, blank=True, help_text="ONS Government Statistical Service code."
    )
    population = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AuthorityStatus.choices, default=AuthorityStatus.INVITED
    )
    date_joined = models.DateField(default=timezone.localdate)
    consents_to_be_named = models.BooleanField(
        default=False, help_text="May be named in cross-authority comparisons."
    )
    # The random half of the calendar-feed URL (see backend.consultations.tokens);
    # an admin rotates it to retire every old feed URL.
    calendar_feed_secret = models.CharField(max_length=64, default=new_feed_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Schemas are created explicitly by the provisioning service, never as a
    # side effect of save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def accepts_writes(self) -> bool:
        return self.status in {AuthorityStatus.INVITED, AuthorityStatus.ACTIVE}


class Domain(DomainMixin):
    """A host name that routes to one authority."""

    class Meta:
        ordering = ["domain"]


class Membership(models.Model):
    """What one user may do: a role in one authority, or a programme-wide role.

    Authority roles (admin, officer, facilitator, viewer) need an authority;
    programme roles (coordinator, observer) must not have one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["authority__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "authority"],
                condition=Q(authority__isnull=False),
                name="one_role_per_user_and_authority",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(authority__isnull=True),
                name="one_programme_role_per_user",
            ),
            models.CheckConstraint(
                condition=(
                    Q(authority__isnull=False, role__in=sorted(AUTHORITY_ROLES))
                    | Q(authority__isnull=True, role__in=sorted(PROGRAMME_ROLES))
                ),
                name="role_matches_scope",
            ),
        ]

    def __str__(self) -> str:
        scope = self.authority.schema_name if self.authority else "programme"
        return f"{self.user} — {self.role} @ {scope}"
