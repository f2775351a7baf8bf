"""An invited resident answering (public pages or API): the answer and optional demographics."""

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
    raises before anything is written). Only the demographic fields given
    change (the pages give every one, a blank clearing it; an API client may
    give some, and the others stay as they were); contact details stay as staff
    recorded them.
    """
    response = response_submit(participant=participant, answers=answers)
    details = {field: demographics[field] for field in DEMOGRAPHIC_FIELDS if field in demographics}
    if "postcode_district" in details:
        details["postcode_district"] = details["postcode_district"].upper()
    if details:
        Participant.objects.filter(pk=participant.pk).update(**details)
    for field, value in details.items():
        setattr(participant, field, value)
    return response
