"""Seed the browser tests' own database: run as ``python -m tests.web.e2e_site``.

Runs in a subprocess against a database that the browser tests' server uses
(a copy of the test database), so everything here is committed for real. The
invitations go through the real outbox relay into EMAIL_FILE_PATH, where the
tests read the links exactly as a resident would find them in their inbox.
Prints what the tests need (the open-link URL, the authority's host) as JSON.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from backend.accounts.models import User
    from backend.consultations.services import (
        consultation_close,
        consultation_create,
        consultation_open,
        consultation_publish_results,
        outbox_relay,
        participant_add,
        response_submit,
    )
    from backend.consultations.tokens import open_link_token
    from backend.decisions.services import decision_publish, decision_record
    from backend.engagement.models import EngagementMethod
    from backend.proposals.demo import seed_demo_proposals
    from backend.proposals.services import (
        proposal_finish_consultation,
        proposal_start_consultation,
    )
    from backend.proposals.walkthrough import assessment_walk
    from tenants.context import authority_context
    from tenants.models import Authority
    from tenants.roles import Role
    from tenants.services import membership_grant
    from tests.proposals.factories import make_proposal

    authority = Authority.objects.get(schema_name="alpha")
    Authority.objects.filter(pk=authority.pk).update(name="Riverside Borough Council")
    authority.refresh_from_db()
    survey = EngagementMethod.objects.get(key="online_survey")
    now = timezone.now()
    with authority_context(authority):
        officer = User.objects.create_user(email="officer@riverside.example", full_name="Officer")
        membership_grant(user=officer, role=Role.OFFICER, authority=authority)
        reviewer = User.objects.create_user(email="admin@riverside.example", full_name="Admin")
        membership_grant(user=reviewer, role=Role.ADMIN, authority=authority)
        seed_demo_proposals(authority=authority, actor=officer, reviewer=reviewer)

        # A decided proposal whose consultation results are published with it.
        proposal = make_proposal(
            authority,
            officer,
            status="in_assessment",
            title="Council tax arrears and debt advice",
            summary="Refer residents with council tax arrears to free debt advice before "
            "enforcement starts.",
            purpose="Fewer households in crisis debt; fewer bailiff visits.",
            service_areas=["welfare"],
            legal_gateway="legitimate_interests",
            legal_gateway_detail="",
        )
        # A decision needs a signed-off assessment (a second person signs it off).
        assessment_walk(authority=authority, proposal=proposal, assessor=officer, reviewer=reviewer)
        proposal = proposal_start_consultation(proposal=proposal, actor=officer)
        past = consultation_create(
            proposal=proposal,
            method=survey,
            title="Debt advice referrals survey",
            starts_at=now - timedelta(hours=2),
            ends_at=now + timedelta(hours=2),
        )
        voters = [
            participant_add(consultation=past, email=f"voter{index}@example.org")
            for index in range(8)
        ]
        consultation_open(consultation=past)
        for index, voter in enumerate(voters[:7]):
            response_submit(
                participant=voter,
                answers={
                    "acceptability": [5, 4, 4, 3, 2, 4, 5][index],
                    "purposeful": 4,
                    "proportionate": 3 + index % 2,
                    "responsible": 4,
                },
            )
        consultation_close(consultation=past)
        consultation_publish_results(consultation=past)
        proposal = proposal_finish_consultation(proposal=proposal, actor=officer)
        decision = decision_record(
            proposal=proposal,
            actor=officer,
            outcome="approved_with_conditions",
            rationale="Most residents found the referrals acceptable if they can say no.",
            conditions="Residents can refuse the referral; reviewed after a year.",
            public_influence="The survey asked for an opt-out, which is now a condition.",
        )
        decision_publish(authority=authority, decision=decision, actor=officer)

        # The consultation the residents in the browser tests answer.
        proposal = make_proposal(
            authority,
            officer,
            status="in_assessment",
            title="Sharing school meals data",
        )
        proposal = proposal_start_consultation(proposal=proposal, actor=officer)
        live = consultation_create(
            proposal=proposal,
            method=survey,
            title="Free school meals: sharing benefit records with schools",
            description="The council wants to use housing benefit records to enrol eligible "
            "children for free school meals automatically, so that families do not have to "
            "apply. Tell us whether you think this is acceptable.",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=14),
            open_link_enabled=True,
        )
        for who in ("mouse", "keyboard", "nojs", "screens"):
            participant_add(
                consultation=live, email=f"{who}@example.org", full_name=f"{who.title()} Resident"
            )
        consultation_open(consultation=live)

        closed = consultation_create(
            proposal=proposal,
            method=EngagementMethod.objects.get(key="workshop"),
            title="Workshop on school meals data",
            location="Riverside Library, Main Street",
            starts_at=now - timedelta(hours=3),
            ends_at=now + timedelta(hours=3),
        )
        participant_add(consultation=closed, email="late@example.org", full_name="Late Resident")
        consultation_open(consultation=closed)
        outbox_relay()
        consultation_close(consultation=closed)
        outbox_relay()
        link = open_link_token(live.open_link_salt)
    print(
        json.dumps(
            {
                "host": f"alpha.{settings.BASE_DOMAIN}",
                "open_link_path": f"/consultations/survey/{link}/",
                "mail_dir": os.environ["EMAIL_FILE_PATH"],
            }
        )
    )


if __name__ == "__main__":
    main()
