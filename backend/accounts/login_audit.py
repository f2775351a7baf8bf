"""The failed sign-in audit trail: one write service and one read selector."""

from __future__ import annotations

import ipaddress
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
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


def login_failure_list(
    *,
    user_id: int | None = None,
    client_address: str | None = None,
    since: datetime | None = None,
) -> QuerySet[LoginFailure]:
    failures = LoginFailure.objects.select_related("user")
    if user_id is not None:
        failures = failures.filter(user_id=user_id)
    if client_address:
        failures = failures.filter(client_address=client_address)
    if since is not None:
        failures = failures.filter(attempted_at__gte=since)
    return failures
