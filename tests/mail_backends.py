"""Email backends that fail the way real mail servers do, for the real relay to meet.

Selected with ``settings.EMAIL_BACKEND = "tests.mail_backends.<Class>"``; each
records what it was asked to send in ``ATTEMPTS`` so tests count real calls.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

ATTEMPTS: list[str] = []


class DownBackend(BaseEmailBackend):
    """The mail server is unreachable: a temporary failure."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        ATTEMPTS.extend(m.to[0] for m in email_messages)
        raise smtplib.SMTPServerDisconnected(
            f"Connection unexpectedly closed while sending to {email_messages[0].to[0]}"
        )


class RefusingBackend(BaseEmailBackend):
    """The mail server refuses the recipient: a permanent failure."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        ATTEMPTS.extend(m.to[0] for m in email_messages)
        to = email_messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({to: (550, b"5.1.1 No such mailbox")})


def reset(**_: Any) -> None:
    ATTEMPTS.clear()
