"""The consultation tasks themselves, run in-process with the schema header they travel with."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.consultations.models import ConsultationResult, ConsultationStatus
from backend.consultations.tasks import sweep_authority
from tenants.context import authority_context
from tests.consultations.factories import make_consultation, make_participant, make_proposal
from workers.tenancy import SCHEMA_HEADER, MissingAuthority


def test_running_the_closing_sweep_task_twice_gives_one_result_and_one_email_each(
    authority_a, make_member, mailoutbox
):
    owner = make_member(authority_a, "officer").user
    with authority_context(authority_a):
        now = timezone.now()
        consultation = make_consultation(
            proposal=make_proposal(owner=owner),
            starts_at=now - timedelta(hours=2),
            ends_at=now - timedelta(seconds=1),
        )
        participants = [make_participant(consultation) for _ in range(3)]

    first = sweep_authority.apply(headers={SCHEMA_HEADER: "alpha"}, throw=True).get()
    second = sweep_authority.apply(headers={SCHEMA_HEADER: "alpha"}, throw=True).get()

    assert first["closed"] == [consultation.pk] and second["closed"] == []
    assert second["sent"] == 0
    with authority_context(authority_a):
        consultation.refresh_from_db()
        assert consultation.status == ConsultationStatus.CLOSED
        assert ConsultationResult.objects.filter(consultation=consultation).count() == 1
    recipients = sorted(message.to[0] for message in mailoutbox)
    assert recipients == sorted([*(p.email for p in participants), owner.email])


def test_the_sweep_task_refuses_a_message_without_an_authority(db):
    with pytest.raises(MissingAuthority):
        sweep_authority.apply(throw=True).get()


def test_a_sweep_for_alpha_leaves_beta_untouched(authority_a, authority_b):
    due = timezone.now() - timedelta(minutes=1)
    with authority_context(authority_b):
        in_beta = make_consultation(starts_at=due, ends_at=due + timedelta(hours=1))
    report = sweep_authority.apply(headers={SCHEMA_HEADER: "alpha"}, throw=True).get()
    assert in_beta.pk not in report["opened"]
    with authority_context(authority_b):
        in_beta.refresh_from_db()
        assert in_beta.status == ConsultationStatus.SCHEDULED
