"""Write one authority's planned rows with COPY, in dependency order, in its schema.

Ids of rows that others refer to (proposals, assessments, consultations,
participants) are drawn from their sequences first, then every table is
streamed with COPY (bench/scale_data/copy_rows.py); audit triggers fire as on INSERT.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.db import models

from backend.assessments.models import Answer, Assessment, AssessmentContributor, Contribution
from backend.consultations.models import (
    Consultation,
    ConsultationResult,
    Participant,
    Response,
)
from backend.consultations.tokens import new_salt, participant_token, token_digest
from backend.decisions.models import Decision
from backend.proposals.models import (
    DataCategory,
    Partner,
    Proposal,
    ProposalTransition,
    ReferenceCounter,
    Risk,
)
from bench.scale_data.copy_rows import copy_instances
from bench.scale_data.lifecycle import Plan

LONDON = ZoneInfo("Europe/London")


@contextmanager
def explicit_timestamps() -> Iterator[None]:
    """Let bulk inserts keep the historical created_at/updated_at the seed chose.

    ``auto_now``/``auto_now_add`` would stamp every row with the seeding time,
    which would put two years of history into one afternoon.
    """
    flipped: list[tuple[models.DateTimeField, str]] = []
    for model in (Proposal, Assessment, Answer, Consultation, Participant):
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.DateTimeField):
                for flag in ("auto_now", "auto_now_add"):
                    if getattr(model_field, flag):
                        setattr(model_field, flag, False)
                        flipped.append((model_field, flag))
    try:
        yield
    finally:
        for model_field, flag in flipped:
            setattr(model_field, flag, True)


def plan_write(plan: Plan) -> Counter[str]:
    """Insert the plan in dependency order (ids come back from each insert); count the rows."""
    written: Counter[str] = Counter()
    # References follow creation order within each (London) year, as the counter would.
    order = sorted(range(len(plan.proposals)), key=lambda i: plan.proposals[i].created_at)
    counters: Counter[int] = Counter()
    for position in order:
        proposal = plan.proposals[position]
        year = proposal.created_at.astimezone(LONDON).year
        counters[year] += 1
        proposal.reference = f"DSP-{year}-{counters[year]:04d}"
    copy_instances(Proposal, plan.proposals, with_ids=True)
    copy_instances(
        ReferenceCounter,
        [ReferenceCounter(year=year, last_number=n) for year, n in counters.items()],
    )
    ids = [p.pk for p in plan.proposals]
    written["proposals"] += len(ids)

    children: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for i, child in plan.children:
        child.proposal_id = ids[i]  # type: ignore[attr-defined]  # DataCategory, Partner, Risk
        children[type(child)].append(child)
    for model, rows in children.items():
        copy_instances(model, rows)
        written["proposal_children"] += len(rows)
    for i, transition in plan.transitions:
        transition.proposal_id = ids[i]
    copy_instances(ProposalTransition, [t for _, t in plan.transitions])
    written["transitions"] += len(plan.transitions)

    for i, assessment, _ in plan.assessments:
        assessment.proposal_id = ids[i]
    copy_instances(Assessment, [a for _, a, _ in plan.assessments], with_ids=True)
    answers = [
        Answer(
            assessment_id=assessment.pk,
            question_key=key,
            value=value,
            evidence="See the DPIA, section 3.",
            answered_by_id=assessment.assessor_id,
            updated_at=assessment.created_at,
        )
        for _, assessment, values in plan.assessments
        for key, value in values.items()
    ]
    copy_instances(Answer, answers)
    # Who contributed, as the services record it (the reviewer is someone else).
    contributors = [
        AssessmentContributor(
            assessment_id=assessment.pk,
            user_id=assessment.assessor_id,
            contribution=contribution,
            first_at=at,
        )
        for _, assessment, _ in plan.assessments
        for contribution, at in (
            (Contribution.STARTED, assessment.created_at),
            (Contribution.ANSWERED, assessment.created_at),
            (Contribution.SUBMITTED, assessment.submitted_at),
        )
        if at is not None
    ]
    copy_instances(AssessmentContributor, contributors)
    written["assessments"] += len(plan.assessments)
    written["answers"] += len(answers)

    for item in plan.consultations:
        item.consultation.proposal_id = ids[item.proposal_index]
    copy_instances(Consultation, [c.consultation for c in plan.consultations], with_ids=True)
    participants: list[Participant] = []
    for item in plan.consultations:
        for person in item.people:
            erased = person["erased_at"] is not None
            salt = "" if erased else new_salt()
            participants.append(
                Participant(
                    consultation_id=item.consultation.pk,
                    email="" if erased else f"resident{person['number']}@mail.example",
                    full_name="" if erased else f"Resident {person['number']}",
                    age_band=person["age_band"],
                    gender=person["gender"],
                    ethnicity=person["ethnicity"],
                    disability=person["disability"],
                    token_salt=salt,
                    token_digest=token_digest(participant_token(salt)) if salt else None,
                    erased_at=person["erased_at"],
                    created_at=person["created_at"],
                )
            )
    copy_instances(Participant, participants, with_ids=True)
    written["participants"] += len(participants)
    responses: list[Response] = []
    offset = 0
    for item in plan.consultations:
        for answer in item.responses:
            responses.append(
                Response(
                    participant_id=participants[offset + answer["number"]].pk,
                    acceptability=answer["acceptability"],
                    purposeful=answer["purposeful"],
                    proportionate=answer["proportionate"],
                    responsible=answer["responsible"],
                    submitted_at=answer["submitted_at"],
                    updated_at=answer["submitted_at"],
                )
            )
        offset += len(item.people)
    copy_instances(Response, responses)
    written["responses"] += len(responses)
    results = [
        ConsultationResult(
            consultation_id=item.consultation.pk,
            invited=item.result.invited,
            responded=item.result.responded,
            open_link_respondents=item.result.open_link_respondents,
            response_rate=item.result.response_rate,
            net_acceptability=item.result.net_acceptability,
            actual_cost=item.result.actual_cost,
            cost_per_participant=item.result.cost_per_participant,
            figures=item.result.figures,
            computed_at=item.consultation.closed_at or item.consultation.ends_at,
        )
        for item in plan.consultations
        if item.result is not None
    ]
    copy_instances(ConsultationResult, results)
    written["consultations"] += len(plan.consultations)

    for i, decision in plan.decisions:
        decision.proposal_id = ids[i]
    copy_instances(Decision, [d for _, d in plan.decisions])
    written["decisions"] += len(plan.decisions)

    return written


SEEDED_TABLES = (
    Proposal,
    DataCategory,
    Partner,
    Risk,
    ProposalTransition,
    Assessment,
    Answer,
    AssessmentContributor,
    Consultation,
    Participant,
    Response,
    ConsultationResult,
    Decision,
)
