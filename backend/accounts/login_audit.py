"""The failed sign-in audit trail: one write service and one read selector."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from backend.accounts.models import LoginFailure, User


def login_identifier_digest(*, email: str) -> str:
    """A keyed digest of a typed email: equal for equal emails, useless without the key."""
    return salted_hmac("publicbenefit.login-failure", email.strip().lower()).hexdigest()


@transaction.atomic
def login_failure_record(
    *, email: str, user: User | None, client_address: str, host: str, reason: str
) -> LoginFailure:
    try:
        address: str | None = str(ipaddress.ip_address(client_address))
    except ValueError:
        address = None
    return LoginFailure.objects.create(
        user=user,
        identifier_digest=login_identifier_digest(email=email),
        client_address=address,
        host=host[:255],
        reason=reason,
    )


def login_failure_list() -> QuerySet[LoginFailure]:
    """Failed sign-ins, newest first, with their accounts."""
    return LoginFailure.objects.select_related("user").order_by("-attempted_at", "-id")


LOGIN_FAILURE_PURGE_BATCH = 5_000


def login_failure_purge(
    *, now: datetime | None = None, batch_size: int = LOGIN_FAILURE_PURGE_BATCH
) -> int:
    """Delete failed sign-ins older than ``LOGIN_FAILURE_RETENTION_DAYS``; the number deleted.

    In batches of ``batch_size``, each its own short transaction, so a backlog
    (the first run after a guessing campaign) never holds one long lock on the
    table the sign-in path writes to. The lockout reads only the last
    ``LOGIN_LOCKOUT_WINDOW_SECONDS``, so anything older is audit history only.
    """
    now = now or timezone.now()
    # Never into the lockout window, whatever the setting: the lockout counts those rows.
    cutoff = min(
        now - timedelta(days=settings.LOGIN_FAILURE_RETENTION_DAYS),
        now - timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW_SECONDS),
    )
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                LoginFailure.objects.filter(attempted_at__lt=cutoff)
                .order_by("id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                return deleted
            deleted += LoginFailure.objects.filter(id__in=ids).delete()[0]
