"""Filters shared by the list endpoints of every surface."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django_filters import FilterSet
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend


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


# FilterSet methods whose override could filter with no parameter given.
_FILTERSET_HOOKS = ("__init__", "qs", "form", "filter_queryset", "get_form_class")
# filter set class -> whether it is a no-op without parameters (declared classes only).
_no_op_when_absent: dict[type[FilterSet], bool] = {}


def _is_no_op_when_absent(filterset_class: type[FilterSet]) -> bool:
    """Whether this filter set, given none of its parameters, returns the queryset unchanged.

    Asked of the filter set itself: its form, bound to no data, must be valid
    with every value empty (django-filter applies no filter to an empty value),
    and no filter may replace django-filter's own ``filter`` (a ``method=`` is
    fine: django-filter skips it on an empty value too), nor the filter set a
    hook that could filter regardless.
    """
    hooks_plain = all(
        getattr(filterset_class, hook) is getattr(FilterSet, hook) for hook in _FILTERSET_HOOKS
    )
    filters_plain = all(
        type(f).filter.__module__.startswith("django_filters.")
        for f in filterset_class.base_filters.values()
    )
    if not (hooks_plain and filters_plain):
        return False
    empty = filterset_class(data=QueryDict())
    return empty.is_valid() and all(
        value in EMPTY_VALUES for value in empty.form.cleaned_data.values()
    )


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds no filter set when the request names no filter.

    Building one means a form with a field per filter, cleaned and validated, on
    every list request; with no filter parameter every value is empty and
    django-filter applies none. A parameter that starts like any filter's name
    (``status``, ``created_from``, a range's ``_min``) takes the full path, with
    its validation and 400s.
    """

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class: type[FilterSet] | None = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        given = request.query_params
        if any(key.startswith(name) for key in given for name in filterset_class.base_filters):
            return super().filter_queryset(request, queryset, view)
        declared: type[FilterSet] = filterset_class
        if declared is not getattr(view, "filterset_class", None):
            # Built per request from ``filterset_fields``: not worth a cache entry.
            return super().filter_queryset(request, queryset, view)
        no_op = _no_op_when_absent.get(declared)
        if no_op is None:
            no_op = _no_op_when_absent[declared] = _is_no_op_when_absent(declared)
        return queryset if no_op else super().filter_queryset(request, queryset, view)
