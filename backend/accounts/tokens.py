"""Account links: Django's password-reset tokens, one key salt and one lifetime per purpose.

A token is an HMAC (SECRET_KEY, then each of SECRET_KEY_FALLBACKS) of the
user's id, password hash, last login, email and a timestamp. It is therefore
single-use (setting the password changes the hash), dies when the user signs
in or changes address, and expires: a reset link after PASSWORD_RESET_HOURS,
a new member's set-your-password link after ACCOUNT_INVITE_DAYS. A reset
token never passes as an invitation token and vice versa (different salts).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from backend.accounts.models import AccountEmailKind, User


class _PurposeTokenGenerator(PasswordResetTokenGenerator):
    lifetime_setting = ""

    def lifetime_seconds(self) -> int:
        value = getattr(settings, self.lifetime_setting)
        return int(value) * (3600 if self.lifetime_setting.endswith("HOURS") else 86400)

    def check_token(self, user: object, token: str | None) -> bool:
        # Django checks the signature (current key, then fallbacks) and PASSWORD_RESET_TIMEOUT,
        # the longest lifetime; this purpose's own, shorter lifetime is checked here.
        if not token or not super().check_token(user, token):  # type: ignore[arg-type]
            return False
        issued = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - issued <= self.lifetime_seconds()


class PasswordResetTokens(_PurposeTokenGenerator):
    key_salt = "publicbenefit.accounts.password-reset"
    lifetime_setting = "PASSWORD_RESET_HOURS"


class SetPasswordTokens(_PurposeTokenGenerator):
    key_salt = "publicbenefit.accounts.set-password"
    lifetime_setting = "ACCOUNT_INVITE_DAYS"


GENERATORS: dict[str, _PurposeTokenGenerator] = {
    AccountEmailKind.PASSWORD_RESET: PasswordResetTokens(),
    AccountEmailKind.SET_PASSWORD: SetPasswordTokens(),
}


def uid_for(user: User) -> str:
    return urlsafe_base64_encode(str(user.pk).encode())


def user_from_uid(uid: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def token_valid(user: User, token: str) -> bool:
    """Whether ``token`` is a live reset or set-your-password token of ``user``."""
    if len(token) > 100:
        return False
    return any(generator.check_token(user, token) for generator in GENERATORS.values())
