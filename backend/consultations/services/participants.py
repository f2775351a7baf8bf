"""Participants: invite one, import a CSV (all rows or none), erase contact details."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from backend.consultations.models import (
    AgeBand,
    Consultation,
    ConsultationStatus,
    DeprivationQuintile,
    Disability,
    Ethnicity,
    Gender,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Participant,
    ParticipantSource,
    Response,
)
from backend.consultations.services.outbox import outbox_queue_for_participants
from backend.consultations.tokens import new_salt, participant_token, token_digest
from backend.core.errors import Conflict
from tenants.context import require_authority_schema

S = ConsultationStatus
CSV_COLUMNS = (
    "email",
    "full_name",
    "age_band",
    "gender",
    "ethnicity",
    "disability",
    "deprivation_quintile",
    "postcode_district",
)
CSV_MAX_ROWS = 5000
CHOICES = {
    "age_band": AgeBand.values,
    "gender": Gender.values,
    "ethnicity": Ethnicity.values,
    "disability": Disability.values,
    "deprivation_quintile": DeprivationQuintile.values,
}
# The outward code of a UK postcode (e.g. "SW1A", "M1", "B33").
POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


@dataclass(frozen=True)
class NewParticipant:
    participant: Participant
    token: str


def participant_details_clean(raw: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Normalise one participant's fields; returns (clean values, field → error)."""
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    email = str(raw.get("email") or "").strip().lower()
    try:
        validate_email(email)
        clean["email"] = email
    except ValidationError:
        errors["email"] = "Enter a valid email address."
    full_name = str(raw.get("full_name") or "").strip()
    if len(full_name) > 200:
        errors["full_name"] = "At most 200 characters."
    clean["full_name"] = full_name
    for field, allowed in CHOICES.items():
        value = str(raw.get(field) or "").strip().lower()
        if value and value not in allowed:
            errors[field] = f"'{value}' is not one of: {', '.join(allowed)}."
        clean[field] = value
    district = str(raw.get("postcode_district") or "").strip().upper().replace(" ", "")
    if district and not POSTCODE_DISTRICT.match(district):
        errors["postcode_district"] = "Give the first half of a UK postcode, e.g. 'SW1A'."
    clean["postcode_district"] = district
    return clean, errors


def _lock_open_for_participants(consultation: Consultation) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status not in {S.SCHEDULED, S.OPEN}:
        raise Conflict(
            f"Participants can be added while a consultation is scheduled or open; "
            f"this one is {consultation.status}.",
            code="consultation_not_accepting_participants",
        )
    return consultation


def _check_capacity(consultation: Consultation, adding: int) -> None:
    if consultation.capacity is None:
        return
    current = Participant.objects.filter(consultation=consultation).count()
    if current + adding > consultation.capacity:
        raise Conflict(
            f"The consultation has room for {consultation.capacity} participants; "
            f"{current} are already invited and this would add {adding}.",
            code="over_capacity",
        )


def participant_build(
    consultation: Consultation, details: dict[str, str], source: str
) -> NewParticipant:
    salt = new_salt()
    token = participant_token(salt)
    participant = Participant(
        consultation=consultation,
        source=source,
        token_salt=salt,
        token_digest=token_digest(token),
        **details,
    )
    return NewParticipant(participant=participant, token=token)


@transaction.atomic
def participant_add(*, consultation: Consultation, **details: Any) -> Participant:
    """Invite one person; the invitation email is queued in the same transaction."""
    require_authority_schema()
    clean, errors = participant_details_clean(details)
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    consultation = _lock_open_for_participants(consultation)
    if Participant.objects.filter(consultation=consultation, email=clean["email"]).exists():
        raise ValidationError({"email": ["This address is already invited."]})
    _check_capacity(consultation, 1)
    new = participant_build(consultation, clean, ParticipantSource.INVITED)
    new.participant.save()
    outbox_queue_for_participants(
        consultation=consultation, participants=[new.participant], kind=OutboxKind.INVITATION
    )
    return new.participant


