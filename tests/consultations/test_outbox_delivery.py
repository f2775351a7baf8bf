"""The consultation outbox gives up properly: counted attempts, exponential backoff kept in
the database, a failed state with its reason, no retry of an address that can never work.

The real relay runs against failing email backends (tests/mail_backends.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from backend.consultations.models import OutboxMessage, OutboxStatus, Participant
from backend.consultations.services.outbox import outbox_relay
from backend.core.delivery import backoff_delay
from tests import mail_backends
from tests.consultations.factories import make_consultation, make_participant


@pytest.fixture(autouse=True)
def _fresh_attempts():
    mail_backends.reset()
    yield
    mail_backends.reset()


@pytest.fixture
def down(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.DownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600


def _invitation(participant: Participant) -> OutboxMessage:
    return OutboxMessage.objects.get(participant=participant, kind="invitation")


def _make_due(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_backoff_doubles_and_is_capped(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 300
    delays = [backoff_delay(n).total_seconds() for n in range(1, 6)]
    assert delays == [60, 120, 240, 300, 300]


def test_a_failed_attempt_is_counted_and_waits_in_the_database(in_authority_a, down, caplog):
    participant = make_participant(make_consultation())
    before = timezone.now()

    with caplog.at_level(logging.DEBUG):
        assert outbox_relay() == 0

    assert "SMTPServerDisconnected" in caplog.text
    assert participant.email not in caplog.text  # the server's message names the address

    message = _invitation(participant)
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.next_attempt_at >= before + timedelta(seconds=60)
    assert "SMTPServerDisconnected" in message.last_error
    assert participant.email not in message.last_error  # masked
    assert [participant.email] == mail_backends.ATTEMPTS


def test_the_sweep_only_picks_due_messages(in_authority_a, down):
    participant = make_participant(make_consultation())
    outbox_relay()
    outbox_relay()  # before the backoff has passed: not tried again
    assert len(mail_backends.ATTEMPTS) == 1 and _invitation(participant).attempts == 1

    _make_due(_invitation(participant))
    outbox_relay()
    message = _invitation(participant)
    assert message.attempts == 2 and len(mail_backends.ATTEMPTS) == 2
    # The second wait is twice the first.
    assert message.next_attempt_at - timezone.now() > timedelta(seconds=100)


def test_after_the_last_attempt_the_message_fails_with_its_reason(in_authority_a, down):
    participant = make_participant(make_consultation())
    for _ in range(3):
        _make_due(_invitation(participant))
        outbox_relay()
    message = _invitation(participant)
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert message.failed_at is not None
    assert message.last_error.startswith("Gave up after 3 attempts.")

    _make_due(message)
    outbox_relay()
    assert len(mail_backends.ATTEMPTS) == 3  # never again by itself


def test_an_address_the_server_refuses_is_not_retried(in_authority_a, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    participant = make_participant(make_consultation())

    outbox_relay()
    _make_due(_invitation(participant))
    outbox_relay()

    message = _invitation(participant)
    assert message.status == OutboxStatus.FAILED and message.attempts == 1
    assert "refused the recipient (SMTP 550)" in message.last_error
    assert [participant.email] == mail_backends.ATTEMPTS


def test_an_address_with_invalid_syntax_is_failed_without_sending(in_authority_a, mailoutbox):
    participant = make_participant(make_consultation())
    # As an import from an older system could have stored it.
    Participant.objects.filter(pk=participant.pk).update(email="no-at-sign.example.org")

    outbox_relay()

    message = _invitation(participant)
    assert message.status == OutboxStatus.FAILED and message.attempts == 1
    assert "not a valid email address" in message.last_error
    assert not [m for m in mailoutbox if m.to == ["no-at-sign.example.org"]]


def test_when_the_server_comes_back_the_waiting_message_is_sent_once(
    in_authority_a, down, settings, mailoutbox
):
    participant = make_participant(make_consultation())
    outbox_relay()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _make_due(_invitation(participant))

    assert outbox_relay() == 1
    assert outbox_relay() == 0
    assert [m.to for m in mailoutbox] == [[participant.email]]
    message = _invitation(participant)
    assert message.status == OutboxStatus.SENT and message.attempts == 2
