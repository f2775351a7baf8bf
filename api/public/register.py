"""No account: the transparency register of published decisions.

On the programme host it lists every authority's entries; on an authority's
host, only that authority's. Entries are copies of allow-listed fields made
when a decision is published, so nothing else can leak through here.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins, serializers

from api.base import PublicViewSet
from api.disclosure import WithheldSerializer
from backend.decisions.models import DecisionOutcome
from backend.proposals.models import ServiceArea
from backend.register.models import RegisterEntry
from backend.register.selectors import register_entry_list
from tenants.models import Authority


class RegisterAuthoritySerializer(serializers.Serializer[Authority]):
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(source="schema_name", read_only=True)


class RegisterDataCategorySerializer(serializers.Serializer[dict]):
    name = serializers.CharField()
    special_category = serializers.BooleanField()
    criminal_offence = serializers.BooleanField()


class RegisterPartnerSerializer(serializers.Serializer[dict]):
    name = serializers.CharField()
    type = serializers.CharField()
    role = serializers.CharField()


class RegisterConsultationSerializer(serializers.Serializer[dict]):
    """One consultation's results as published: through disclosure control (docs/disclosure.md)."""

    method = serializers.CharField()
    held_on = serializers.CharField()
    invited = serializers.IntegerField(
        allow_null=True, help_text="Rounded to the nearest 5; null when withheld."
    )
    responded = serializers.IntegerField(
        allow_null=True, help_text="Rounded to the nearest 5; null when withheld."
    )
    response_rate = serializers.FloatField(allow_null=True)
    net_acceptability = serializers.FloatField(allow_null=True)
    acceptability_combined = serializers.BooleanField(
        help_text="True when the shares are of three combined categories "
        "(unacceptable, neutral, acceptable) instead of the five-point scale."
    )
    acceptability_shares = serializers.DictField(child=serializers.FloatField(allow_null=True))
    agreement = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Per test, the share who agreed (4 or 5).",
    )
    withheld = serializers.DictField(
        child=WithheldSerializer(), help_text="Figure → why it is null."
    )


class RegisterConsultationSummarySerializer(serializers.Serializer[dict]):
    consultations = RegisterConsultationSerializer(many=True)


class RegisterEntrySerializer(serializers.ModelSerializer[RegisterEntry]):
    id = serializers.UUIDField(source="entry_id", read_only=True)
    authority = RegisterAuthoritySerializer(read_only=True)
    reference = serializers.CharField(source="proposal_reference", read_only=True)
    data_categories = RegisterDataCategorySerializer(many=True, read_only=True)
    partners = RegisterPartnerSerializer(many=True, read_only=True)
    verdicts = serializers.JSONField(
        read_only=True, allow_null=True, help_text="Assessment verdicts, when assessed."
    )
    consultation_summary = RegisterConsultationSummarySerializer(
        read_only=True, allow_null=True, help_text="What public consultation found, if any."
    )

    class Meta:
        model = RegisterEntry
        fields = [
            "id",
            "authority",
            "reference",
            "title",
            "summary",
            "purpose",
            "service_areas",
            "data_categories",
            "partners",
            "legal_gateway",
            "legal_gateway_detail",
            "verdicts",
            "consultation_summary",
            "outcome",
            "rationale",
            "conditions",
            "public_influence",
            "decided_on",
            "published_at",
        ]
        read_only_fields = fields


class RegisterEntryFilterSet(django_filters.FilterSet):
    service_area = django_filters.ChoiceFilter(
        choices=ServiceArea.choices, method="filter_service_area"
    )
    outcome = django_filters.ChoiceFilter(choices=DecisionOutcome.choices)
    decided_from = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte")
    decided_to = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte")
    authority = django_filters.CharFilter(
        field_name="authority__schema_name", help_text="An authority's slug."
    )

    class Meta:
        model = RegisterEntry
        fields = ["outcome"]

    def filter_service_area(
        self, queryset: QuerySet[RegisterEntry], name: str, value: str
    ) -> QuerySet[RegisterEntry]:
        return queryset.filter(service_areas__contains=[value])


class RegisterEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    """Published decisions on data-sharing proposals, for anyone to read."""

    serializer_class = RegisterEntrySerializer
    queryset = RegisterEntry.objects.none()  # for the schema generator; see get_queryset
    filterset_class = RegisterEntryFilterSet
    ordering_fields = ["published_at", "decided_on"]
    ordering = ["-published_at"]
    lookup_field = "entry_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[0-9a-fA-F-]{36}"

    def get_queryset(self) -> QuerySet[RegisterEntry]:
        tenant = getattr(self.request._request, "tenant", None)
        return register_entry_list(authority=tenant if isinstance(tenant, Authority) else None)
