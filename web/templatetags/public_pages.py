"""Template filters for the public pages: code labels, GOV.UK-style dates and shares."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from web.labels import label_for

register = template.Library()


@register.filter
def label(code: Any, vocabulary: str) -> Any:
    return label_for(vocabulary, code)


@register.filter
def govuk_date(value: date | datetime | str | None) -> str:
    """'4 December 2026' (GOV.UK style), in UK time for moments."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return date_format(value, "j F Y")


def _time(moment: datetime) -> str:
    if moment.hour == 12 and moment.minute == 0:
        return _("midday")
    if moment.hour == 0 and moment.minute == 0:
        return _("midnight")
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@register.filter
def govuk_datetime(value: datetime | None) -> str:
    """'5pm on 4 December 2026' in UK time (GOV.UK style)."""
    if not value:
        return ""
    moment = timezone.localtime(value)
    return _("%(time)s on %(date)s") % {"time": _time(moment), "date": govuk_date(moment)}


@register.filter
def percent(share: float | None) -> str:
    """A share (0-1) as a whole percentage; blank when withheld (None)."""
    if share is None:
        return ""
    return f"{round(float(share) * 100)}%"


@register.filter
def item(mapping: dict[str, Any] | None, key: str) -> Any:
    """mapping[key], or None when the key (or the mapping) is absent."""
    return (mapping or {}).get(key)
