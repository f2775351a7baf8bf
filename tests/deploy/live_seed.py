"""Run in a subprocess against a live stack's database: one authority with every kind of
token, printed as JSON on the last line (the test harness reads it; no server logs it)."""

from __future__ import annotations

import json

import django

django.setup()

from django.utils import timezone  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from backend.accounts.models import User  # noqa: E402
from backend.consultations.services import consultation_close, consultation_open  # noqa: E402
from backend.consultations.tokens import calendar_feed_token, open_link_token  # noqa: E402
from tenants.context import authority_context  # noqa: E402
from tenants.models import Authority, AuthorityKind, AuthorityStatus  # noqa: E402
from tenants.roles import Role  # noqa: E402
from tenants.services import authority_onboard, membership_grant  # noqa: E402
from tests.consultations.factories import (  # noqa: E402
    make_consultation,
    make_participant,
    token_of,
)


def main() -> None:
    result = authority_onboard(
        slug="live",
        name="Live District Council",
        kind=AuthorityKind.DISTRICT,
        admin_email="founder@live.test",
        population=50_000,
    )
    authority = result.authority
    Authority.objects.filter(pk=authority.pk).update(status=AuthorityStatus.ACTIVE)
    officer = User.objects.create_user(email="officer@live.test", password="officer-pass-2026")
    membership_grant(user=officer, role=Role.OFFICER, authority=authority)
    _, staff_token = AuthToken.objects.create(user=officer)
    with authority_context(authority):
        workshop = make_consultation()
        invited = make_participant(workshop, "resident@example.org")
        erasable = make_participant(workshop, "leaving@example.org")
        consultation_open(consultation=workshop)
        closed = make_consultation(title="Closed workshop")
        late = make_participant(closed, "late@example.org")
        consultation_open(consultation=closed)
        consultation_close(consultation=closed)
        survey = make_consultation(method="online_survey", open_link_enabled=True)
        consultation_open(consultation=survey)
        tokens = {
            "invitation": token_of(invited),
            "erasable": token_of(erasable),
            "closed_invitation": token_of(late),
            "open_link": open_link_token(survey.open_link_salt),
            "feed": calendar_feed_token(
                authority.schema_name,
                Authority.objects.get(pk=authority.pk).calendar_feed_secret,
            ),
            "workshop_id": workshop.pk,
        }
    print(json.dumps({"staff_token": staff_token, "at": timezone.now().isoformat(), **tokens}))


main()
