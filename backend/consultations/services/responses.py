"""Public responses through an invitation token or a survey's open link."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.consultations.models import (
    Consultation,
    ConsultationStatus,
    Participant,
    ParticipantSource,
    Response,
)
from backend.consultations.services.participants import NewParticipant, participant_build
from backend.core.errors import Conflict, Gone

S = ConsultationStatus
ANSWER_FIELDS = (
    "acceptability",
    "purposeful",
    "proportionate",
    "responsible",
    "conditions",
    "comment",
)
DEMOGRAPHIC_FIELDS = (
    "age_band",
    "gender",
    "ethnicity",
    "disability",
    "deprivation_quintile",
    "postcode_district",
)


def _consultation_shared_lock(consultation_id: int) -> Consultation:
    """The consultation, with a lock that answers share and a status change waits for.

    ``FOR SHARE``: any number of answers hold it at once (``FOR UPDATE`` made 64
    concurrent answerers queue one behind another on the consultation row), while
    the transitions, which lock it ``FOR UPDATE``, wait until the answers in
    flight commit, and answers that arrive after a close see it closed. A
    response either counts in the results or is refused, as before.
    """
    table = Consultation._meta.db_table
    rows = Consultation.objects.raw(
        f'SELECT * FROM "{table}" WHERE id = %s FOR SHARE', [consultation_id]
    )
    consultation = next(iter(rows), None)
    if consultation is None:
        raise Consultation.DoesNotExist(f"No consultation {consultation_id}.")
    return consultation


def _require_accepting(consultation: Consultation) -> None:
    if consultation.status in {S.CLOSED, S.RESULTS_PUBLISHED}:
        raise Gone(
            "This consultation has closed and no longer accepts responses. Thank you for your "
            "interest.",
            code="consultation_closed",
        )
    if consultation.status == S.CANCELLED:
        raise Gone("This consultation was cancelled.", code="consultation_cancelled")
    if consultation.status != S.OPEN:
        raise Conflict(
            "This consultation is not open yet; come back after it starts.",
            code="consultation_not_open",
        )


@transaction.atomic
def response_submit(*, participant: Participant, answers: dict[str, Any]) -> Response:
    """Record or replace the participant's answer while the consultation is open.

    Locks the consultation row (shared with other answers) so that a close cannot
    slip between the status check and the write.
    """
    consultation = _consultation_shared_lock(participant.consultation_id)
    _require_accepting(consultation)
    now = timezone.now()
    values = {field: answers.get(field, "") for field in ANSWER_FIELDS}
    response = Response.objects.select_for_update().filter(participant=participant).first()
    if response is None:
        return Response.objects.create(
            participant=participant, submitted_at=now, updated_at=now, **values
        )
    for field, value in values.items():
        setattr(response, field, value)
    response.updated_at = now
    response.revision += 1
    response.save()
    return response


@transaction.atomic
def response_submit_open_link(
    *, consultation: Consultation, answers: dict[str, Any], demographics: dict[str, str]
) -> tuple[NewParticipant, Response]:
    """Someone answering through a survey's open link becomes an anonymous participant.

    They get a personal token back, with which they can see, change or erase
    their answer later, exactly like an invited participant.
    """
    consultation = _consultation_shared_lock(consultation.pk)
    _require_accepting(consultation)
    details = {field: demographics.get(field, "") for field in DEMOGRAPHIC_FIELDS}
    details["postcode_district"] = details["postcode_district"].upper()
    new = participant_build(consultation, details, ParticipantSource.OPEN_LINK)
    new.participant.save()
    now = timezone.now()
    values = {field: answers.get(field, "") for field in ANSWER_FIELDS}
    response = Response.objects.create(
        participant=new.participant, submitted_at=now, updated_at=now, **values
    )
    return new, response
