"""Webhook endpoints and their deliveries, on both hosts.

An authority's admins manage the authority's endpoints on its host; the
programme's coordinators manage the programme's endpoints on the programme
host. The behaviour is shared here; the two viewsets only say whose
endpoints they serve and who may touch them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.actor import actor_of
from api.base import AuthorityViewSet, ProgrammeViewSet
from api.errors import ErrorSerializer
from api.typed_json import JsonObjectField
from backend.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from backend.webhooks.selectors import webhook_delivery_list, webhook_endpoint_list
from backend.webhooks.services import (
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_enable,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)
from tenants.models import Authority
from tenants.roles import ADMINS, COORDINATORS


class WebhookEndpointSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    events = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "is_active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret (Standard Webhooks, whsec_...). Shown only when the "
        "endpoint is created or its secret rotated: store it then.",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(serializers.Serializer[Any]):
    url = serializers.URLField(max_length=2000)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    events = serializers.ListField(child=serializers.CharField(max_length=64), allow_empty=False)


class WebhookEndpointUpdateSerializer(WebhookEndpointInputSerializer):
    url = serializers.URLField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.CharField(max_length=64), allow_empty=False, required=False
    )


class WebhookAttemptSerializer(serializers.ModelSerializer[WebhookAttempt]):
    class Meta:
        model = WebhookAttempt
        fields = ["at", "status_code", "error", "duration_ms"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    log = WebhookAttemptSerializer(many=True, read_only=True)
    payload = JsonObjectField(
        read_only=True,
        help_text="The body sent: {type, timestamp, data} with ids and states only.",
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "created_at",
            "log",
        ]
        read_only_fields = fields


_endpoint_schema = extend_schema_view(
    create=extend_schema(
        request=WebhookEndpointInputSerializer, responses={201: WebhookEndpointWithSecretSerializer}
    ),
    partial_update=extend_schema(
        request=WebhookEndpointUpdateSerializer, responses={200: WebhookEndpointSerializer}
    ),
    destroy=extend_schema(responses={204: None}),
)


class _WebhookEndpointBehaviour(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[WebhookEndpoint],
):
    serializer_class = WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.none()  # for the schema generator; see get_queryset
    lookup_value_regex = r"\d+"
    ordering = ["id"]

    def owner(self) -> Authority | None:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return webhook_endpoint_list(authority=self.owner())

    def create(self, request: Request) -> Response:
        data = WebhookEndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(
            authority=self.owner(), actor=actor_of(request), **data.validated_data
        )
        return Response(
            WebhookEndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, pk: str) -> Response:
        data = WebhookEndpointUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(endpoint=self.get_object(), **data.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        webhook_endpoint_delete(endpoint=instance)

    @extend_schema(request=None, responses={200: WebhookEndpointSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk: str) -> Response:
        """Switch an endpoint that was switched off after failures back on."""
        endpoint = webhook_endpoint_enable(endpoint=self.get_object())
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(request=None, responses={200: WebhookEndpointWithSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str) -> Response:
        """Replace the signing secret; the new one is shown once, in this response."""
        endpoint = webhook_endpoint_rotate_secret(endpoint=self.get_object())
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)

    @extend_schema(responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        """The endpoint's deliveries, newest first, each with its attempts and status codes."""
        queryset = webhook_delivery_list(endpoint=self.get_object())
        page = self.paginate_queryset(queryset)  # type: ignore[arg-type]
        serialized = WebhookDeliverySerializer(page, many=True).data  # type: ignore[arg-type]
        return self.get_paginated_response(serialized)

    @extend_schema(request=None, responses={200: WebhookDeliverySerializer, 409: ErrorSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>\d+)/replay",
    )
    def replay(self, request: Request, pk: str, delivery_id: str) -> Response:
        """Send a delivery again (same webhook-id, so receivers can tell it is a repeat)."""
        endpoint = self.get_object()
        delivery = _get_delivery(endpoint, delivery_id)
        replayed = webhook_delivery_replay(delivery=delivery)
        return Response(WebhookDeliverySerializer(replayed).data)


def _get_delivery(endpoint: WebhookEndpoint, delivery_id: str) -> WebhookDelivery:
    return get_object_or_404(webhook_delivery_list(endpoint=endpoint), pk=int(delivery_id))


@_endpoint_schema
class WebhookEndpointViewSet(_WebhookEndpointBehaviour, AuthorityViewSet):
    """The authority's webhook endpoints: HTTPS URLs that receive signed event deliveries.

    Events: every name in ``backend.core.events.EventName``. Admins only.
    """

    read_roles = ADMINS
    write_roles = ADMINS

    def owner(self) -> Authority | None:
        return self.request._request.tenant  # type: ignore[attr-defined]


@_endpoint_schema
class ProgrammeWebhookEndpointViewSet(_WebhookEndpointBehaviour, ProgrammeViewSet):
    """The programme's webhook endpoints: published decisions and results from every authority.

    Coordinators only.
    """

    read_roles = COORDINATORS
    write_roles = COORDINATORS

    def owner(self) -> Authority | None:
        return None
