"""Authority admins see the account emails their authority caused, and only those."""

from __future__ import annotations

from backend.accounts.models import AccountEmail
from backend.accounts.outbox import account_email_relay
from backend.core.delivery import DeliveryStatus
from tenants.roles import Role
from tenants.services import membership_add
from tests import mail_backends


def test_a_refused_invitation_is_listed_masked_to_its_authority_only_and_can_be_retried(
    authority_a, authority_b, make_member, settings, mailoutbox
):
    membership_add(authority=authority_a, email="new.viewer@alpha.test", role=Role.VIEWER)
    membership_add(authority=authority_b, email="new.viewer@beta.test", role=Role.VIEWER)
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    account_email_relay()
    mail_backends.reset()

    admin_a = make_member(authority_a, Role.ADMIN).client(authority_a)
    listed = admin_a.get("/api/v1/outbox/account-emails", {"status": "failed"})
    assert listed.status_code == 200
    rows = listed.json()["results"]
    alpha_ids = set(AccountEmail.objects.filter(authority=authority_a).values_list("pk", flat=True))
    assert {row["id"] for row in rows} <= alpha_ids
    rows = [row for row in rows if row["recipient"] == "n***@a***.test"]
    assert len(rows) == 1
    assert rows[0]["kind"] == "set_password" and "refused" in rows[0]["last_error"]
    assert "new.viewer" not in listed.content.decode()

    beta_row = AccountEmail.objects.get(user__email="new.viewer@beta.test")
    assert admin_a.post(f"/api/v1/outbox/account-emails/{beta_row.pk}/retry").status_code == 404

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retried = admin_a.post(f"/api/v1/outbox/account-emails/{rows[0]['id']}/retry")
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    account_email_relay()
    assert [m.to for m in mailoutbox] == [["new.viewer@alpha.test"]]
    beta_row.refresh_from_db()
    assert beta_row.status == DeliveryStatus.FAILED


def test_the_account_outbox_backs_off_like_the_consultation_outbox(authority_a, settings):
    membership_add(authority=authority_a, email="later@alpha.test", role=Role.VIEWER)
    settings.EMAIL_BACKEND = "tests.mail_backends.DownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    account_email_relay()
    account_email_relay()  # not due yet
    row = AccountEmail.objects.get(user__email="later@alpha.test")
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > row.created_at
    AccountEmail.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    account_email_relay()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and row.attempts == 2
    assert "later@alpha.test" not in row.last_error
    mail_backends.reset()
