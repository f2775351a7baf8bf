from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Authorities and memberships"

    def ready(self) -> None:
        narrow_tenant_delete_callback()


def narrow_tenant_delete_callback() -> None:
    """django-tenants listens to ``post_delete`` of every model, only to act when the
    deleted instance is the tenant model. A listener for all senders keeps Django from
    deleting any model's rows in one statement: every ``QuerySet.delete()`` first
    selects the rows and sends the signal once per row. The same callback, listening to
    the tenant model alone, keeps upstream's behaviour and gives every other model its
    fast delete back."""
    from django.db.models.signals import post_delete
    from django_tenants.signals import tenant_delete_callback
    from django_tenants.utils import get_tenant_model

    post_delete.disconnect(tenant_delete_callback)
    post_delete.connect(tenant_delete_callback, sender=get_tenant_model())
