"""A password-reset email goes through the account outbox and a real Celery worker, once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from backend.accounts.models import AccountEmail, User
from backend.accounts.tasks import relay_account_emails
from backend.core.delivery import DeliveryStatus
from tenants.context import authority_context
from tests.accounts.links import LINK


def _mails_with_key(mail_dir: Path, key: str) -> list[str]:
    found = []
    for path in mail_dir.glob("*.log"):
        for message in path.read_text(errors="replace").split("-" * 79):
            if f"X-Idempotency-Key: {key}" in message:
                found.append(message)
    return found


@pytest.mark.worker
def test_a_reset_request_is_relayed_by_the_worker_exactly_once(
    celery_worker, worker_mail_dir, django_db_blocker
):
    with django_db_blocker.unblock():
        cache.clear()
        user = User.objects.create_user(email="reset-by-worker@alpha.test", password="x" * 20)
        try:
            response = APIClient(HTTP_HOST="localhost").post(
                "/api/v1/public/password-reset", {"email": user.email}, format="json"
            )
            assert response.status_code == 202
            row = AccountEmail.objects.get(user=user)
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:
                row.refresh_from_db()
                if row.status == DeliveryStatus.SENT:
                    break
                time.sleep(0.25)
            assert row.status == DeliveryStatus.SENT and row.attempts == 1
            # A later sweep (the beat entry's task) finds nothing more to send.
            assert relay_account_emails.delay().get(timeout=30) == 0
            (mail,) = _mails_with_key(worker_mail_dir, row.idempotency_key)
            assert LINK.search(mail)
        finally:
            AccountEmail.objects.filter(user=user).delete()
            # Inside an authority, so that the cascade can reach its tables that refer to users.
            with authority_context("alpha"):
                User.objects.filter(pk=user.pk).delete()
            cache.clear()
