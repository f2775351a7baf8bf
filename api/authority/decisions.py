"""Authority host: decisions and publishing them to the public register."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.actor import actor_of
from api.authority.decision_serializers import DecisionSerializer
from api.base import AuthorityViewSet
from api.errors import ErrorSerializer
from api.filters import UTCDateTimeFilter
from backend.decisions.models import Decision, DecisionOutcome
from backend.decisions.selectors import decision_list
from backend.decisions.services import decision_publish, decision_unpublish


class DecisionFilterSet(django_filters.FilterSet):
    outcome = django_filters.MultipleChoiceFilter(choices=DecisionOutcome.choices)
    published = django_filters.BooleanFilter()
    decided_from = UTCDateTimeFilter(field_name="decided_at", lookup_expr="gte")
    decided_to = UTCDateTimeFilter(field_name="decided_at", lookup_expr="lte")

    class Meta:
        model = Decision
        fields = ["outcome", "published"]


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityViewSet):
    """Decisions on proposals (recorded through POST /proposals/{id}/decision).

    Every member reads; admins and officers publish to and unpublish from the
    public register.
    """

    serializer_class = DecisionSerializer
    queryset = Decision.objects.none()  # for the schema generator; see get_queryset
    filterset_class = DecisionFilterSet
    ordering_fields = ["decided_at", "published_at"]
    ordering = ["-decided_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Decision]:
        return decision_list()

    def _authority(self) -> Any:
        return self.request._request.tenant  # type: ignore[attr-defined]

    @extend_schema(request=None, responses={200: DecisionSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Put the decision on the public register (its allow-listed fields only)."""
        decision = decision_publish(
            authority=self._authority(), decision=self.get_object(), actor=actor_of(request)
        )
        return Response(DecisionSerializer(decision_list().get(pk=decision.pk)).data)

    @extend_schema(request=None, responses={200: DecisionSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str) -> Response:
        """Take the decision off the public register."""
        decision = decision_unpublish(
            authority=self._authority(), decision=self.get_object(), actor=actor_of(request)
        )
        return Response(DecisionSerializer(decision_list().get(pk=decision.pk)).data)
