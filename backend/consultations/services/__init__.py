"""Consultation writes, one module per concern; import from here."""

from backend.consultations.services.consultations import (
    SweepReport,
    consultation_cancel,
    consultation_close,
    consultation_create,
    consultation_open,
    consultation_publish_results,
    consultation_reschedule,
    consultation_update,
    consultations_sweep,
    result_compute,
)
from backend.consultations.services.outbox import outbox_relay
from backend.consultations.services.participants import (
    participant_add,
    participant_erase,
    participant_import_csv,
    participants_erase_expired,
)
from backend.consultations.services.responses import (
    DEMOGRAPHIC_FIELDS,
    response_submit,
    response_submit_open_link,
)

__all__ = [
    "DEMOGRAPHIC_FIELDS",
    "SweepReport",
    "consultation_cancel",
    "consultation_close",
    "consultation_create",
    "consultation_open",
    "consultation_publish_results",
    "consultation_reschedule",
    "consultation_update",
    "consultations_sweep",
    "outbox_relay",
    "participant_add",
    "participant_erase",
    "participant_import_csv",
    "participants_erase_expired",
    "response_submit",
    "response_submit_open_link",
    "result_compute",
]
