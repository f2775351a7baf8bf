"""Sign-in limits: a rate per address, and a lockout per account and per address.

Three limits, all counted in the ``throttles`` cache (Redis) and all failing
closed (503) when it does not answer:

``LoginAddressThrottle``
    Every sign-in attempt from one client address (``login`` rate, 20/min).
Account lockout
    ``LOGIN_LOCKOUT_ACCOUNT_FAILURES`` failed sign-ins for one email address
    within ``LOGIN_LOCKOUT_WINDOW_SECONDS`` lock that address's sign-in for
    ``LOGIN_LOCKOUT_SECONDS``, from everywhere. Counted by the email typed,
    whether or not an account has it, so the answer never tells a stranger
    which accounts exist.
Address lockout
    ``LOGIN_LOCKOUT_ADDRESS_FAILURES`` failures from one client address within
    the window lock sign-in from that address, for any email: this stops one
    address trying one password against many accounts.

A locked sign-in answers 429 ``login_locked`` with ``Retry-After``, also when
the password is right; a successful sign-in clears its account's count.

Every way in shares these limits and the audit trail: the API's
``/auth/login`` checks first (for the 429), and ``LockoutModelBackend`` (the
authentication backend, also used by the admin's and the browsable API's
session sign-in) refuses a locked account; Django's ``user_login_failed``
signal counts and records every failure, whichever form it came through.
For an unknown email Django's ``ModelBackend`` still hashes the password
once, so a miss takes as long as a wrong password.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.request import Request

from api.client_address import (
    client_address,
    throttle_ident,
)
from api.errors import ServiceUnavailable
from api.throttling import AddressThrottle
from api.unavailable import REDIS_UNAVAILABLE
from backend.accounts.login_audit import login_failure_record
from backend.accounts.models import LoginFailureReason, User


class LoginAddressThrottle(AddressThrottle):
    """Every sign-in attempt from one client address (``login`` rate)."""

    scope = "login"


class LoginLocked(exceptions.Throttled):
    default_detail = "Too many failed sign-ins. Sign-in is locked for a while."
    default_code = "login_locked"


def _account_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
    return f"login:account:{digest}"


def _address_key(request: Request | HttpRequest) -> str:
    return f"login:address:{throttle_ident(request)}"


def _cache() -> Any:
    return caches["throttles"]


def login_lock_check(*, request: Request | HttpRequest, email: str) -> None:
    """Raise ``LoginLocked`` (429) when the account or the address is locked out."""
    try:
        wait = _remaining_lock_seconds(request=request, email=email)
    except REDIS_UNAVAILABLE as exc:
        raise ServiceUnavailable(
            "Sign-in limits are unavailable, so sign-in is closed for now; please retry shortly."
        ) from exc
    if wait:
        login_failure_record(
            email=email,
            user=User.objects.filter(email=email.strip().lower()).first(),
            client_address=client_address(request),
            host=str(request.META.get("HTTP_HOST", "")),
            reason=LoginFailureReason.LOCKED_OUT,
        )
        raise LoginLocked(wait=wait)


def login_failure_count(*, request: Request | HttpRequest, email: str) -> bool:
    """Count one failed sign-in; return whether it has just locked the account or address."""
    window = settings.LOGIN_LOCKOUT_WINDOW_SECONDS
    lock_for = settings.LOGIN_LOCKOUT_SECONDS
    limits = [
        (_account_key(email), settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES),
        (_address_key(request), settings.LOGIN_LOCKOUT_ADDRESS_FAILURES),
    ]
    cache = _cache()
    locked = False
    try:
        for key, limit in limits:
            if _count(cache, f"{key}:failures", window) >= limit:
                cache.set(f"{key}:locked", time.time() + lock_for, lock_for)
                cache.delete(f"{key}:failures")
                locked = True
    except REDIS_UNAVAILABLE as exc:
        raise ServiceUnavailable() from exc
    return locked


def _count(cache: Any, key: str, window: int) -> int:
    # add() starts the window at the first failure only; incr() is atomic in Redis.
    cache.add(key, 0, window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr(): a new window
        cache.set(key, 1, window)
        return 1


def login_success_clear(*, email: str) -> None:
    """A correct password ends the account's run of failures (not the address's)."""
    try:
        _cache().delete(f"{_account_key(email)}:failures")
    except REDIS_UNAVAILABLE as exc:
        raise ServiceUnavailable() from exc


def _remaining_lock_seconds(*, request: Request | HttpRequest, email: str) -> int:
    locks = _cache().get_many([f"{_account_key(email)}:locked", f"{_address_key(request)}:locked"])
    until = max((float(value) for value in locks.values()), default=0.0)
    return max(0, math.ceil(until - time.time()))


class LockoutModelBackend(ModelBackend):
    """Django's email-and-password backend, refusing accounts or addresses that are locked."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        email = username or kwargs.get(User.USERNAME_FIELD)
        if request is not None and email and _remaining_lock_seconds(request=request, email=email):
            request.META["publicbenefit.login_locked"] = True
            # PermissionDenied stops authenticate() here and sends user_login_failed.
            raise PermissionDenied
        return super().authenticate(request, username, password, **kwargs)


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    if request is None or not email:
        return
    locked = bool(request.META.get("publicbenefit.login_locked"))
    if not locked:
        login_failure_count(request=request, email=email)
    login_failure_record(
        email=email,
        user=User.objects.filter(email=email.strip().lower()).first(),
        client_address=client_address(request),
        host=str(request.META.get("HTTP_HOST", "")),
        reason=LoginFailureReason.LOCKED_OUT if locked else LoginFailureReason.BAD_CREDENTIALS,
    )


def _on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "email", None):
        login_success_clear(email=user.email)


user_login_failed.connect(_on_login_failed, dispatch_uid="publicbenefit-login-failed")
user_logged_in.connect(_on_logged_in, dispatch_uid="publicbenefit-logged-in")
