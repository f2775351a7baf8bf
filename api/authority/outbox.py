"""Authority host: emails that are waiting to be retried or that failed, for admins.

Shows enough to act on (what, to whom, masked; why it failed; when it is next
tried) and nothing more: no token, no link and no email body. Covers the
authority's consultation emails and the account emails its admins caused
(new members' set-your-password links).
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import AuthorityViewSet
from api.errors import ErrorSerializer
from backend.accounts.models import AccountEmail, User
from backend.accounts.outbox import account_email_retry
from backend.accounts.selectors import account_email_list
from backend.consultations.models import OutboxMessage
from backend.consultations.selectors import outbox_message_list
from backend.consultations.services.outbox import outbox_message_retry
from backend.core.delivery import DeliveryStatus, mask_address
from tenants.models import Authority
from tenants.roles import ADMINS

VISIBLE = [DeliveryStatus.PENDING, DeliveryStatus.FAILED]
STATUS_CHOICES = [(s.value, s.label) for s in VISIBLE]


class _UsersOnce(serializers.ListSerializer[Any]):
    """Looks up the users that a page of messages is addressed to in one query."""

    def to_representation(self, data: Any) -> list[Any]:
        rows = list(data.all() if hasattr(data, "all") else data)
        ids = {row.user_id for row in rows if getattr(row, "user_id", None)}
        cast(dict[str, Any], self._context)["users"] = {
            u.pk: u.email for u in User.objects.filter(pk__in=ids)
        }
        return super().to_representation(rows)


class OutboxMessageSerializer(serializers.ModelSerializer[OutboxMessage]):
    recipient = serializers.SerializerMethodField(
        help_text="The address, masked (j***@e***.org); null when there is none any more."
    )
    consultation_title = serializers.CharField(source="consultation.title", read_only=True)
    last_error = serializers.CharField(read_only=True, help_text="Why the last attempt failed.")

    class Meta:
        model = OutboxMessage
        list_serializer_class = _UsersOnce
        fields = [
            "id",
            "kind",
            "status",
            "consultation",
            "consultation_title",
            "recipient",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "failed_at",
        ]
        read_only_fields = fields

    def get_recipient(self, message: OutboxMessage) -> str | None:
        if message.participant_id is not None:
            email = message.participant.email if message.participant else ""
        else:
            users = self.context.get("users")
            if users is None:
                user = User.objects.filter(pk=message.user_id or 0).only("email").first()
                users = {message.user_id: user.email} if user else {}
            email = users.get(message.user_id, "")
        return mask_address(email) if email else None


class AccountEmailSerializer(serializers.ModelSerializer[AccountEmail]):
    recipient = serializers.SerializerMethodField(help_text="The address, masked.")

    class Meta:
        model = AccountEmail
        fields = [
            "id",
            "kind",
            "status",
            "recipient",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "failed_at",
        ]
        read_only_fields = fields

    def get_recipient(self, message: AccountEmail) -> str:
        return mask_address(message.user.email)


RETRY_DESCRIPTION = (
    "Try again now, with a fresh allowance of attempts. Only a failed message, "
    "or a pending one waiting out its backoff, can be retried (409 otherwise)."
)


class OutboxMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityViewSet):
    """This authority's consultation emails that are pending or failed (admins only)."""

    serializer_class = OutboxMessageSerializer
    queryset = OutboxMessage.objects.none()  # for the schema generator; see get_queryset
    read_roles = ADMINS
    write_roles = ADMINS
    filterset_fields = {"status": ["exact"], "kind": ["exact"], "consultation": ["exact"]}
    ordering_fields = ["created_at", "next_attempt_at"]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[OutboxMessage]:
        return outbox_message_list().filter(status__in=VISIBLE)

    @extend_schema(
        request=None,
        responses={200: OutboxMessageSerializer, 409: ErrorSerializer},
        description=RETRY_DESCRIPTION,
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        message = outbox_message_retry(message=self.get_object())
        return Response(OutboxMessageSerializer(message).data)


class AccountEmailViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityViewSet):
    """Account emails this authority caused (new members' links), pending or failed."""

    serializer_class = AccountEmailSerializer
    queryset = AccountEmail.objects.none()  # for the schema generator; see get_queryset
    read_roles = ADMINS
    write_roles = ADMINS
    filterset_fields = {"status": ["exact"], "kind": ["exact"]}
    ordering_fields = ["created_at", "next_attempt_at"]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[AccountEmail]:
        authority: Authority = self.request._request.tenant  # type: ignore[attr-defined]
        return account_email_list(authority=authority).filter(status__in=VISIBLE)

    @extend_schema(
        request=None,
        responses={200: AccountEmailSerializer, 409: ErrorSerializer},
        description=RETRY_DESCRIPTION,
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        message = account_email_retry(message=self.get_object())
        return Response(AccountEmailSerializer(message).data)
