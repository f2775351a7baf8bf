"""Filters shared by the list endpoints of every surface."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, moved to UTC before it reaches the query.

    Python accepts UTC offsets up to ±23:59 but PostgreSQL refuses any beyond
    ±15:59 with a DataError, so a filter value such as ``...T10:00-22:39`` would
    otherwise turn into a 500. In UTC the offset is always zero.
    """

    def to_python(self, value: Any) -> datetime | None:
        parsed: datetime | None = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError as error:  # e.g. 0001-01-01T00:00+05:00 is before year 1 in UTC
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    """IsoDateTimeFilter whose value is compared in UTC; see UTCIsoDateTimeField."""

    field_class = UTCIsoDateTimeField
