"""Account writes: changing, resetting and first setting a password.

Changing or resetting a password signs the user out everywhere else: every
API token (knox) except the one making the change is deleted, and every other
browser session stops validating, because Django ties a session to a hash of
the password (the caller keeps its own session with ``update_session_auth_hash``).
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from backend.accounts.models import AccountEmailKind, User
from backend.accounts.outbox import account_email_queue
from backend.accounts.tokens import token_valid, user_from_uid
from backend.core.errors import DomainError
from tenants.models import Authority

# One reset email per user per window, however often the form is sent.
RESET_WINDOW_SECONDS = 600


class InvalidPasswordLink(DomainError):
    code = "invalid_link"


def _check_new_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": list(error.messages)}) from error


def _sign_out_elsewhere(user: User, *, keep_token_key: str | None) -> int:
    tokens = AuthToken.objects.filter(user=user)
    if keep_token_key:
        tokens = tokens.exclude(token_key=keep_token_key)
    deleted, _ = tokens.delete()
    return deleted


@transaction.atomic
def user_password_change(
    *, user: User, current_password: str, new_password: str, keep_token_key: str | None
) -> User:
    """Change one's own password; every other token and session is signed out."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.check_password(current_password):
        raise ValidationError({"current_password": ["The current password is not correct."]})
    if current_password == new_password:
        raise ValidationError({"new_password": ["Choose a password you have not just used."]})
    _check_new_password(locked, new_password)
    locked.set_password(new_password)
    locked.save(update_fields=["password"])
    _sign_out_elsewhere(locked, keep_token_key=keep_token_key)
    return locked


@transaction.atomic
def password_reset_request(*, email: str, host: str) -> None:
    """Queue a reset link for an active account with this address; do nothing otherwise.

    The caller answers the same either way, so the endpoint does not reveal
    which addresses have accounts.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    window = int(timezone.now().timestamp()) // RESET_WINDOW_SECONDS
    account_email_queue(
        user=user,
        kind=AccountEmailKind.PASSWORD_RESET,
        key=f"password_reset:{user.pk}:{window}",
        host=host,
    )


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a password from a reset or set-your-password link (single use, expiring)."""
    user = user_from_uid(uid)
    if user is not None:
        # Locked, then checked: two uses of one link race to the lock, the second finds
        # the password (part of the token's hash) changed and fails.
        user = User.objects.select_for_update().get(pk=user.pk)
    if user is None or not token_valid(user, token):
        raise InvalidPasswordLink(
            "This link is not valid: it has been used, has expired or was mistyped. "
            "Ask for a new one."
        )
    _check_new_password(user, new_password)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _sign_out_elsewhere(user, keep_token_key=None)
    return user


def account_invite(*, user: User, authority: Authority | None, host: str) -> bool:
    """Queue a new member's set-your-password email (once per user and authority)."""
    where = authority.pk if authority is not None else "programme"
    return account_email_queue(
        user=user,
        kind=AccountEmailKind.SET_PASSWORD,
        key=f"set_password:{user.pk}:{where}",
        host=host,
        authority=authority,
    )
