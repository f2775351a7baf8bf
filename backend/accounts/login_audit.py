"""The failed sign-in audit trail: one write service and one read selector."""

from __future__ import annotations

import ipaddress

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


def login_failure_list() -> QuerySet[LoginFailure]:
    """Failed sign-ins, newest first, with their accounts."""
    return LoginFailure.objects.select_related("user").order_by("-attempted_at", "-id")
