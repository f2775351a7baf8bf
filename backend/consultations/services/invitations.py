"""An invited resident answering on the public pages: the answer and optional demographics."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from backend.consultations.models import Participant, Response
from backend.consultations.services.responses import DEMOGRAPHIC_FIELDS, response_submit


@transaction.atomic
def invitation_answer(
    *, participant: Participant, answers: dict[str, Any], demographics: dict[str, str]
) -> Response:
    """Record or replace the answer and set the demographics the resident chose to give.

    One transaction: a closed consultation refuses both (``response_submit``
    raises before anything is written). Only the demographic fields change;
    contact details stay as staff recorded them.
    """
    response = response_submit(participant=participant, answers=answers)
    details = {field: demographics.get(field, "") for field in DEMOGRAPHIC_FIELDS}
    details["postcode_district"] = details["postcode_district"].upper()
    Participant.objects.filter(pk=participant.pk).update(**details)
    for field, value in details.items():
        setattr(participant, field, value)
    return response
