from __future__ import annotations

import pytest
from rest_framework.permissions import AllowAny

from api.base import AuthorityAPIView, AuthorityViewSet, ProgrammeViewSet


@pytest.mark.parametrize(
    "attribute", ["permission_classes", "get_permissions", "check_permissions", "initial"]
)
def test_subclasses_cannot_replace_the_access_check(attribute):
    body = {attribute: [AllowAny] if attribute.endswith("classes") else (lambda self, *a: [])}
    with pytest.raises(TypeError, match=r"access checks are owned by api\.base"):
        type("Sneaky", (AuthorityViewSet,), body)


def test_a_mixin_cannot_slip_permissions_in_ahead_of_the_base():
    class OpenMixin:
        permission_classes = [AllowAny]

    with pytest.raises(TypeError):
        type("Sneaky", (OpenMixin, AuthorityAPIView), {})


def test_declaring_roles_is_allowed():
    view = type("Fine", (ProgrammeViewSet,), {"write_roles": frozenset({"coordinator"})})
    assert view.permission_classes == ProgrammeViewSet.permission_classes
