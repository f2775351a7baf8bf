"""Programme host: the versioned methodology (see ``views`` for the routes)."""

from api.programme.methodology.serializers import (
    MethodologyVersionDetailSerializer,
    MethodologyVersionSerializer,
)
from api.programme.methodology.views import MethodologyVersionViewSet, QuestionViewSet

__all__ = [
    "MethodologyVersionDetailSerializer",
    "MethodologyVersionSerializer",
    "MethodologyVersionViewSet",
    "QuestionViewSet",
]
