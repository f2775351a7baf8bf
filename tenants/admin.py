from django.contrib import admin

from tenants.models import Authority, Domain, Membership


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin[Authority]):
    list_display = ["name", "schema_name", "kind", "nation", "status", "consents_to_be_named"]
    list_filter = ["status", "kind", "nation"]
    search_fields = ["name", "schema_name", "gss_code"]
    readonly_fields = ["schema_name"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin[Domain]):
    list_display = ["domain", "tenant", "is_primary"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "authority", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "authority__name"]
