"""Authority admins see pending and failed emails (masked, no token, no body) and retry them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.consultations.models import OutboxMessage, OutboxStatus
from backend.consultations.services.outbox import outbox_queue_for_user, outbox_relay
from backend.consultations.tokens import participant_token
from tenants.context import authority_context
from tenants.roles import Role
from tests import mail_backends
from tests.consultations.factories import make_consultation, make_participant


@pytest.fixture
def refused_invitation(authority_a, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    with authority_context(authority_a):
        participant = make_participant(make_consultation(), "jane.doe@example.org")
        outbox_relay()
    mail_backends.reset()
    return participant


def test_an_admin_sees_a_failed_message_masked_and_without_its_link(
    authority_a, make_member, refused_invitation
):
    admin = make_member(authority_a, Role.ADMIN).client(authority_a)
    response = admin.get("/api/v1/outbox/messages", {"status": "failed"})
    assert response.status_code == 200
    (row,) = [r for r in response.json()["results"] if r["kind"] == "invitation"]
    assert row["recipient"] == "j***@e***.org"
    assert row["status"] == "failed" and row["attempts"] == 1
    assert "refused the recipient" in row["last_error"]
    body = response.content.decode()
    assert "jane.doe@example.org" not in body
    assert participant_token(refused_invitation.token_salt) not in body


def test_an_admin_retries_a_failed_message_and_it_goes_out(
    authority_a, make_member, refused_invitation, settings, mailoutbox
):
    admin = make_member(authority_a, Role.ADMIN).client(authority_a)
    with authority_context(authority_a):
        message = OutboxMessage.objects.get(participant=refused_invitation, kind="invitation")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    response = admin.post(f"/api/v1/outbox/messages/{message.pk}/retry")

    assert response.status_code == 200
    assert response.json()["status"] == "pending" and response.json()["attempts"] == 0
    with authority_context(authority_a):
        outbox_relay()
        message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.to for m in mailoutbox if m.to == ["jane.doe@example.org"]] == [
        ["jane.doe@example.org"]
    ]
    again = admin.post(f"/api/v1/outbox/messages/{message.pk}/retry")
    assert again.status_code == 404  # a sent message is no longer listed


def test_retrying_a_sent_message_is_a_conflict_listing_the_allowed_moves(in_authority_a):
    from backend.consultations.services.outbox import outbox_message_retry
    from backend.core.errors import InvalidTransition

    participant = make_participant(make_consultation())
    message = OutboxMessage.objects.get(participant=participant)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.SENT)
    message.refresh_from_db()
    with pytest.raises(InvalidTransition) as error:
        outbox_message_retry(message=message)
    assert error.value.allowed == []


@pytest.mark.parametrize("role", [Role.OFFICER, Role.FACILITATOR, Role.VIEWER])
def test_only_admins_see_the_outbox(authority_a, make_member, role, refused_invitation):
    client = make_member(authority_a, role).client(authority_a)
    assert client.get("/api/v1/outbox/messages").status_code == 403
    with authority_context(authority_a):
        message = OutboxMessage.objects.get(participant=refused_invitation)
    assert client.post(f"/api/v1/outbox/messages/{message.pk}/retry").status_code == 403


def _count_queries(client, url):
    client.get(url)  # warm the host and token caches, which are not per-row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def _queue(authority, make_member, rows: int) -> None:
    with authority_context(authority):
        consultation = make_consultation()
        for _ in range(rows):
            make_participant(consultation)
        owner = make_member(authority, Role.OFFICER).user
        outbox_queue_for_user(consultation=consultation, user_id=owner.pk, kind="owner_results")


def test_the_outbox_list_costs_the_same_queries_at_5_and_50_rows(authority_a, make_member):
    client = make_member(authority_a, Role.ADMIN).client(authority_a)
    url = "/api/v1/outbox/messages?page_size=100"
    _queue(authority_a, make_member, 4)
    five, count = _count_queries(client, url)
    assert count == 5
    _queue(authority_a, make_member, 44)
    fifty, count = _count_queries(client, url)
    assert count == 50 and fifty == five
