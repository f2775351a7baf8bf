from django.contrib import admin
from django.http import HttpRequest

from backend.accounts.models import LoginFailure, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin[LoginFailure]):
    """The failed sign-in audit trail: read-only, for staff investigating attacks."""

    list_display = ["attempted_at", "reason", "user", "client_address", "host"]
    list_filter = ["reason"]
    search_fields = ["user__email", "client_address", "identifier_digest"]
    date_hierarchy = "attempted_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False
