"""Public responses through an invitation token or a survey's open link."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
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
from tenants.db import prepared_cursor

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


def _require_accepting(status: str) -> None:
    if status in {S.CLOSED, S.RESULTS_PUBLISHED}:
        raise Gone(
            "This consultation has closed and no longer accepts responses. Thank you for your "
            "interest.",
            code="consultation_closed",
        )
    if status == S.CANCELLED:
        raise Gone("This consultation was cancelled.", code="consultation_cancelled")
    if status != S.OPEN:
        raise Conflict(
            "This consultation is not open yet; come back after it starts.",
            code="consultation_not_open",
        )


_RESPONSE_FIELDS = Response._meta.concrete_fields
# One statement records or replaces an answer (see response_submit for the locks).
_ANSWER_UPSERT = """
WITH answering AS (
    SELECT p.id FROM "{participant}" p JOIN "{consultation}" c ON c.id = p.consultation_id
    WHERE p.id = %(participant)s AND p.erased_at IS NULL AND c.status = %(open)s
    FOR KEY SHARE OF p FOR SHARE OF c
)
INSERT INTO "{response}" AS r (participant_id, {answer_columns}, submitted_at, updated_at, revision)
SELECT id, {answer_values}, %(now)s, %(now)s, 1 FROM answering
ON CONFLICT (participant_id) DO UPDATE SET {answer_updates},
    updated_at = EXCLUDED.updated_at, revision = r.revision + 1
RETURNING {returning}
""".format(
    participant=Participant._meta.db_table,
    consultation=Consultation._meta.db_table,
    response=Response._meta.db_table,
    answer_columns=", ".join(ANSWER_FIELDS),
    answer_values=", ".join(f"%({field})s" for field in ANSWER_FIELDS),
    answer_updates=", ".join(f"{field} = EXCLUDED.{field}" for field in ANSWER_FIELDS),
    returning=", ".join(f"r.{field.column}" for field in _RESPONSE_FIELDS),
)


def response_submit(*, participant: Participant, answers: dict[str, Any]) -> Response:
    """Record or replace the participant's answer while the consultation is open.

    One statement, so atomic on its own and one round trip (no BEGIN/COMMIT of
    its own; inside a caller's transaction its locks last until that commits):
    it locks the consultation ``FOR SHARE`` and the participant ``FOR KEY SHARE``,
    then inserts the answer or, when the participant already has one, replaces
    it and counts a revision (``ON CONFLICT``: the response's unique participant
    makes concurrent answers of one resident queue, never duplicate).

    - A close locks the consultation ``FOR UPDATE``: it waits for the answers in
      flight, which its results then count; an answer arriving during a close
      waits for it, re-reads the status (PostgreSQL re-checks a locked row's
      condition against its newest version) and inserts nothing.
    - An erasure locks the participant ``FOR UPDATE`` first: an answer racing it
      either commits before (and is deleted with the rest) or inserts nothing.
      ``FOR KEY SHARE`` still lets the resident's own demographics be updated in
      the same transaction as the answer (``invitation_answer``).

    When nothing was written, the consultation's status says why (410/409); an
    open consultation means the participant was erased meanwhile (410).
    """
    values = {field: answers.get(field, "") for field in ANSWER_FIELDS}
    with prepared_cursor() as cursor:
        cursor.execute(
            _ANSWER_UPSERT,
            {**values, "participant": participant.pk, "open": S.OPEN, "now": timezone.now()},
        )
        row = cursor.fetchone()
    if row is None:
        status = (
            Consultation.objects.filter(pk=participant.consultation_id)
            .values_list("status", flat=True)
            .first()
        )
        _require_accepting(status or "")
        raise Gone(
            "Your answer and details were erased; this link no longer works.",
            code="invitation_erased",
        )
    response = Response.from_db(connection.alias, [f.attname for f in _RESPONSE_FIELDS], row)
    response.participant = participant
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
    _require_accepting(consultation.status)
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
