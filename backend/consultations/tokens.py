"""Unguessable tokens that the database never stores in usable form.

A token is HMAC-SHA256(SECRET_KEY, purpose + random salt), base64url-encoded
(256 bits). The row keeps the salt and the token's SHA-256 digest: lookups go
by digest, and the server can re-derive the token when it renders an email or
shows staff a link, so a copy of the database alone gives no working link.
Changing SECRET_KEY invalidates every outstanding link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_salt() -> str:
    return secrets.token_urlsafe(32)


def derive_token(purpose: str, salt: str) -> str:
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def participant_token(salt: str) -> str:
    return derive_token("participant", salt)


def open_link_token(salt: str) -> str:
    return derive_token("open-link", salt)


def calendar_feed_token(schema_name: str) -> str:
    """The authority's calendar-feed secret: stable, so subscriptions keep working."""
    return derive_token("calendar-feed", schema_name)
