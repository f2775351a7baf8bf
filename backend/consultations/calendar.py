"""iCalendar feeds: no personal data, stable UIDs, SEQUENCE bumped on every change of time.

Calendar apps match events by UID and take the one with the highest
SEQUENCE, so a reschedule moves the event and a cancel (STATUS:CANCELLED)
removes it for subscribers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from backend.consultations.models import Consultation, ConsultationStatus


def _uid(consultation: Consultation, schema_name: str) -> str:
    return f"consultation-{consultation.pk}@{schema_name}.{settings.BASE_DOMAIN}"


def calendar_render(*, consultations: Iterable[Consultation], schema_name: str, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Data sharing for public benefit//Consultations//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    stamp: datetime = timezone.now()
    for consultation in consultations:
        event = Event()
        event.add("uid", _uid(consultation, schema_name))
        event.add("dtstamp", stamp)
        event.add("dtstart", consultation.starts_at)
        event.add("dtend", consultation.ends_at)
        event.add("summary", consultation.title)
        description = consultation.description
        if consultation.online_url:
            description = f"{description}\n\nOnline: {consultation.online_url}".strip()
        if description:
            event.add("description", description)
        if consultation.location:
            event.add("location", consultation.location)
        if consultation.online_url:
            event.add("url", consultation.online_url)
        event.add("categories", [consultation.method.name])
        event.add("sequence", consultation.sequence)
        event.add("last-modified", consultation.updated_at)
        cancelled = consultation.status == ConsultationStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