@transaction.atomic
def participant_import_csv(*, consultation: Consultation, content: str) -> list[Participant]:
    """Import every row or none: any bad row fails the whole file with row-level errors.

    Rows are numbered as in a spreadsheet (the header is row 1). Errors come
    back as ``rows.<n>.<field>`` in the error's ``fields``.
    """
    require_authority_schema()
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if "email" not in header:
        raise ValidationError({"file": ["The first row must be a header with an 'email' column."]})
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        raise ValidationError(
            {"file": [f"Unknown columns: {', '.join(unknown)}. Allowed: {', '.join(CSV_COLUMNS)}."]}
        )
    reader.fieldnames = header
    errors: dict[str, list[str]] = {}
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > CSV_MAX_ROWS:
            raise ValidationError({"file": [f"At most {CSV_MAX_ROWS} rows per file."]})
        if None in raw:  # more cells than header columns
            errors[f"rows.{line}"] = ["This row has more cells than the header."]
            continue
        if not any((value or "").strip() for value in raw.values()):
            continue
        clean, row_errors = participant_details_clean(raw)
        for field, message in row_errors.items():
            errors[f"rows.{line}.{field}"] = [message]
        email = clean.get("email")
        if email:
            if email in seen:
                errors[f"rows.{line}.email"] = [f"Repeats row {seen[email]}."]
            seen.setdefault(email, line)
        rows.append(clean)
    if not rows and not errors:
        raise ValidationError({"file": ["The file has no participants."]})
    consultation = _lock_open_for_participants(consultation)
    existing = set(
        Participant.objects.filter(consultation=consultation, email__in=list(seen)).values_list(
            "email", flat=True
        )
    )
    for email in existing:
        errors.setdefault(f"rows.{seen[email]}.email", []).append("Already invited.")
    if errors:
        raise ValidationError(errors)
    _check_capacity(consultation, len(rows))
    built = [participant_build(consultation, clean, ParticipantSource.IMPORTED) for clean in rows]
    participants = Participant.objects.bulk_create([new.participant for new in built])
    outbox_queue_for_participants(
        consultation=consultation, participants=participants, kind=OutboxKind.INVITATION
    )
    return participants


def _scrub(participants: Any, now: datetime, *, demographics: bool) -> int:
    """Blank contact details (and the token); demographics too when the person asked."""
    changes: dict[str, Any] = {
        "email": "",
        "full_name": "",
        "postcode_district": "",
        "token_salt": "",
        "token_digest": None,
        "erased_at": now,
    }
    if demographics:
        changes.update(age_band="", gender="", ethnicity="", disability="", deprivation_quintile="")
    ids = list(participants.values_list("pk", flat=True))
    OutboxMessage.objects.filter(participant_id__in=ids, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SKIPPED
    )
    return int(participants.update(**changes))


@transaction.atomic
def participant_erase(*, participant: Participant) -> None:
    """The participant's own request: delete their response and everything about them.

    The row stays (anonymous) so that the invited count of past results holds.
    The participant's row is locked first: an answer in flight (it holds the row
    ``FOR KEY SHARE``) commits before the delete below runs, and one that arrives
    after waits, sees the erasure and writes nothing (see ``response_submit``).
    """
    list(Participant.objects.select_for_update().filter(pk=participant.pk).values_list("pk"))
    Response.objects.filter(participant=participant).delete()
    _scrub(Participant.objects.filter(pk=participant.pk), timezone.now(), demographics=True)


@transaction.atomic
def participants_erase_expired(*, now: datetime | None = None) -> list[int]:
    """Anonymise participants of consultations whose results are older than the retention.

    Contact details (email, name, postcode district) and tokens go; responses
    and coarse demographics stay, attached to an anonymous participant. Safe
    to run twice: erased rows are skipped and the consultation is stamped.
    """
    require_authority_schema()
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CONSULTATION_RETENTION_DAYS)
    due = list(
        Consultation.objects.select_for_update(skip_locked=True)
        .filter(
            status=S.RESULTS_PUBLISHED,
            results_published_at__lte=cutoff,
            contacts_erased_at__isnull=True,
        )
        .values_list("pk", flat=True)
    )
    for consultation_id in due:
        _scrub(
            Participant.objects.filter(consultation_id=consultation_id, erased_at__isnull=True),
            now,
            demographics=False,
        )
    Consultation.objects.filter(pk__in=due).update(contacts_erased_at=now)
    return due
