"""Unguessable tokens that the database never stores in usable form.

A token is ``salted_hmac(<purpose key salt>, <random salt>, SECRET_KEY)``
(HMAC-SHA256, base64url, 256 bits): each purpose (participant invitation,
open link, calendar feed) has its own key salt, so a token for one purpose
can never be replayed as another. The row keeps the random salt and the
token's SHA-256 digest: lookups go by digest, and the server re-derives the
token when it renders an email or shows staff a link, so a copy of the
database alone gives no working link.

Key rotation: tokens are verified against ``SECRET_KEY`` first, then each of
``SECRET_KEY_FALLBACKS``; a link issued under a retired key stops working
once that key leaves the fallbacks. Tokens issued before per-purpose salts
(raw ``HMAC(key, "purpose:salt")``) are still accepted under the same keys,
so invitations already in people's inboxes keep working (see
docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterator

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

KEY_SALT_PREFIX = "publicbenefit.consultations.token."
PARTICIPANT = "participant"
OPEN_LINK = "open-link"
CALENDAR_FEED = "calendar-feed"


def new_salt() -> str:
    return secrets.token_urlsafe(32)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _keys() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def derive_token(purpose: str, salt: str, *, secret: str | None = None) -> str:
    """The token for ``salt`` under the current key (or ``secret``)."""
    mac = salted_hmac(
        KEY_SALT_PREFIX + purpose, salt, secret=secret or settings.SECRET_KEY, algorithm="sha256"
    )
    return _b64(mac.digest())


def _legacy_token(purpose: str, salt: str, secret: str) -> str:
    """The scheme before per-purpose key salts; accepted, never issued."""
    mac = hmac.new(secret.encode(), f"{purpose}:{salt}".encode(), hashlib.sha256).digest()
    return _b64(mac)


def _candidates(purpose: str, salt: str, *, legacy: bool) -> Iterator[str]:
    keys = _keys()
    for key in keys:
        yield derive_token(purpose, salt, secret=key)
    if legacy:
        for key in keys:
            yield _legacy_token(purpose, salt, key)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_verifies(purpose: str, salt: str, token: str, *, legacy: bool = True) -> bool:
    """Whether ``token`` was derived from ``salt`` by a key still in service."""
    if not salt or not token:
        return False
    return any(constant_time_compare(c, token) for c in _candidates(purpose, salt, legacy=legacy))


def issued_token(purpose: str, salt: str, digest: str | None) -> str | None:
    """The token that was issued for this row (its digest is stored), if a key still makes it.

    None means the key that issued it has been retired: the caller re-issues.
    """
    if not salt or not digest:
        return None
    for candidate in _candidates(purpose, salt, legacy=True):
        if hmac.compare_digest(token_digest(candidate), digest):
            return candidate
    return None


def participant_token(salt: str) -> str:
    return derive_token(PARTICIPANT, salt)


def open_link_token(salt: str) -> str:
    return derive_token(OPEN_LINK, salt)


def new_feed_secret() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_token(schema_name: str, feed_secret: str) -> str:
    """The authority's calendar-feed token: its stored random secret, keyed by SECRET_KEY.

    Neither the database (no key) nor the key and the slug (no secret) alone
    give it, and rotating the stored secret retires every old feed URL.
    """
    return derive_token(CALENDAR_FEED, f"{schema_name}:{feed_secret}")


def calendar_feed_token_verifies(schema_name: str, feed_secret: str, token: str) -> bool:
    if not feed_secret:
        return False
    return token_verifies(CALENDAR_FEED, f"{schema_name}:{feed_secret}", token, legacy=False)
