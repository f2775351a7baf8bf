"""The consultation lifecycle: transitions, the sweep, results and the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.consultations.models import (
    ConsultationResult,
    ConsultationStatus,
    OutboxKind,
    OutboxMessage,
)
from backend.consultations.services import (
    consultation_cancel,
    consultation_close,
    consultation_open,
    consultation_publish_results,
    consultation_reschedule,
    consultations_sweep,
    outbox_relay,
)
from backend.core.errors import Conflict, InvalidTransition
from tests.consultations.factories import (
    make_consultation,
    make_participant,
    make_proposal,
    respond,
)

S = ConsultationStatus


def _running(make_member, authority, **details):
    """An open consultation due to end in an hour, with an owner who is a real user."""
    owner = make_member(authority, "officer").user
    now = timezone.now()
    consultation = make_consultation(
        proposal=make_proposal(owner=owner),
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        **details,
    )
    consultations_sweep(now=now)
    consultation.refresh_from_db()
    return consultation


def test_sweep_opens_a_due_consultation(in_authority_a):
    now = timezone.now()
    due = make_consultation(starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=1))
    later = make_consultation(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    report = consultations_sweep(now=now)
    due.refresh_from_db()
    later.refresh_from_db()
    assert report.opened == [due.pk]
    assert (due.status, later.status) == (S.OPEN, S.SCHEDULED)


def test_consultation_due_while_no_worker_ran_opens_and_closes_on_the_next_sweep(in_authority_a):
    now = timezone.now()
    missed = make_consultation(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1))
    consultations_sweep(now=now)
    missed.refresh_from_db()
    assert missed.status == S.CLOSED
    assert ConsultationResult.objects.filter(consultation=missed).exists()


def test_reminder_goes_once_to_those_who_have_not_responded(
    in_authority_a, make_member, mailoutbox
):
    consultation = _running(make_member, in_authority_a, reminder_lead_minutes=30)
    quiet = make_participant(consultation, "quiet@example.org")
    answered = make_participant(consultation, "answered@example.org")
    respond(answered)
    outbox_relay()
    mailoutbox.clear()

    before_reminder = consultation.ends_at - timedelta(minutes=31)
    reminder_due = consultation.ends_at - timedelta(minutes=10)
    assert consultations_sweep(now=before_reminder).reminded == []
    assert consultations_sweep(now=reminder_due).reminded == [consultation.pk]
    assert consultations_sweep(now=reminder_due).reminded == []
    outbox_relay()

    assert [m.to for m in mailoutbox] == [[quiet.email]]
    assert "closes soon" in mailoutbox[0].subject


def test_closing_twice_gives_one_result_and_one_email_per_person(
    in_authority_a, make_member, mailoutbox
):
    consultation = _running(make_member, in_authority_a, reminder_lead_minutes=0)
    for index in range(3):
        respond(make_participant(consultation, f"p{index}@example.org"))
    after_end = consultation.ends_at + timedelta(seconds=1)

    first = consultations_sweep(now=after_end)
    second = consultations_sweep(now=after_end)
    outbox_relay()
    outbox_relay()

    assert first.closed == [consultation.pk] and second.closed == []
    assert ConsultationResult.objects.filter(consultation=consultation).count() == 1
    recipients = [tuple(m.to) for m in mailoutbox]
    assert len(recipients) == len(set(recipients)) == 4  # three invitations, one owner notice
    assert sum("Consultation closed" in m.subject for m in mailoutbox) == 1


def test_manual_close_after_the_sweep_closed_it_is_a_conflict(in_authority_a, make_member):
    consultation = _running(make_member, in_authority_a)
    consultations_sweep(now=consultation.ends_at)
    with pytest.raises(InvalidTransition) as error:
        consultation_close(consultation=consultation)
    assert error.value.allowed == ["results_published"]


def test_publishing_thanks_each_responder_once(in_authority_a, make_member, mailoutbox):
    consultation = _running(make_member, in_authority_a)
    responder = make_participant(consultation, "said-something@example.org")
    make_participant(consultation, "said-nothing@example.org")
    respond(responder)
    consultation_close(consultation=consultation)
    outbox_relay()
    mailoutbox.clear()

    consultation_publish_results(consultation=consultation)
    with pytest.raises(InvalidTransition):
        consultation_publish_results(consultation=consultation)
    outbox_relay()

    assert [m.to for m in mailoutbox] == [[responder.email]]
    assert "Thank you" in mailoutbox[0].subject
    html = mailoutbox[0].alternatives[0][0]
    # A respondent is outside the authority: one response of two invited is withheld, or
    # the figures would tell them what the other person did.
    assert "Responded: too few to report" in mailoutbox[0].body
    assert "<li>Responded: too few to report</li>" in html
    assert "Responded: 1" not in mailoutbox[0].body


def test_relaying_twice_sends_each_message_once(in_authority_a, mailoutbox):
    consultation = make_consultation()
    make_participant(consultation)
    make_participant(consultation)
    assert outbox_relay() == 2
    assert outbox_relay() == 0
    assert len(mailoutbox) == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_invitation_carries_a_working_personal_link_and_a_html_part(in_authority_a, mailoutbox):
    consultation = make_consultation()
    participant = make_participant(consultation, "reader@example.org", full_name="Ada")
    outbox_relay()
    (message,) = mailoutbox
    from tests.consultations.factories import token_of

    assert token_of(participant) in message.body
    assert message.alternatives[0][1] == "text/html"
    assert "Ada" in message.body
    assert OutboxMessage.objects.get().kind == OutboxKind.INVITATION


def test_reschedule_moves_times_and_bumps_the_sequence(in_authority_a):
    consultation = make_consultation()
    starts = consultation.starts_at + timedelta(days=1)
    moved = consultation_reschedule(
        consultation=consultation, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    assert (moved.starts_at, moved.sequence) == (starts, 1)


def test_reschedule_refuses_an_end_before_the_start(in_authority_a):
    consultation = make_consultation()
    with pytest.raises(ValidationError):
        consultation_reschedule(
            consultation=consultation,
            starts_at=consultation.starts_at,
            ends_at=consultation.starts_at - timedelta(hours=1),
        )


def test_an_open_consultation_can_no_longer_be_rescheduled_or_cancelled(in_authority_a):
    consultation = make_consultation()
    consultation_open(consultation=consultation)
    with pytest.raises(Conflict):
        consultation_reschedule(
            consultation=consultation,
            starts_at=consultation.starts_at,
            ends_at=consultation.ends_at + timedelta(hours=1),
        )
    with pytest.raises(InvalidTransition) as error:
        consultation_cancel(consultation=consultation)
    assert error.value.allowed == ["closed"]


def test_a_cancelled_consultation_is_never_opened_by_the_sweep(in_authority_a):
    now = timezone.now()
    consultation = make_consultation(
        starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=1)
    )
    consultation_cancel(consultation=consultation, reason="Venue closed")
    assert consultations_sweep(now=now).opened == []
    consultation.refresh_from_db()
    assert (consultation.status, consultation.sequence) == (S.CANCELLED, 1)


def test_facilitator_must_be_engagement_staff_of_the_authority(
    in_authority_a, authority_b, make_member
):
    viewer = make_member(in_authority_a, "viewer").user
    outsider = make_member(authority_b, "facilitator").user
    facilitator = make_member(in_authority_a, "facilitator").user
    for wrong in (viewer, outsider):
        with pytest.raises(ValidationError) as error:
            make_consultation(facilitator=wrong)
        assert "facilitator" in error.value.message_dict
    assert make_consultation(facilitator=facilitator).facilitator == facilitator


def test_costs_recorded_after_close_update_the_cost_per_participant_but_the_event_is_frozen(
    in_authority_a,
):
    from decimal import Decimal

    from backend.consultations.services import consultation_update

    consultation = make_consultation()
    participants = [make_participant(consultation) for _ in range(2)]
    consultation_open(consultation=consultation)
    for participant in participants:
        respond(participant)
    consultation_close(consultation=consultation)
    updated = consultation_update(
        consultation=consultation, cost_venue=Decimal("250"), staff_hours=Decimal("6.5")
    )
    assert updated.actual_cost == Decimal("250")
    updated.result.refresh_from_db()
    assert updated.result.cost_per_participant == Decimal("125.00")
    with pytest.raises(Conflict):
        consultation_update(consultation=consultation, title="Renamed")


def test_a_message_for_someone_erased_before_the_relay_is_skipped(in_authority_a, mailoutbox):
    from backend.consultations.services import participant_erase

    participant = make_participant(make_consultation(), "changed-mind@example.org")
    participant_erase(participant=participant)
    assert outbox_relay() == 0
    assert mailoutbox == []
    assert OutboxMessage.objects.get().status == "skipped"
