"""Who may call what. One permission per surface; the base views install them."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import get_public_schema_name
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from api.authentication import request_membership_role
from tenants.context import current_schema_name
from tenants.models import Authority
from tenants.roles import Role
from tenants.selectors import membership_role, programme_role


def _roles_for(view: Any, request: Request) -> frozenset[str]:
    action = getattr(view, "action", None)
    if action and action in view.action_roles:
        return frozenset(view.action_roles[action])
    return frozenset(view.read_roles if request.method in SAFE_METHODS else view.write_roles)


def _refuse(code: str, detail: str) -> exceptions.PermissionDenied:
    error = exceptions.PermissionDenied(detail)
    error.detail = exceptions.ErrorDetail(detail, code=code)
    return error


class IsAuthorityMemberWithRole(BasePermission):
    """The request's user holds, in the host's authority, a role the action allows.

    Fails closed: no authority on the request, a connection not pointing at
    that authority's schema, no membership, or a role outside the action's set
    all refuse. A paused or withdrawn authority is read-only.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        authority = getattr(request._request, "tenant", None)
        if not isinstance(authority, Authority):
            raise exceptions.NotFound("This endpoint is served on an authority's host only.")
        if current_schema_name() != authority.schema_name:
            raise _refuse("wrong_schema", "The request is not bound to this authority.")
        user = request.user
        if not user or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        # The token authenticator reads the role in its own query (api.authentication).
        known, role = request_membership_role(request, authority=authority, user=user)
        if not known:
            role = membership_role(user=user, authority=authority)
        if role is None:
            raise _refuse("not_a_member", f"You are not a member of {authority.name}.")
        allowed = _roles_for(view, request)
        if role not in allowed:
            raise _refuse(
                "role_not_allowed",
                f"Your role '{role}' may not do this; allowed roles: {', '.join(sorted(allowed))}.",
            )
        if request.method not in SAFE_METHODS and not authority.accepts_writes:
            raise _refuse(
                "authority_inactive",
                f"{authority.name} is {authority.status}; its data is read-only.",
            )
        return True


class HasProgrammeRole(BasePermission):
    """On the programme host, the user holds a programme role that the action allows."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(request._request, "tenant", None) is not None or (
            current_schema_name() != get_public_schema_name()
        ):
            raise exceptions.NotFound("This endpoint is served on the programme host only.")
        user = request.user
        if not user or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        role = programme_role(user=user)
        if role is None:
            raise _refuse(
                "no_programme_role", "This needs a programme role (coordinator or observer)."
            )
        allowed = _roles_for(view, request)
        if role not in allowed:
            raise _refuse(
                "role_not_allowed",
                f"Your role '{role}' may not do this; allowed roles: {', '.join(sorted(allowed))}.",
            )
        request._programme_role = role  # type: ignore[attr-defined]
        return True


def is_coordinator(request: Request) -> bool:
    return getattr(request, "_programme_role", None) == Role.COORDINATOR
