"""Programme host, no account: which authorities take part (only those that consent to be named)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from rest_framework import mixins, serializers

from api.base import PublicViewSet
from tenants.models import Authority, AuthorityStatus


class PublicAuthoritySerializer(serializers.ModelSerializer[Authority]):
    slug = serializers.CharField(source="schema_name", read_only=True)
    host = serializers.SerializerMethodField()

    class Meta:
        model = Authority
        fields = ["slug", "name", "host", "kind", "nation", "date_joined"]
        read_only_fields = fields

    def get_host(self, authority: Authority) -> str:
        return f"{authority.schema_name}.{settings.BASE_DOMAIN}"


class PublicAuthorityViewSet(mixins.ListModelMixin, PublicViewSet):
    """Active authorities in the programme that agreed to be named."""

    serializer_class = PublicAuthoritySerializer
    filterset_fields = ["kind", "nation"]
    ordering_fields = ["name", "date_joined"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Authority]:
        return Authority.objects.filter(status=AuthorityStatus.ACTIVE, consents_to_be_named=True)
