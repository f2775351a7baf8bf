"""Passwords: change your own (signed in), reset by email or set it from an invitation.

Changing is served on every host through the sealed bases: on an authority's
host to its members, on the programme host to programme staff. Reset and
set-your-password links need no account, so they are public endpoints, on
every host, rate-limited per client address.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import update_session_auth_hash
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import AuthorityAPIView, ProgrammeAPIView, PublicAPIView
from api.errors import ErrorSerializer
from api.routing import request_hostname
from api.throttling import AddressThrottle
from backend.accounts.models import User
from backend.accounts.services import (
    password_reset_confirm,
    password_reset_request,
    user_password_change,
)
from tenants.roles import ANY_MEMBER, ANY_PROGRAMME_ROLE


class PasswordChangeSerializer(serializers.Serializer[Any]):
    current_password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=4096
    )
    new_password = serializers.CharField(
        style={"input_type": "password"},
        trim_whitespace=False,
        max_length=4096,
        help_text="Checked by the password validators (length, common passwords, "
        "similarity to your name and email).",
    )


class PasswordChangedSerializer(serializers.Serializer[Any]):
    signed_out_elsewhere = serializers.BooleanField(
        help_text="Always true: every other token and browser session was signed out."
    )


class PasswordResetRequestSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()


class PasswordResetAcceptedSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class PasswordResetConfirmSerializer(serializers.Serializer[Any]):
    uid = serializers.CharField(max_length=64, help_text="The 'uid' of the emailed link.")
    token = serializers.CharField(max_length=100, help_text="The 'token' of the emailed link.")
    new_password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=4096
    )


class PasswordResetThrottle(AddressThrottle):
    """Per trusted client address (``password_reset`` rate), across hosts; fails closed."""

    scope = "password_reset"


def _change(request: Request) -> Response:
    data = PasswordChangeSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    user = request.user
    assert isinstance(user, User)  # the sealed permission refused anonymous callers
    keep = request.auth.token_key if isinstance(request.auth, AuthToken) else None
    changed = user_password_change(
        user=user,
        current_password=data.validated_data["current_password"],
        new_password=data.validated_data["new_password"],
        keep_token_key=keep,
    )
    # A browser session making the change stays signed in; every other one is not.
    update_session_auth_hash(request._request, changed)
    return Response({"signed_out_elsewhere": True})


CHANGE_SCHEMA = extend_schema(
    request=PasswordChangeSerializer,
    responses={200: PasswordChangedSerializer, 400: ErrorSerializer},
    tags=["auth"],
    description="Change your own password. The current password is required; every other "
    "API token and browser session of yours is signed out (the token or session making the "
    "call stays valid).",
)


class AuthorityPasswordChangeView(AuthorityAPIView):
    """Change your own password, as a member of this host's authority."""

    write_roles = ANY_MEMBER

    @CHANGE_SCHEMA
    def post(self, request: Request) -> Response:
        return _change(request)


class ProgrammePasswordChangeView(ProgrammeAPIView):
    """Change your own password, as programme staff."""

    write_roles = ANY_PROGRAMME_ROLE

    @CHANGE_SCHEMA
    def post(self, request: Request) -> Response:
        return _change(request)


RESET_ACCEPTED = (
    "If an account uses this address, we have emailed it a link to set a new password. "
    "The link works once and expires."
)


class PasswordResetRequestView(PublicAPIView):
    """Ask for a password-reset email. The answer is the same whether or not the address has
    an account."""

    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        request=PasswordResetRequestSerializer,
        responses={202: PasswordResetAcceptedSerializer, 400: ErrorSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_request(
            email=data.validated_data["email"], host=request_hostname(request._request)
        )
        return Response({"detail": RESET_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAPIView):
    """Set a new password with the uid and token of a reset or set-your-password email."""

    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        request=PasswordResetConfirmSerializer,
        responses={204: None, 400: ErrorSerializer},
        tags=["auth"],
        description="Single use: the link stops working once a password is set, and expires "
        "(reset links after PASSWORD_RESET_HOURS, new members' links after "
        "ACCOUNT_INVITE_DAYS). Every existing token and session of the account is signed out.",
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_confirm(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
