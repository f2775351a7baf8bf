"""Authority host: the authority's own profile and its members."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import AuthorityAPIView, AuthorityViewSet
from api.errors import ErrorSerializer
from api.programme.authorities import AuthoritySerializer
from tenants.models import Authority, Membership
from tenants.roles import ADMINS, AUTHORITY_ROLE_CHOICES
from tenants.selectors import membership_list
from tenants.services import membership_add, membership_change_role, membership_remove


class MemberSerializer(serializers.ModelSerializer[Membership]):
    id = serializers.IntegerField(
        read_only=True, help_text="The membership id: use it in /api/v1/members/{id}."
    )
    user_id = serializers.IntegerField(
        read_only=True,
        help_text="The person's user id: what every field that takes a user (a proposal's "
        "owner, a consultation's facilitator, filters such as ?owner=) expects.",
    )
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user_id", "email", "full_name", "role", "created_at"]
        read_only_fields = fields


class MemberCreateSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    role = serializers.ChoiceField(choices=AUTHORITY_ROLE_CHOICES)


class MemberCreatedSerializer(MemberSerializer):
    set_password_email_queued = serializers.BooleanField(
        read_only=True,
        help_text="True when this call created the person's account: they get an email with a "
        "single-use link to choose their password (no password is ever returned).",
    )

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "set_password_email_queued"]
        read_only_fields = fields


class MemberRoleSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=AUTHORITY_ROLE_CHOICES)


class CurrentAuthorityView(AuthorityAPIView):
    """The authority this host serves."""

    @extend_schema(responses={200: AuthoritySerializer}, tags=["authority"])
    def get(self, request: Request) -> Response:
        authority: Authority = request._request.tenant  # type: ignore[attr-defined]
        return Response(AuthoritySerializer(authority).data)


@extend_schema_view(
    destroy=extend_schema(responses={204: None, 409: ErrorSerializer}),
)
class MemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, AuthorityViewSet
):
    """People who may use this authority's API, and their roles. Admins manage them."""

    serializer_class = MemberSerializer
    queryset = Membership.objects.none()  # for the schema generator; see get_queryset
    write_roles = ADMINS
    ordering_fields = ["created_at", "role"]
    ordering = ["created_at"]
    filterset_fields = ["role"]

    def get_queryset(self) -> QuerySet[Membership]:
        return membership_list(authority=self.request._request.tenant)  # type: ignore[attr-defined]

    @extend_schema(
        request=MemberCreateSerializer,
        responses={201: MemberCreatedSerializer, 409: ErrorSerializer},
    )
    def create(self, request: Request) -> Response:
        data = MemberCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = membership_add(authority=request._request.tenant, **data.validated_data)  # type: ignore[attr-defined]
        body = {
            **MemberSerializer(added.membership).data,
            "set_password_email_queued": added.invited,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MemberRoleSerializer, responses={200: MemberSerializer, 409: ErrorSerializer}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_change_role(
            membership=self.get_object(), role=data.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    def perform_destroy(self, instance: Membership) -> None:
        membership_remove(membership=instance)
