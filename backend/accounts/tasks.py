"""Account tasks: the email relay (on commit and swept by beat), and the sign-in audit
trail's retention (beat, daily)."""

from __future__ import annotations

from backend.accounts.login_audit import login_failure_purge
from backend.accounts.outbox import account_email_relay
from workers.celery import app
from workers.tenancy import ProgrammeTask


@app.task(base=ProgrammeTask, name="accounts.relay_emails")
def relay_account_emails() -> int:
    return account_email_relay()


@app.task(base=ProgrammeTask, name="accounts.purge_login_failures")
def purge_login_failures() -> int:
    return login_failure_purge()
