"""The signed-in user a write is attributed to."""

from __future__ import annotations

from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from backend.accounts.models import User


def actor_of(request: Request) -> User:
    """The request's user; the access bases already refused anonymous writes."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
