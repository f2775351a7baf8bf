"""Sign-in, sign-out and ``/me``: served on every host."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.login_limits import LoginAddressThrottle, login_lock_check, login_success_clear
from tenants.models import Authority, Membership
from tenants.selectors import membership_list


class LoginInputSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class UserSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class LoginOutputSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send as 'Authorization: Token <token>'.")
    expiry = serializers.DateTimeField()
    user = UserSerializer()


class MembershipAuthoritySerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    host = serializers.CharField()


class MeMembershipSerializer(serializers.Serializer[Any]):
    role = serializers.CharField()
    authority = MembershipAuthoritySerializer(allow_null=True)


class CurrentAuthoritySerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    role = serializers.CharField(help_text="Your role in this authority.")


class MeSerializer(serializers.Serializer[Any]):
    user = UserSerializer()
    programme_role = serializers.CharField(allow_null=True)
    memberships = MeMembershipSerializer(many=True)
    current_authority = CurrentAuthoritySerializer(
        allow_null=True,
        help_text="The authority of the host you called, when you are its member; else null.",
    )


def _authority_summary(authority: Authority) -> dict[str, str]:
    domain = f"{authority.schema_name}.{settings.BASE_DOMAIN}"
    return {"slug": authority.schema_name, "name": authority.name, "host": domain}


class LoginView(APIView):
    """Exchange an email and password for an API token (hashed at rest, expires).

    Rate-limited per client address and locked out per account and per address
    after repeated failures (429 ``login_locked``, see ``api.login_limits``);
    unknown and known emails get the same answers. Failures are recorded in the
    audit trail by the ``user_login_failed`` signal.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [LoginAddressThrottle]

    @extend_schema(
        request=LoginInputSerializer, responses={200: LoginOutputSerializer}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"].lower()
        login_lock_check(request=request, email=email)
        user = authenticate(request._request, email=email, password=data.validated_data["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": ["The email or password is not correct."]}
            )
        login_success_clear(email=email)
        # Dead tokens leave at sign-in (api.authentication no longer sweeps them per request).
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        instance, token = AuthToken.objects.create(user=user)
        body = {
            "token": token,
            "expiry": instance.expiry,
            "user": {"id": user.pk, "email": user.email, "full_name": user.full_name},
        }
        return Response(LoginOutputSerializer(body).data)


class LogoutView(APIView):
    """Revoke the token used for this request (and end a browser session)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every token of the signed-in user."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        AuthToken.objects.filter(user=request.user).delete()
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user, their programme role and every authority membership."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer}, tags=["auth"])
    def get(self, request: Request) -> Response:
        user = request.user
        memberships: list[Membership] = list(membership_list(user=user))  # type: ignore[arg-type]
        programme_role = next((m.role for m in memberships if m.authority_id is None), None)
        current = None
        authority = getattr(request._request, "tenant", None)
        role = None
        if isinstance(authority, Authority):
            role = next((m.role for m in memberships if m.authority_id == authority.pk), None)
        if isinstance(authority, Authority) and role is not None:
            current = {
                "slug": authority.schema_name,
                "name": authority.name,
                "status": authority.status,
                "role": role,
            }
        body = {
            "user": {"id": user.pk, "email": user.email, "full_name": user.full_name},  # type: ignore[union-attr]
            "programme_role": programme_role,
            "memberships": [
                {
                    "role": m.role,
                    "authority": _authority_summary(m.authority) if m.authority else None,
                }
                for m in memberships
            ],
            "current_authority": current,
        }
        return Response(MeSerializer(body).data)
