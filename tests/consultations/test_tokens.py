"""Derived tokens: a salt per purpose, SECRET_KEY rotation through SECRET_KEY_FALLBACKS,
and invitations issued under the earlier scheme keep working."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from django.conf import settings as django_settings

from backend.consultations import selectors
from backend.consultations.models import Participant
from backend.consultations.services.outbox import outbox_relay
from backend.consultations.tokens import (
    OPEN_LINK,
    PARTICIPANT,
    derive_token,
    participant_token,
    token_digest,
    token_verifies,
)
from tests.consultations.factories import make_consultation, make_participant, token_of

OLD_KEY = "the-key-before-rotation-0123456789abcdefghijklmnopqrstuvwxyz"
NEW_KEY = "the-key-after-rotation-abcdefghijklmnopqrstuvwxyz0123456789"


def _raw_hmac(key: str, message: str) -> str:
    mac = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def test_each_purpose_has_its_own_salt_so_a_token_only_works_for_its_purpose():
    salt = "the-same-random-salt"
    invitation = derive_token(PARTICIPANT, salt)
    assert invitation != derive_token(OPEN_LINK, salt)
    assert token_verifies(PARTICIPANT, salt, invitation)
    assert not token_verifies(OPEN_LINK, salt, invitation)
    # Not the raw HMAC of the key that the earlier scheme used.
    assert invitation != _raw_hmac(django_settings.SECRET_KEY, f"participant:{salt}")


def test_an_invitation_survives_key_rotation_while_the_old_key_is_a_fallback(
    in_authority_a, settings
):
    settings.SECRET_KEY = OLD_KEY
    participant = make_participant(make_consultation())
    token = token_of(participant)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert selectors.participant_by_token(token=token) == participant

    settings.SECRET_KEY_FALLBACKS = []  # the old key retired
    assert selectors.participant_by_token(token=token) is None


def test_after_the_old_key_retires_the_next_email_carries_a_new_working_link(
    in_authority_a, settings, mailoutbox
):
    settings.SECRET_KEY = OLD_KEY
    participant = make_participant(make_consultation())
    old = token_of(participant)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []

    outbox_relay()  # the invitation, rendered after the rotation

    (email,) = [m for m in mailoutbox if m.to == [participant.email]]
    assert old not in email.body
    participant.refresh_from_db()
    new = participant_token(participant.token_salt)
    assert new in email.body
    assert selectors.participant_by_token(token=new) == participant


def test_while_the_old_key_is_a_fallback_emails_repeat_the_link_people_already_have(
    in_authority_a, settings, mailoutbox
):
    settings.SECRET_KEY = OLD_KEY
    participant = make_participant(make_consultation())
    old = token_of(participant)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]

    outbox_relay()

    (email,) = [m for m in mailoutbox if m.to == [participant.email]]
    assert old in email.body


def test_an_invitation_issued_before_per_purpose_salts_still_works(in_authority_a):
    """Rows written by the earlier code hold sha256(HMAC(key, "participant:salt"))."""
    participant = make_participant(make_consultation())
    legacy = _raw_hmac(django_settings.SECRET_KEY, f"participant:{participant.token_salt}")
    Participant.objects.filter(pk=participant.pk).update(token_digest=token_digest(legacy))

    assert selectors.participant_by_token(token=legacy) == participant


@pytest.mark.parametrize("forged", ["", "x" * 101, "not-a-token"])
def test_malformed_tokens_find_nobody(in_authority_a, forged):
    make_participant(make_consultation())
    assert selectors.participant_by_token(token=forged) is None


def test_lookup_by_token_loads_what_select_related_loads(in_authority_a):
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consultation = make_consultation(description="Two evenings.", budget=Decimal("1250.50"))
    participant = make_participant(consultation, "loaded@example.org", age_band="45_54")
    found = selectors.participant_by_token(token=token_of(participant))
    expected = Participant.objects.select_related("consultation", "consultation__method").get(
        pk=participant.pk
    )
    assert found is not None
    for mine, theirs in [
        (found, expected),
        (found.consultation, expected.consultation),
        (found.consultation.method, expected.consultation.method),
    ]:
        fields = type(theirs)._meta.concrete_fields
        assert [(f.attname, getattr(mine, f.attname)) for f in fields] == [
            (f.attname, getattr(theirs, f.attname)) for f in fields
        ]
        assert not mine._state.adding
    with CaptureQueriesContext(connection) as queries:
        assert found.consultation.method.key == expected.consultation.method.key
    assert queries.captured_queries == []
