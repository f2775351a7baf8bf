"""Programme host: the failed sign-in audit trail, for coordinators."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins, serializers

from api.base import ProgrammeViewSet
from backend.accounts.login_audit import login_failure_list
from backend.accounts.models import LoginFailure
from tenants.roles import COORDINATORS


class LoginFailureSerializer(serializers.ModelSerializer[LoginFailure]):
    email = serializers.EmailField(
        source="user.email",
        allow_null=True,
        read_only=True,
        help_text="The account's email when the email typed named one; else null.",
    )

    class Meta:
        model = LoginFailure
        fields = [
            "id",
            "attempted_at",
            "reason",
            "user",
            "email",
            "identifier_digest",
            "client_address",
            "host",
        ]
        read_only_fields = fields


class LoginFailureFilterSet(django_filters.FilterSet):
    attempted_from = django_filters.IsoDateTimeFilter(field_name="attempted_at", lookup_expr="gte")
    attempted_to = django_filters.IsoDateTimeFilter(field_name="attempted_at", lookup_expr="lt")

    class Meta:
        model = LoginFailure
        fields = ["reason", "user", "client_address", "identifier_digest"]


class LoginFailureViewSet(mixins.ListModelMixin, ProgrammeViewSet):
    """Failed sign-ins on every host, newest first (never a password). Coordinators only."""

    read_roles = COORDINATORS
    serializer_class = LoginFailureSerializer
    filterset_class = LoginFailureFilterSet
    ordering_fields = ["attempted_at"]
    ordering = ["-attempted_at"]

    def get_queryset(self) -> QuerySet[LoginFailure]:
        return login_failure_list()
