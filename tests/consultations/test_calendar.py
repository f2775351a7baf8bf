"""iCalendar output: stable UID, SEQUENCE bumps, cancelled events marked."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from backend.consultations.calendar import calendar_render
from backend.consultations.services import consultation_cancel, consultation_reschedule
from tests.consultations.factories import make_consultation, make_participant


def _event(consultation):
    calendar = Calendar.from_ical(
        calendar_render(consultations=[consultation], schema_name="alpha", name="test")
    )
    (event,) = calendar.walk("VEVENT")
    return event


def test_reschedule_keeps_the_uid_and_increments_the_sequence(in_authority_a):
    consultation = make_consultation()
    before = _event(consultation)
    new_start = consultation.starts_at + timedelta(days=2)
    moved = consultation_reschedule(
        consultation=consultation, starts_at=new_start, ends_at=new_start + timedelta(hours=1)
    )
    after = _event(moved)
    assert after["UID"] == before["UID"]
    assert (int(before["SEQUENCE"]), int(after["SEQUENCE"])) == (0, 1)
    assert after.decoded("DTSTART") == new_start.replace(microsecond=0)


def test_cancelled_consultation_is_published_as_cancelled(in_authority_a):
    consultation = make_consultation()
    cancelled = consultation_cancel(consultation=consultation)
    event = _event(cancelled)
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def test_feed_carries_no_personal_data(in_authority_a):
    consultation = make_consultation()
    make_participant(consultation, "private@example.org", full_name="Private Person")
    body = calendar_render(consultations=[consultation], schema_name="alpha", name="t").decode()
    assert "private@example.org" not in body and "Private Person" not in body
