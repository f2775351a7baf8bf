"""Both hosts, no account: the programme's engagement-method catalogue."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import mixins, serializers

from api.base import PublicViewSet
from backend.engagement.models import EngagementMethod
from backend.engagement.selectors import engagement_method_list


class EngagementMethodSerializer(serializers.ModelSerializer[EngagementMethod]):
    class Meta:
        model = EngagementMethod
        fields = [
            "key",
            "name",
            "description",
            "typical_cost_low",
            "typical_cost_high",
            "typical_cost_note",
            "is_online",
        ]
        read_only_fields = fields


class EngagementMethodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    """Ways of consulting the public, with what each typically costs (GBP)."""

    serializer_class = EngagementMethodSerializer
    queryset = EngagementMethod.objects.none()  # for the schema generator; see get_queryset
    filterset_fields = ["is_online"]
    ordering_fields = ["name", "typical_cost_low"]
    ordering = ["name"]
    lookup_field = "key"

    def get_queryset(self) -> QuerySet[EngagementMethod]:
        return engagement_method_list()
