"""Deliveries: written with the event, signed, retried with backoff, switched off, replayed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from backend.accounts.models import AccountEmail
from backend.decisions.services import decision_publish
from backend.proposals.models import ProposalStatus
from backend.proposals.services import proposal_submit
from backend.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from backend.webhooks.services import (
    webhook_deliveries_claim,
    webhook_delivery_attempt,
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_enable,
)
from backend.webhooks.tasks import deliver_endpoint
from tenants.context import authority_context
from tenants.roles import Role
from tests.proposals.factories import make_decision, make_proposal


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER).user


@pytest.fixture
def admin(authority_a, make_member):
    return make_member(authority_a, Role.ADMIN).user


def _subscribe(receiver, authority, actor, events=("proposal.moved",)) -> WebhookEndpoint:
    return webhook_endpoint_create(
        authority=authority, url=receiver.url, events=events, actor=actor
    )


def _relay(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return [
        webhook_delivery_attempt(delivery_id=pk)
        for pk in webhook_deliveries_claim(endpoint_id=endpoint.pk)
    ]


def _submit_one(authority, officer) -> None:
    with authority_context(authority):
        proposal = make_proposal(authority, officer, status=ProposalStatus.DRAFT)
        proposal_submit(proposal=proposal, actor=officer)


def test_a_service_made_event_reaches_the_receiver_signed(receiver, authority_a, officer, admin):
    endpoint = _subscribe(receiver, authority_a, admin)
    _submit_one(authority_a, officer)

    [delivery] = _relay(endpoint)
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.last_status_code == 204
    [received] = receiver.received
    body = Webhook(endpoint.secret).verify(received.body, received.headers)
    assert body["type"] == "proposal.moved"
    assert body["data"]["authority"] == "alpha"
    assert body["data"]["to_status"] == "in_assessment"
    assert received.headers["webhook-id"] == delivery.message_id
    # Ids and states only: nothing a person could be found by.
    assert set(body["data"]) == {
        "authority",
        "proposal_id",
        "reference",
        "from_status",
        "to_status",
    }


def test_another_authoritys_endpoint_hears_nothing(
    receiver, authority_a, authority_b, officer, make_member
):
    admin_b = make_member(authority_b, Role.ADMIN).user
    endpoint_b = _subscribe(receiver, authority_b, admin_b)
    _submit_one(authority_a, officer)
    assert not WebhookDelivery.objects.filter(endpoint=endpoint_b).exists()
    assert _relay(endpoint_b) == []
    assert receiver.received == []


def test_only_subscribed_events_are_delivered(receiver, authority_a, officer, admin):
    endpoint = _subscribe(receiver, authority_a, admin, events=("decision.published",))
    _submit_one(authority_a, officer)
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_the_programme_hears_published_decisions_from_every_authority(
    receiver, authority_a, officer, make_member
):
    coordinator = make_member(None, Role.COORDINATOR).user
    endpoint = webhook_endpoint_create(
        authority=None, url=receiver.url, events=["decision.published"], actor=coordinator
    )
    with authority_context(authority_a):
        decision = make_decision(authority_a, officer)
        decision_publish(authority=authority_a, decision=decision, actor=officer)
    [delivery] = _relay(endpoint)
    body = Webhook(endpoint.secret).verify(receiver.received[0].body, receiver.received[0].headers)
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert body["data"] == {
        "authority": "alpha",
        "decision_id": decision.pk,
        "proposal_id": decision.proposal_id,
    }


def test_a_failing_receiver_is_retried_with_growing_backoff_then_given_up(
    receiver, authority_a, officer, admin
):
    receiver.replies = [500, 503, 500]
    endpoint = _subscribe(receiver, authority_a, admin)
    _submit_one(authority_a, officer)

    [first] = _relay(endpoint)
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    delay = first.next_attempt_at - first.last_attempt_at
    assert timedelta(seconds=29) < delay < timedelta(seconds=31)
    assert _relay(endpoint) == []  # not due yet

    WebhookDelivery.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
    [second] = _relay(endpoint)
    delay = second.next_attempt_at - second.last_attempt_at
    assert timedelta(seconds=59) < delay < timedelta(seconds=61)

    WebhookDelivery.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
    [third] = _relay(endpoint)
    assert (third.status, third.attempts, third.next_attempt_at) == ("failed", 3, None)
    assert [a.status_code for a in third.log.order_by("id")] == [500, 503, 500]
    assert len(receiver.received) == 3
    # Each attempt carried the same webhook-id, so the receiver can tell repeats.
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1


def test_a_redirect_is_not_followed(receiver, authority_a, officer, admin):
    receiver.replies = [302]
    receiver.redirect_to = "http://169.254.169.254/latest/meta-data"
    endpoint = _subscribe(receiver, authority_a, admin)
    _submit_one(authority_a, officer)
    [delivery] = _relay(endpoint)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code == 302
    assert len(receiver.received) == 1


def test_repeated_failure_switches_the_endpoint_off_until_enabled(
    receiver, authority_a, officer, admin, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 10
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    receiver.replies = [500, 500]
    endpoint = _subscribe(receiver, authority_a, admin)
    _submit_one(authority_a, officer)
    _relay(endpoint)
    WebhookDelivery.objects.filter(endpoint=endpoint).update(next_attempt_at=timezone.now())
    _relay(endpoint)

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "2 failed attempts in a row" in endpoint.disabled_reason
    # Whoever subscribed it is told, once, through the account outbox.
    [notice] = AccountEmail.objects.filter(kind="webhook_disabled")
    assert notice.user_id == admin.pk
    assert notice.context["url"] == endpoint.url
    WebhookDelivery.objects.filter(endpoint=endpoint).update(next_attempt_at=timezone.now())
    assert _relay(endpoint) == []  # switched off: nothing is sent

    webhook_endpoint_enable(endpoint=endpoint)
    [delivery] = _relay(endpoint)
    assert delivery.status == DeliveryStatus.SUCCEEDED
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_a_replay_sends_the_same_message_again(receiver, authority_a, officer, admin):
    endpoint = _subscribe(receiver, authority_a, admin)
    _submit_one(authority_a, officer)
    [delivery] = _relay(endpoint)
    webhook_delivery_replay(delivery=delivery)
    [again] = _relay(endpoint)
    assert again.status == DeliveryStatus.SUCCEEDED
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert json.loads(first.body) == json.loads(second.body)
    # Both verify; the receiver dedupes on webhook-id, as the spec asks of it.
    for received in (first, second):
        Webhook(endpoint.secret).verify(received.body, received.headers)


def test_a_replay_is_sent_when_it_commits_not_at_the_next_sweep(
    receiver, authority_a, officer, admin, monkeypatch, django_capture_on_commit_callbacks
):
    endpoint = _subscribe(receiver, authority_a, admin)
    _submit_one(authority_a, officer)
    [delivery] = _relay(endpoint)
    woken: list[int] = []

    def relay_now(endpoint_id: int) -> None:  # the worker, in this process
        woken.append(endpoint_id)
        deliver_endpoint(endpoint_id)

    monkeypatch.setattr(deliver_endpoint, "delay", relay_now)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        webhook_delivery_replay(delivery=delivery)
    assert woken == []  # nothing leaves before the replay commits
    for callback in callbacks:
        callback()
    assert woken == [endpoint.pk]
    assert len(receiver.received) == 2
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED


def test_re_enabling_wakes_the_relay_only_when_something_waits(
    receiver, authority_a, admin, monkeypatch, django_capture_on_commit_callbacks
):
    woken: list[int] = []
    monkeypatch.setattr(deliver_endpoint, "delay", woken.append)
    endpoint = _subscribe(receiver, authority_a, admin)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_endpoint_enable(endpoint=endpoint)
    assert woken == []  # no delivery waits: no task
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_waiting", event_type="proposal.moved", payload={}
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhook_endpoint_enable(endpoint=endpoint)
    assert woken == [endpoint.pk]


def test_a_replay_succeeds_while_the_broker_is_down(
    receiver, authority_a, officer, admin, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    endpoint = _subscribe(receiver, authority_a, admin)
    _submit_one(authority_a, officer)
    [delivery] = _relay(endpoint)

    def broker_down(endpoint_id: int) -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(deliver_endpoint, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        replayed = webhook_delivery_replay(delivery=delivery)
    # Pending and due now: the sweep sends it when the broker is back.
    assert replayed.status == DeliveryStatus.PENDING
    assert WebhookDelivery.objects.get(pk=delivery.pk).next_attempt_at <= timezone.now()
    assert "the sweep will send" in caplog.text


def test_an_address_that_became_private_is_not_called(
    receiver, authority_a, officer, admin, settings
):
    endpoint = _subscribe(receiver, authority_a, admin)
    _submit_one(authority_a, officer)
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    [delivery] = _relay(endpoint)
    assert delivery.last_error == "refused: private_target"
    assert receiver.received == []
