"""Faster output for read-only serializers of long lists, with the same JSON and schema.

DRF represents a row field by field through generic machinery (a generator of
readable fields, ``get_attribute`` walking ``source_attrs``, a
``to_representation`` call per value): for a page of 50 proposals with their
children that is about 4,000 calls and a third of the request. ``FastRepresentation``
plans once per serializer which fields can be copied as they are (a plain
attribute whose DRF representation is the value itself: text, choices,
integers, booleans, lists of text) and hands every other field to DRF
unchanged, so dates, decimals, method fields and nested serializers format
exactly as before.

``ChildRows`` is the list serializer of a nested child: it reads the rows a
selector attached to the parent (``parent.child_rows[field_name]``, plain dicts
from one ``values()`` query per child table) and falls back to the related
manager when none were attached (a single object, just created or moved).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any, cast

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.settings import api_settings

# Field classes whose to_representation returns a model value of the right type unchanged.
_AS_IS = (
    drf_fields.CharField,
    drf_fields.ChoiceField,
    drf_fields.IntegerField,
    drf_fields.BooleanField,
    drf_fields.JSONField,
)
_EXCLUDED = (drf_fields.SerializerMethodField, drf_fields.ReadOnlyField, serializers.BaseSerializer)


def _copies_as_is(field: drf_fields.Field) -> bool:
    if isinstance(field, _EXCLUDED) or len(field.source_attrs) != 1:
        return False
    if isinstance(field, drf_fields.ListField):
        return isinstance(field.child, drf_fields.CharField | drf_fields.ChoiceField)
    if isinstance(field, drf_fields.JSONField):
        return not field.binary
    return isinstance(field, _AS_IS) and not isinstance(
        field, drf_fields.DecimalField | drf_fields.FloatField
    )


# Field classes whose representation depends on the value and the field's own settings only
# (never on the request or the serializer), so one bound field can serve every request.
_SHAREABLE = (
    drf_fields.DateTimeField,
    drf_fields.DateField,
    drf_fields.TimeField,
    drf_fields.DecimalField,
    drf_fields.FloatField,
    drf_fields.UUIDField,
)
# A plan entry: (output name, attribute read directly, field, special), where special is
# None (the attribute is copied as is, or without an attribute DRF's field does it all),
# the name of a method field's method, or _LOCAL_ISO.
PlanEntry = tuple[str, str | None, drf_fields.Field, str | None]
# A date-time written as DRF's default DateTimeField writes it: ISO 8601 in the current
# time zone, "Z" for UTC. Not an identifier, so never a method's name.
_LOCAL_ISO = "<local iso 8601>"
# Serializer class -> its plan built once, or None when its fields cannot be shared.
_shared_plans: dict[type, list[PlanEntry] | None] = {}
_PLAIN_HOOKS = ("__init__", "get_fields", "to_representation", "_readable_fields")


def _is_default_datetime(field: drf_fields.Field) -> bool:
    return (
        type(field) is drf_fields.DateTimeField
        and settings.USE_TZ
        and len(field.source_attrs) == 1
        and not hasattr(field, "timezone")
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    )


def _local_iso(value: Any, field: drf_fields.Field, zone: tzinfo) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime) and value.utcoffset() is not None:
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return field.to_representation(value)  # DRF's own error
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return field.to_representation(value)  # naive, or not a date-time: DRF decides


def _shared_entry(field: drf_fields.Field) -> PlanEntry | None:
    """How a field of a shared plan is represented, or None when it cannot be shared."""
    name = cast(str, field.field_name)  # set on every bound field
    if _copies_as_is(field):
        return (name, field.source_attrs[0], field, None)
    if isinstance(field, drf_fields.SerializerMethodField):
        # Called on the serializer at hand, with its own context, exactly as DRF does.
        return (name, None, field, field.method_name)
    if _is_default_datetime(field):
        return (name, field.source_attrs[0], field, _LOCAL_ISO)
    if isinstance(field, _SHAREABLE):
        return (name, None, field, None)
    nested = field.child if isinstance(field, serializers.ListSerializer) else field
    if isinstance(field, serializers.ListSerializer) and type(field) not in (
        ChildRows,
        serializers.ListSerializer,
    ):
        return None
    if isinstance(nested, FastRepresentation):
        plan = type(nested)._shared_plan()
        # A nested method field would run on the shared copy, away from this request's context.
        if plan is not None and all(method is None for *_, method in plan):
            return (name, None, field, None)
    return None


# Mixed in before ModelSerializer on output-only serializers. No docstring: the schema
# generator would give it to every serializer that has none of its own.
class FastRepresentation(serializers.Serializer):
    @classmethod
    def _shared_plan(cls) -> list[PlanEntry] | None:
        """The plan of every instance of this class, built once from a first instance.

        DRF builds a serializer's fields on each instance (copying the declared
        ones, deriving the model's), for every request. A class whose fields
        depend on nothing but the class (no hook overridden; every field copied as
        is, formatted from its own settings, a method field, or a nested
        serializer that qualifies in turn) shares one set of bound fields instead.
        """
        if cls in _shared_plans:
            return _shared_plans[cls]
        plan: list[PlanEntry] | None = None
        plain = (
            all(
                getattr(cls, hook) is getattr(serializers.ModelSerializer, hook)
                for hook in _PLAIN_HOOKS
                if hook != "to_representation"
            )
            and cls.to_representation is FastRepresentation.to_representation
        )
        if plain:
            entries = [_shared_entry(field) for field in cls()._readable_fields]
            if all(entry is not None for entry in entries):
                plan = [entry for entry in entries if entry is not None]
        _shared_plans[cls] = plan
        return plan

    def _representation_plan(self) -> list[PlanEntry]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            # Fields already built on this instance may have been changed on it: use them.
            plan = None if "fields" in self.__dict__ else type(self)._shared_plan()
            if plan is None:
                plan = [
                    (f.field_name, f.source_attrs[0] if _copies_as_is(f) else None, f, None)
                    for f in self._readable_fields
                ]
            self.__dict__["_plan"] = plan
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        row: dict[str, Any] = {}
        is_mapping = isinstance(instance, Mapping)
        zone: tzinfo | None = None
        for name, attribute, field, special in self._representation_plan():
            if special is _LOCAL_ISO:
                zone = zone or timezone.get_current_timezone()
                source = cast(str, attribute)  # set on every date-time entry
                value = instance[source] if is_mapping else getattr(instance, source)
                row[name] = _local_iso(value, field, zone)
                continue
            if special is not None:
                row[name] = getattr(self, special)(instance)
                continue
            if attribute is not None:
                row[name] = instance[attribute] if is_mapping else getattr(instance, attribute)
                continue
            try:
                value = field.get_attribute(instance)
            except SkipField:
                continue
            row[name] = None if value is None else field.to_representation(value)
        return row


class ChildRows(serializers.ListSerializer):
    def get_attribute(self, instance: Any) -> Any:
        attached = getattr(instance, "child_rows", None)
        if attached is not None and self.field_name in attached:
            return attached[self.field_name]
        return super().get_attribute(instance)

    def to_representation(self, data: Any) -> list[Any]:
        if hasattr(data, "all"):
            data = data.all()
        return [self.child.to_representation(item) for item in data]  # type: ignore[union-attr]
