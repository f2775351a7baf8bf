"""Strict serializer fields for endpoints the public calls without an account.

DRF's defaults are lenient ("3" and 3.0 pass as integers, numbers pass as
text, naive times are silently read as local time). These refuse instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict


class StrictIntegerField(serializers.IntegerField):
    """Accepts a JSON integer only (not a string, float or boolean)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """Accepts a JSON string only."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry its UTC offset; rendered in UTC ("Z")."""

    default_error_messages = {
        "naive": "Give the time with a UTC offset, e.g. 2026-03-01T18:00:00Z or +00:00."
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                # Well formed but impossible (minute 99, offset +05:60): DRF's own
                # parsing below reports it as an invalid date-time.
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


class SharedInputFieldsMixin:
    """An input serializer whose fields are built once per class and shared by every instance.

    DRF deep-copies and binds every declared field each time a serializer is made,
    which on the public answer endpoint cost as much as recording the answer. For a
    serializer that only validates plain fields that is wasted work: validating reads a
    field's settings and keeps no state on it. The shared fields are bound to a
    template instance made without data or context, so nothing of one request is
    reachable from the next. Not for serializers whose fields read ``context``,
    ``instance`` or ``partial`` (nested, related or model serializers).
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._shared_fields = None  # type: ignore[attr-defined]

    @property
    def fields(self) -> BindingDict:
        cls = type(self)
        shared: BindingDict | None = cls.__dict__.get("_shared_fields")
        if shared is None:
            template = cls()
            shared = BindingDict(template)  # type: ignore[arg-type]
            for name, field in template.get_fields().items():  # type: ignore[attr-defined]
                shared[name] = field
            cls._shared_fields = shared  # type: ignore[attr-defined]
        return shared


class KeyRelatedField(serializers.SlugRelatedField[Any]):
    """A SlugRelatedField that refuses NUL characters before querying.

    PostgreSQL cannot compare text containing NUL (0x00) and raises a DataError,
    so without this a key holding a NUL character is a 500 instead of a 400.
    """

    default_error_messages = {"null_characters": "Null characters are not allowed."}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


class RejectUnknownFieldsMixin:
    """A 400 naming every field the serializer does not know, instead of ignoring it."""

    initial_data: Any
    fields: Any

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field is not accepted."] for name in unknown}
                )
        return attrs
