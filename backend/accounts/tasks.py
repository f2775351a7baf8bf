"""Account-email relay: run on commit of each queued email, and swept by beat."""

from __future__ import annotations

from backend.accounts.outbox import account_email_relay
from workers.celery import app
from workers.tenancy import ProgrammeTask


@app.task(base=ProgrammeTask, name="accounts.relay_emails")
def relay_account_emails() -> int:
    return account_email_relay()
