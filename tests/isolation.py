"""What the isolation test plants in authority B: rows carrying a marker string that
must never appear in a response to a member of authority A.

Each domain adds a planter here when it adds tenant data; the test itself walks
the URL resolver and needs no edit when endpoints are added.
"""

from __future__ import annotations

from collections.abc import Callable

from tenants.models import Authority

MARKER = "beta-only-marker-7f3a"

Planter = Callable[[Authority], None]
PLANTERS: list[Planter] = []


def planter(function: Planter) -> Planter:
    PLANTERS.append(function)
    return function


@planter
def plant_member(authority: Authority) -> None:
    from backend.accounts.models import User
    from tenants.roles import Role
    from tenants.services import membership_grant

    user = User.objects.create_user(email=f"{MARKER}@beta.test", full_name=MARKER)
    membership_grant(user=user, role=Role.OFFICER, authority=authority)


@planter
def plant_proposal_and_decision(authority: Authority) -> None:
    """A decided proposal whose decision stays unpublished, so the public register shows nothing."""
    from backend.accounts.models import User
    from backend.decisions.services import decision_record
    from backend.proposals.services import (
        proposal_create,
        proposal_skip_consultation,
        proposal_submit,
    )
    from backend.proposals.walkthrough import assessment_walk
    from tenants.roles import Role
    from tenants.services import membership_grant

    officer = User.objects.create_user(email=f"officer-{MARKER}@beta.test")
    membership_grant(user=officer, role=Role.OFFICER, authority=authority)
    proposal = proposal_create(
        authority=authority,
        actor=officer,
        fields={
            "title": f"Proposal {MARKER}",
            "summary": MARKER,
            "purpose": MARKER,
            "service_areas": ["welfare"],
            "legal_gateway": "public_task",
            "direction": "outbound",
            "frequency": "one_off",
        },
        data_categories=[{"name": MARKER}],
        partners=[{"name": MARKER, "organisation_type": "nhs", "role": "recipient"}],
        risks=[{"description": MARKER}],
    )
    proposal = proposal_submit(proposal=proposal, actor=officer)
    # A decision needs a signed-off assessment: the officer assesses, a second one signs off.
    reviewer = User.objects.create_user(email=f"reviewer-{MARKER}@beta.test")
    membership_grant(user=reviewer, role=Role.OFFICER, authority=authority)
    assessment_walk(authority=authority, proposal=proposal, assessor=officer, reviewer=reviewer)
    proposal = proposal_skip_consultation(proposal=proposal, actor=officer, reason=MARKER)
    decision_record(
        proposal=proposal,
        actor=officer,
        outcome="approved",
        rationale=MARKER,
        internal_notes=MARKER,
        # An approval schedules a benefit review, which carries this text too.
        expected_benefits=MARKER,
    )


@planter
def plant_assessment(authority: Authority) -> None:
    from backend.accounts.models import User
    from backend.assessments.services import assessment_answers_save, assessment_start
    from tests.factories import make_proposal

    assessor = User.objects.create_user(email=f"assessor-{MARKER}@beta.test")
    assessment = assessment_start(
        proposal=make_proposal(title=MARKER), authority=authority, actor=assessor
    )
    assessment_answers_save(
        assessment=assessment,
        answers=[{"question": "purpose_clarity", "value": 4, "evidence": MARKER}],
        actor=assessor,
    )


@planter
def plant_consultation(authority: Authority) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from backend.consultations.services import (
        consultation_close,
        consultation_create,
        consultation_open,
        participant_add,
        response_submit,
    )
    from backend.engagement.models import EngagementMethod
    from tests.factories import make_proposal

    proposal = make_proposal(title=MARKER, summary=MARKER, purpose=MARKER)
    now = timezone.now()
    for index in range(2):
        consultation = consultation_create(
            proposal=proposal,
            method=EngagementMethod.objects.get(key="online_survey"),
            title=f"{MARKER} survey {index}",
            description=MARKER,
            location=MARKER,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=1),
            open_link_enabled=True,
        )
        participant = participant_add(
            consultation=consultation, email=f"{MARKER}-{index}@beta.test", full_name=MARKER
        )
        consultation_open(consultation=consultation)
        response_submit(
            participant=participant,
            answers={
                "acceptability": 2,
                "purposeful": 3,
                "proportionate": 2,
                "responsible": 1,
                "conditions": MARKER,
                "comment": MARKER,
            },
        )
        if index == 1:
            consultation_close(consultation=consultation)


@planter
def plant_account_email(authority: Authority) -> None:
    """A new member's set-your-password email that B's admins (only) can see and retry."""
    from tenants.roles import Role
    from tenants.services import membership_add

    membership_add(
        authority=authority, email=f"invitee-{MARKER}@beta.test", full_name=MARKER, role=Role.VIEWER
    )


@planter
def plant_webhook_endpoint(authority: Authority) -> None:
    """An endpoint and a delivery of B's: A's admins must never see either."""
    from backend.webhooks.models import WebhookDelivery, WebhookEndpoint
    from backend.webhooks.signing import secret_new

    endpoint = WebhookEndpoint.objects.create(
        authority=authority,
        url=f"https://8.8.8.8/{MARKER}",
        description=MARKER,
        events=["proposal.moved"],
        secret=secret_new(),
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=f"evt_{MARKER}",
        event_type="proposal.moved",
        payload={"data": {"reference": MARKER}},
    )
