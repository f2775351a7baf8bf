"""Answers share the consultation's lock; status changes still take it exclusively."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.consultations.models import Response
from backend.consultations.services import (
    consultation_close,
    consultation_open,
    response_submit,
    response_submit_open_link,
)
from tenants.context import authority_context
from tests.consultations.factories import ANSWERS, make_consultation, make_participant


def _consultation_locks(queries: CaptureQueriesContext) -> list[str]:
    return [
        "FOR SHARE" if "FOR SHARE" in q["sql"] else "FOR UPDATE"
        for q in queries.captured_queries
        if '"consultations_consultation"' in q["sql"] and " FOR " in q["sql"]
    ]


def test_answers_lock_the_consultation_for_share_so_they_do_not_queue(authority_a):
    with authority_context(authority_a):
        consultation = make_consultation()
        participant = make_participant(consultation, "voter@example.org")
        consultation_open(consultation=consultation)
        with CaptureQueriesContext(connection) as invited:
            response_submit(participant=participant, answers=ANSWERS)
        with CaptureQueriesContext(connection) as open_link:
            response_submit_open_link(consultation=consultation, answers=ANSWERS, demographics={})
        with CaptureQueriesContext(connection) as closing:
            consultation_close(consultation=consultation)
        assert Response.objects.filter(participant__consultation=consultation).count() == 2
    assert _consultation_locks(invited) == ["FOR SHARE"]
    assert _consultation_locks(open_link) == ["FOR SHARE"]
    # FOR UPDATE conflicts with FOR SHARE: a close waits for the answers in flight.
    assert "FOR UPDATE" in _consultation_locks(closing)
