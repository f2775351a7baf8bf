"""Authority host: the audit trail of proposals and decisions, for admins."""

from __future__ import annotations

from typing import Any

import django_filters
import pghistory.models
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import AuthorityViewSet
from api.filters import UTCDateTimeFilter
from api.typed_json import HistoryChangesField, JsonObjectField
from backend.audit.selectors import HISTORY_MODELS, history_list, history_users
from tenants.roles import ADMINS


class HistoryQuerySerializer(serializers.Serializer[Any]):
    model = serializers.ChoiceField(choices=sorted(HISTORY_MODELS))
    object_id = serializers.IntegerField(required=False, min_value=1)


class HistoryActorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField(allow_null=True)


class HistoryEventSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="pgh_slug", help_text="Unique across all audited models.")
    model = serializers.SerializerMethodField()
    object_id = serializers.CharField(source="pgh_obj_id", allow_null=True)
    event = serializers.CharField(source="pgh_label", help_text="insert, update or delete.")
    at = serializers.DateTimeField(source="pgh_created_at")
    actor = serializers.SerializerMethodField(
        help_text="Who made the change; null for changes made outside the services."
    )
    changes = HistoryChangesField(
        source="pgh_diff",
        allow_null=True,
        help_text="Field → [before, after] against the object's previous event; null on insert.",
    )
    snapshot = JsonObjectField(source="pgh_data", help_text="The row after the event.")

    def get_model(self, event: Any) -> str:
        return str(self.context["model"])

    @extend_schema_field(HistoryActorSerializer(allow_null=True))
    def get_actor(self, event: Any) -> dict[str, Any] | None:
        context = event.pgh_context or {}
        user_id = context.get("user")
        if user_id is None:
            return None
        user = self.context["users"].get(int(user_id))
        return {"id": int(user_id), "email": user.email if user else None}


class HistoryFilterSet(django_filters.FilterSet):
    event = django_filters.ChoiceFilter(
        field_name="pgh_label",
        choices=[("insert", "insert"), ("update", "update"), ("delete", "delete")],
    )
    at_from = UTCDateTimeFilter(field_name="pgh_created_at", lookup_expr="gte")
    at_to = UTCDateTimeFilter(field_name="pgh_created_at", lookup_expr="lte")

    class Meta:
        model = pghistory.models.Events
        fields: list[str] = []


class HistoryViewSet(mixins.ListModelMixin, AuthorityViewSet):
    """Who changed what and when: every insert, update and delete of audited records.

    Recorded by database triggers, so bulk updates are included.
    """

    serializer_class = HistoryEventSerializer
    queryset = pghistory.models.Events.no_objects.none()  # for the schema generator
    filterset_class = HistoryFilterSet
    ordering_fields = ["pgh_created_at", "pgh_id"]
    ordering = ["pgh_created_at", "pgh_id"]
    read_roles = ADMINS

    def _query(self) -> dict[str, Any]:
        params = HistoryQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return dict(params.validated_data)

    def get_queryset(self) -> QuerySet[Any]:
        return history_list(**self._query())

    @extend_schema(
        parameters=[
            OpenApiParameter("model", OpenApiTypes.STR, required=True, enum=sorted(HISTORY_MODELS)),
            OpenApiParameter("object_id", OpenApiTypes.INT, description="One object's history."),
        ]
    )
    def list(self, request: Request) -> Response:
        events = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(events)
        rows = list(page) if page is not None else list(events)
        context = {"model": self._query()["model"], "users": history_users(events=rows)}
        body = HistoryEventSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(body)
