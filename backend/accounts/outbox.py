"""The account-email outbox (public schema): queue in the caller's transaction, relay by task.

Kept apart from the consultation outbox because each row must live in the
schema of the change that writes it: users are in the public schema,
consultations in an authority's. Delivery policy is shared (backend.core.delivery).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from backend.accounts.models import TOKEN_KINDS, AccountEmail, AccountEmailKind, User
from backend.accounts.tokens import GENERATORS, uid_for
from backend.core.delivery import relay_due, retry_now
from tenants.models import Authority

logger = logging.getLogger(__name__)

SUBJECTS = {
    AccountEmailKind.PASSWORD_RESET: "Set a new password",
    AccountEmailKind.SET_PASSWORD: "You have been added to {authority}: set your password",
    AccountEmailKind.REVIEW_REMINDER: "Benefit review of {reference} due on {due_on}",
    AccountEmailKind.REVIEW_DUE: "Benefit review of {reference} is due today",
    AccountEmailKind.REVIEW_OVERDUE: "Benefit review of {reference} is overdue",
    AccountEmailKind.WEBHOOK_DISABLED: "A webhook endpoint of {authority} was switched off",
}


def account_email_queue(
    *, user: User, kind: str, key: str, host: str, authority: Authority | None = None
) -> bool:
    """Queue one account email; False when one with the same key is already queued."""
    _, created = AccountEmail.objects.get_or_create(
        idempotency_key=key,
        defaults={"user": user, "kind": kind, "host": host, "authority": authority},
    )
    account_relay_after_commit()
    return created


def account_notice_queue(
    *,
    user: User,
    kind: str,
    key: str,
    host: str,
    context: dict[str, str],
    authority: Authority | None = None,
) -> bool:
    """Queue one notice (no password link); False when one with the same key exists."""
    if kind in TOKEN_KINDS:
        raise ValueError(f"{kind} carries a password link: use account_email_queue.")
    _, created = AccountEmail.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "user": user,
            "kind": kind,
            "host": host,
            "authority": authority,
            "context": context,
        },
    )
    account_relay_after_commit()
    return created


def account_relay_after_commit() -> None:
    def enqueue() -> None:
        from backend.accounts.tasks import relay_account_emails

        try:
            relay_account_emails.delay()
        except Exception:  # the broker is down: the beat sweep relays instead
            logger.warning("Could not enqueue the account-email relay", exc_info=True)

    transaction.on_commit(enqueue)


def _render(message: AccountEmail) -> EmailMultiAlternatives | None:
    user = message.user
    if not user.is_active or not user.email:
        return None
    authority = message.authority.name if message.authority else "the programme"
    context: dict[str, object] = {"user": user, "authority": authority, **message.context}
    if message.kind in TOKEN_KINDS:
        token = GENERATORS[message.kind].make_token(user)
        context["link"] = settings.PASSWORD_SET_LINK.format(
            host=message.host, uid=uid_for(user), token=token
        )
        context["hours"] = settings.PASSWORD_RESET_HOURS
        context["days"] = settings.ACCOUNT_INVITE_DAYS
    template = f"accounts/email/{message.kind}"
    email = EmailMultiAlternatives(
        subject=SUBJECTS[AccountEmailKind(message.kind)].format(**context),
        body=render_to_string(f"{template}.txt", context),
        to=[user.email],
        headers={"X-Idempotency-Key": message.idempotency_key},
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email


def account_email_relay(*, limit: int = 500) -> int:
    """Send due account emails, each in its own transaction; returns how many were sent."""
    report = relay_due(
        due=lambda: AccountEmail.objects.select_related("user", "authority"),
        render=_render,
        limit=limit,
    )
    return report.sent


@transaction.atomic
def account_email_retry(*, message: AccountEmail) -> AccountEmail:
    """An admin's retry of a failed (or waiting) account email: due now, fresh attempts."""
    locked = AccountEmail.objects.select_for_update().get(pk=message.pk)
    retry_now(locked)
    account_relay_after_commit()
    return locked
