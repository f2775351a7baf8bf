from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from backend.core.delivery import DeliveryStatus


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: an officer of one or more authorities, or programme staff.

    Lives in the public schema; what they may do in each authority comes from
    their memberships (``tenants.Membership``). Members of the public never
    have a user: they answer consultations through an invitation token.
    """

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May sign in to the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class AccountEmailKind(models.TextChoices):
    PASSWORD_RESET = "password_reset", "Password reset link"
    SET_PASSWORD = "set_password", "Set-your-password invitation"
    REVIEW_REMINDER = "review_reminder", "Benefit review coming up"
    REVIEW_DUE = "review_due", "Benefit review due today"
    REVIEW_OVERDUE = "review_overdue", "Benefit review overdue"
    WEBHOOK_DISABLED = "webhook_disabled", "Webhook endpoint switched off"


# Kinds that carry a password link; the others are notices rendered from ``context``.
TOKEN_KINDS = frozenset({AccountEmailKind.PASSWORD_RESET, AccountEmailKind.SET_PASSWORD})


class AccountEmail(models.Model):
    """An account email to send (a reset link, a new member's set-your-password link).

    Public schema, like the users it concerns, so it is written in the same
    transaction as the change that causes it. Holds no token and no address:
    the relay derives a fresh, expiring, single-use token and reads the user's
    address when it sends. ``authority`` is the authority whose admin caused
    the email (shown to that authority's admins), ``host`` the host the link
    points at. Delivery, backoff and giving up follow backend.core.delivery.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=AccountEmailKind.choices)
    authority = models.ForeignKey(
        "tenants.Authority", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    host = models.CharField(max_length=255)
    # What a notice says (a proposal's reference and title, a date, an endpoint's URL):
    # never a token or a personal detail; empty for the password-link kinds.
    context = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="account_email_due_idx")]

    def __str__(self) -> str:
        return self.idempotency_key


class LoginFailureReason(models.TextChoices):
    BAD_CREDENTIALS = "bad_credentials", "Wrong email or password"
    LOCKED_OUT = "locked_out", "Attempt while sign-in was locked"


class LoginFailure(models.Model):
    """One failed sign-in, for the security audit trail (public schema).

    Never holds a password. The email is kept only when it names an existing
    account (through ``user``); for any other email only a keyed digest is
    kept, so repeated guesses at one unknown address can be grouped without
    storing what was typed (people type passwords into the email box).
    """

    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_failures"
    )
    identifier_digest = models.CharField(
        max_length=64, help_text="Keyed digest of the email typed; groups repeated attempts."
    )
    client_address = models.GenericIPAddressField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=20, choices=LoginFailureReason.choices)

    class Meta:
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reason} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
