"""API token authentication in one query: the token, its user, and the user's role here.

Knox's ``TokenAuthentication`` costs two queries a request: the token with its
user, then every token of that user (to delete the expired ones), and the
authority permission a third (the user's membership of the host's authority).
This class reads all three facts in one query: the token row by its key, its
user by a join, and, on an authority host, the user's role in that authority
by a subquery. Nothing is cached between requests, so a deleted token (logout,
logout everywhere, a password change) or a deactivated user is refused on the
very next request, in every process, exactly as before.

What it keeps from knox: the header format and its errors, the digest compared
in constant time, an expired token refused and deleted (with knox's
``token_expired`` signal), an inactive user refused. What moves: deleting the
user's *other* expired tokens happens at sign-in (``api.accounts``), not on
every request; an expired token is refused either way, so this changes only
when dead rows leave the table.

The role travels to ``IsAuthorityMemberWithRole`` on the DRF request as
``(authority id, user id, role)``; the permission uses it only when both ids
match the request's authority and user, and queries the membership otherwise
(a session-authenticated request, for one).
"""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import exceptions
from rest_framework.request import Request

from tenants.models import Authority, Membership

# The attribute of the DRF request that carries (authority id, user id, role or None).
MEMBERSHIP_ATTRIBUTE = "_authority_membership"


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, AuthToken] | None:
        # DRF builds one authenticator per request, so keeping the request here is safe.
        self._drf_request = request
        return super().authenticate(request)

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        invalid = exceptions.AuthenticationFailed("Invalid token.")
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            raise invalid from None
        request = getattr(self, "_drf_request", None)
        authority = getattr(getattr(request, "_request", None), "tenant", None)
        rows = AuthToken.objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
        rows = rows.select_related("user")
        if isinstance(authority, Authority):
            role = Membership.objects.filter(user_id=OuterRef("user_id"), authority=authority)
            rows = rows.annotate(member_role=Subquery(role.values("role")[:1]))
        now = timezone.now()
        for auth_token in rows:
            if auth_token.expiry is not None and auth_token.expiry < now:
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=self.__class__, username=username, source="auth_token")
                continue
            try:
                digest = hash_token(text)
            except (TypeError, ValueError, binascii.Error):
                raise invalid from None
            if compare_digest(digest, auth_token.digest):
                user, auth_token = self.validate_user(auth_token)
                if isinstance(authority, Authority) and request is not None:
                    membership = (authority.pk, user.pk, auth_token.member_role)
                    setattr(request, MEMBERSHIP_ATTRIBUTE, membership)
                return user, auth_token
        raise invalid


class TokenScheme(KnoxTokenScheme):
    """The same security scheme in the specs as knox's own class had."""

    target_class = "api.authentication.TokenAuthentication"


def request_membership_role(
    request: Request, *, authority: Authority, user: Any
) -> tuple[bool, str | None]:
    """(known, role): the role the authenticator read for this authority and user, if it did."""
    carried = getattr(request, MEMBERSHIP_ATTRIBUTE, None)
    if carried is None or carried[0] != authority.pk or carried[1] != user.pk:
        return False, None
    return True, carried[2]
