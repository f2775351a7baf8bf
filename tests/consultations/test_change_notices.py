"""Invited participants are told once per change, through the outbox, when a consultation
they were invited to moves or is cancelled."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from backend.consultations.models import OutboxMessage, OutboxStatus
from backend.consultations.services import (
    consultation_cancel,
    consultation_reschedule,
    participant_erase,
)
from backend.consultations.services.outbox import outbox_relay
from tests.consultations.factories import make_consultation, make_participant, token_of

LONDON = ZoneInfo("Europe/London")


def _to(mailoutbox, participant, subject_start: str) -> list:
    return [
        m
        for m in mailoutbox
        if m.to == [participant.email] and str(m.subject).startswith(subject_start)
    ]


def _move(consultation, days: int):
    start = consultation.starts_at + timedelta(days=days)
    return consultation_reschedule(
        consultation=consultation, starts_at=start, ends_at=start + timedelta(hours=2)
    )


def test_each_invited_person_is_told_once_of_a_reschedule(in_authority_a, mailoutbox):
    consultation = make_consultation(title="Workshop on school meals data")
    people = [make_participant(consultation) for _ in range(3)]
    moved = _move(consultation, 2)

    outbox_relay()
    outbox_relay()  # a second relay (or a retried task) sends nothing more

    for person in people:
        (email,) = _to(mailoutbox, person, "New date:")
        assert "has moved to a new time" in email.body
        assert moved.starts_at.astimezone(LONDON).strftime("%A %-d %B %Y, %H:%M") in email.body
        assert token_of(person) in email.body  # their own personal link, nobody else's


def test_two_reschedules_are_two_notices_and_repeating_one_is_none(in_authority_a, mailoutbox):
    consultation = make_consultation()
    person = make_participant(consultation)
    consultation = _move(consultation, 1)
    outbox_relay()
    # The same times again is not a change: no new sequence, no email.
    consultation_reschedule(
        consultation=consultation, starts_at=consultation.starts_at, ends_at=consultation.ends_at
    )
    outbox_relay()
    assert len(_to(mailoutbox, person, "New date:")) == 1
    _move(consultation, 1)
    outbox_relay()
    assert len(_to(mailoutbox, person, "New date:")) == 2
    keys = set(
        OutboxMessage.objects.filter(participant=person, kind="rescheduled").values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys == {
        f"{consultation.pk}:p{person.pk}:rescheduled:s1",
        f"{consultation.pk}:p{person.pk}:rescheduled:s2",
    }


def test_a_cancellation_is_told_once_with_the_reason(in_authority_a, mailoutbox):
    consultation = make_consultation()
    person = make_participant(consultation)
    consultation_cancel(consultation=consultation, reason="The venue flooded.")
    outbox_relay()
    outbox_relay()
    (email,) = _to(mailoutbox, person, "Cancelled:")
    assert "has been cancelled" in email.body and "The venue flooded." in email.body


def test_erased_participants_are_not_written_to(in_authority_a, mailoutbox):
    consultation = make_consultation()
    kept = make_participant(consultation)
    erased = make_participant(consultation)
    erased_email = erased.email
    participant_erase(participant=erased)
    _move(consultation, 3)
    consultation_cancel(consultation=consultation)
    outbox_relay()
    assert not [m for m in mailoutbox if m.to == [erased_email]]
    assert not OutboxMessage.objects.filter(
        participant=erased, kind__in=["rescheduled", "cancelled"]
    ).exists()
    assert _to(mailoutbox, kept, "Cancelled:")


def test_a_new_date_notice_overtaken_by_a_cancellation_is_skipped(in_authority_a, mailoutbox):
    consultation = make_consultation()
    person = make_participant(consultation)
    moved = _move(consultation, 2)
    consultation_cancel(consultation=moved)  # before any relay ran
    outbox_relay()
    assert not _to(mailoutbox, person, "New date:")
    assert len(_to(mailoutbox, person, "Cancelled:")) == 1
    notice = OutboxMessage.objects.get(participant=person, kind="rescheduled")
    assert notice.status == OutboxStatus.SKIPPED
