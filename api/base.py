"""Base views for the three surfaces. Every endpoint subclasses exactly one of them.

The access check lives here and cannot be bypassed: a subclass that defines
any of ``SEALED_ATTRIBUTES`` is refused at import time (a TypeError), so a
view cannot swap out the permission or authentication classes, or skip
``initial()`` where DRF runs them. Subclasses say *which roles* may act,
never *whether* to check.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from api.permissions import HasProgrammeRole, IsAuthorityMemberWithRole
from tenants.roles import ANY_MEMBER, ANY_PROGRAMME_ROLE, CASEWORKERS, COORDINATORS

SEALED_ATTRIBUTES = (
    "permission_classes",
    "authentication_classes",
    "get_permissions",
    "get_authenticators",
    "check_permissions",
    "check_object_permissions",
    "initial",
    "dispatch",
)


def _defined_by_trusted_class(cls: type, name: str) -> bool:
    """Whether the attribute ``name`` that ``cls`` resolves comes from an access base or DRF.

    Checking the whole MRO (not only ``cls.__dict__``) also refuses a mixin
    that slips its own permission classes in ahead of the access base.
    """
    for klass in cls.__mro__:
        if name in klass.__dict__:
            if klass.__dict__.get("_sealed_base") is True:
                return True
            module = klass.__module__
            return module.startswith(("rest_framework.", "django."))
    return True


class _Sealed:
    surface: ClassVar[str] = ""
    _sealed_owner: ClassVar[type | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("_sealed_base"):
            return
        overridden = [
            name for name in SEALED_ATTRIBUTES if not _defined_by_trusted_class(cls, name)
        ]
        if overridden:
            raise TypeError(
                f"{cls.__qualname__} overrides {', '.join(overridden)}; access checks are "
                "owned by api.base. Declare read_roles / write_roles / action_roles instead."
            )


class AuthorityAccess(_Sealed):
    """Authority host, signed in, member of the host's authority with an allowed role."""

    _sealed_base = True
    surface = "authority"
    permission_classes: Any = [IsAuthorityMemberWithRole]
    read_roles: ClassVar[frozenset[str]] = ANY_MEMBER
    write_roles: ClassVar[frozenset[str]] = CASEWORKERS
    action_roles: ClassVar[dict[str, frozenset[str]]] = {}


class ProgrammeAccess(_Sealed):
    """Programme host, signed in, with a programme role (coordinator or observer)."""

    _sealed_base = True
    surface = "programme"
    permission_classes: Any = [HasProgrammeRole]
    read_roles: ClassVar[frozenset[str]] = ANY_PROGRAMME_ROLE
    write_roles: ClassVar[frozenset[str]] = COORDINATORS
    action_roles: ClassVar[dict[str, frozenset[str]]] = {}


class PublicAccess(_Sealed):
    """No account: read-only register and invitation-token endpoints."""

    _sealed_base = True
    surface = "public"
    permission_classes: Any = [AllowAny]
    authentication_classes: Any = []


class AuthorityAPIView(AuthorityAccess, APIView):
    _sealed_base = False


class AuthorityViewSet(AuthorityAccess, viewsets.GenericViewSet):
    _sealed_base = False


class ProgrammeAPIView(ProgrammeAccess, APIView):
    _sealed_base = False


class ProgrammeViewSet(ProgrammeAccess, viewsets.GenericViewSet):
    _sealed_base = False


class PublicAPIView(PublicAccess, APIView):
    _sealed_base = False


class PublicViewSet(PublicAccess, viewsets.GenericViewSet):
    _sealed_base = False
