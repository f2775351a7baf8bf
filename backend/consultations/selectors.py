"""Reads on consultations, participants, responses and results (tenant schema)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Count, Exists, Model, OuterRef, QuerySet

from backend.consultations.models import (
    Consultation,
    ConsultationResult,
    OutboxMessage,
    Participant,
    Response,
)
from backend.consultations.tokens import OPEN_LINK, PARTICIPANT, token_digest, token_verifies
from backend.engagement.models import EngagementMethod
from tenants.context import require_authority_schema
from tenants.db import read_one

_M = TypeVar("_M", bound=Model)


def consultation_list() -> QuerySet[Consultation]:
    require_authority_schema()
    return Consultation.objects.select_related("proposal", "method").annotate(
        participant_count=Count("participants", distinct=True),
        response_count=Count("participants__response", distinct=True),
    )


def consultation_get(*, consultation_id: int) -> Consultation:
    return consultation_list().get(pk=consultation_id)


def participant_list() -> QuerySet[Participant]:
    require_authority_schema()
    return Participant.objects.select_related("consultation").annotate(
        has_responded=Exists(Response.objects.filter(participant=OuterRef("pk")))
    )


_TOKEN_MODELS: tuple[type[Model], ...] = (Participant, Consultation, EngagementMethod)


@functools.cache
def _participant_by_token_sql() -> str:
    """The participant, its consultation and the consultation's method by token digest.

    Written once by hand rather than compiled by the ORM per call: compiling this
    three-table ``select_related`` cost three times the query itself, and every
    public answer, invitation and page view runs it. Unqualified table names:
    the connection's search path picks the authority's schema (and ``public`` for
    the method catalogue), as for ORM queries.
    """
    aliases = ("p", "c", "m")
    columns = ", ".join(
        f'{alias}."{field.column}"'
        for alias, model in zip(aliases, _TOKEN_MODELS, strict=True)
        for field in model._meta.concrete_fields
    )
    participant, consultation, method = (model._meta.db_table for model in _TOKEN_MODELS)
    return (
        f'SELECT {columns} FROM "{participant}" p '
        f'JOIN "{consultation}" c ON c.id = p.consultation_id '
        f'JOIN "{method}" m ON m.id = c.method_id '
        "WHERE p.token_digest = %s AND p.erased_at IS NULL"
    )


def _from_row(model: type[_M], row: Sequence[Any], start: int) -> tuple[_M, int]:
    fields = model._meta.concrete_fields
    values = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, row[start : start + len(fields)], strict=True)
    ]
    return model.from_db(connection.alias, [f.attname for f in fields], values), start + len(fields)


def participant_by_token(*, token: str) -> Participant | None:
    """The participant a token belongs to; None for unknown, erased or malformed tokens.

    Its consultation and the consultation's method come loaded, as with
    ``select_related`` (``tests/consultations/test_tokens.py`` compares the two).
    """
    require_authority_schema()
    if not token or len(token) > 100:
        return None
    row = read_one(_participant_by_token_sql(), [token_digest(token)])
    if row is None:
        return None
    participant, at = _from_row(Participant, row, 0)
    consultation, at = _from_row(Consultation, row, at)
    method, _ = _from_row(EngagementMethod, row, at)
    consultation.method = method
    participant.consultation = consultation
    # The digest finds the row; the key check retires links of a key no longer in service.
    if not token_verifies(PARTICIPANT, participant.token_salt, token):
        return None
    return participant


def consultation_by_open_link(*, token: str) -> Consultation | None:
    require_authority_schema()
    if not token or len(token) > 100:
        return None
    consultation = (
        Consultation.objects.select_related("method")
        .filter(open_link_enabled=True, open_link_digest=token_digest(token))
        .exclude(open_link_digest="")
        .first()
    )
    if consultation is None or not token_verifies(OPEN_LINK, consultation.open_link_salt, token):
        return None
    return consultation


def response_for(*, participant: Participant) -> Response | None:
    return Response.objects.filter(participant=participant).first()


def result_get(*, consultation: Consultation) -> ConsultationResult | None:
    return ConsultationResult.objects.filter(consultation=consultation).first()


def officer_verdicts_for(*, proposal_id: int) -> dict[str, str | None] | None:
    """The officers' verdict per test for a proposal, as test key → met/partly_met/not_met.

    Read from the proposal's latest signed-off assessment; None when it has
    none, and the results then report no public-vs-officer gap.
    """
    from backend.assessments.selectors import assessment_latest_verdicts

    latest = assessment_latest_verdicts(proposal_ids=[proposal_id]).get(proposal_id)
    if latest is None:
        return None
    tests: dict[str, str | None] = dict(latest["tests"])
    return tests


def calendar_consultations() -> QuerySet[Consultation]:
    """What the authority's calendar feed shows: everything but never-shown drafts.

    Cancelled consultations stay in the feed (as STATUS:CANCELLED) so that
    subscribed calendars remove the event instead of keeping a stale copy.
    """
    require_authority_schema()
    return Consultation.objects.select_related("method").all()


def outbox_message_list() -> QuerySet[OutboxMessage]:
    require_authority_schema()
    return OutboxMessage.objects.select_related("consultation", "participant")
