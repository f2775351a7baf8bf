"""Participants: invitations, CSV import (all rows or none), capacity, erasure, retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from backend.consultations.models import Participant, Response
from backend.consultations.services import (
    consultation_close,
    consultation_open,
    consultation_publish_results,
    outbox_relay,
    participant_erase,
    participant_import_csv,
    participants_erase_expired,
)
from backend.core.errors import Conflict
from tests.consultations.factories import make_consultation, make_participant, respond

GOOD_CSV = (
    "email,full_name,age_band,gender,ethnicity,disability,postcode_district\n"
    "one@example.org,One Person,25_34,woman,white,no,SW1A\n"
    "two@example.org,,65_74,,,,m1\n"
)


def test_csv_import_adds_every_row_and_queues_their_invitations(in_authority_a, mailoutbox):
    consultation = make_consultation()
    imported = participant_import_csv(consultation=consultation, content=GOOD_CSV)
    outbox_relay()
    assert [p.email for p in imported] == ["one@example.org", "two@example.org"]
    assert Participant.objects.get(email="two@example.org").postcode_district == "M1"
    assert len(mailoutbox) == 2


def test_csv_with_one_bad_row_imports_nothing_and_names_the_rows(in_authority_a):
    consultation = make_consultation()
    make_participant(consultation, "already@example.org")
    content = (
        "email,age_band,postcode_district\n"
        "fine@example.org,25_34,SW1A\n"
        "not-an-email,200,\n"
        "already@example.org,,\n"
        "fine@example.org,,NOTAPOSTCODE\n"
    )
    with pytest.raises(ValidationError) as error:
        participant_import_csv(consultation=consultation, content=content)
    assert set(error.value.message_dict) == {
        "rows.3.email",
        "rows.3.age_band",
        "rows.4.email",
        "rows.5.email",
        "rows.5.postcode_district",
    }
    assert list(Participant.objects.values_list("email", flat=True)) == ["already@example.org"]


def test_csv_without_an_email_column_is_refused(in_authority_a):
    with pytest.raises(ValidationError) as error:
        participant_import_csv(consultation=make_consultation(), content="name\nAda\n")
    assert "file" in error.value.message_dict


def test_capacity_is_enforced(in_authority_a):
    consultation = make_consultation(capacity=1)
    make_participant(consultation)
    with pytest.raises(Conflict):
        make_participant(consultation)


def test_participants_cannot_be_added_once_closed(in_authority_a):
    consultation = make_consultation()
    consultation_open(consultation=consultation)
    consultation_close(consultation=consultation)
    with pytest.raises(Conflict):
        make_participant(consultation)


def _text_columns_containing(needle: str) -> list[str]:
    """Every text-like column in the authority's schema that holds ``needle`` anywhere."""
    schema = connection.schema_name
    hits = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t "
            "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = %s AND t.table_type = 'BASE TABLE' "
            "AND c.data_type IN ('text', 'character varying', 'jsonb', 'json')",
            [schema],
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" WHERE "{column}"::text ILIKE %s',
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


@override_settings(CONSULTATION_RETENTION_DAYS=30)
def test_retention_erases_contact_details_everywhere_and_keeps_anonymous_responses(
    in_authority_a, mailoutbox
):
    consultation = make_consultation()
    participant = make_participant(
        consultation, "keep-out@example.org", full_name="Zed Unique", age_band="35_44"
    )
    consultation_open(consultation=consultation)
    respond(participant, comment="Fine by me")
    consultation_close(consultation=consultation)
    consultation_publish_results(consultation=consultation)
    outbox_relay()
    assert _text_columns_containing("keep-out@example.org")

    later = timezone.now() + timedelta(days=31)
    assert participants_erase_expired(now=later) == [consultation.pk]
    assert participants_erase_expired(now=later) == []

    assert _text_columns_containing("keep-out@example.org") == []
    assert _text_columns_containing("Zed Unique") == []
    participant.refresh_from_db()
    assert participant.erased_at is not None and participant.token_digest is None
    assert participant.age_band == "35_44"
    assert Response.objects.get(participant=participant).comment == "Fine by me"


@override_settings(CONSULTATION_RETENTION_DAYS=30)
def test_retention_leaves_recent_results_alone(in_authority_a):
    consultation = make_consultation()
    make_participant(consultation, "recent@example.org")
    consultation_open(consultation=consultation)
    consultation_close(consultation=consultation)
    consultation_publish_results(consultation=consultation)
    assert participants_erase_expired(now=timezone.now() + timedelta(days=29)) == []
    assert Participant.objects.get().email == "recent@example.org"


def test_own_erasure_removes_the_response_and_every_detail(in_authority_a):
    consultation = make_consultation()
    participant = make_participant(consultation, "gone@example.org", gender="woman")
    consultation_open(consultation=consultation)
    respond(participant)
    participant_erase(participant=participant)
    participant.refresh_from_db()
    assert (participant.email, participant.gender, participant.token_digest) == ("", "", None)
    assert not Response.objects.filter(participant=participant).exists()
    assert _text_columns_containing("gone@example.org") == []


def test_csv_import_takes_a_deprivation_quintile_and_refuses_an_unknown_one(in_authority_a):
    consultation = make_consultation()
    content = (
        "email,deprivation_quintile\n"
        "one@example.org,quintile_5\n"
        "two@example.org,Prefer_Not_To_Say\n"
        "three@example.org,\n"
    )
    participant_import_csv(consultation=consultation, content=content)
    held = dict(Participant.objects.values_list("email", "deprivation_quintile"))
    assert held == {
        "one@example.org": "quintile_5",
        "two@example.org": "prefer_not_to_say",
        "three@example.org": "",
    }
    with pytest.raises(ValidationError) as error:
        participant_import_csv(
            consultation=consultation, content="email,deprivation_quintile\nfour@example.org,6\n"
        )
    assert set(error.value.message_dict) == {"rows.2.deprivation_quintile"}
    assert not Participant.objects.filter(email="four@example.org").exists()


def test_erasure_on_request_blanks_the_deprivation_quintile(in_authority_a):
    consultation = make_consultation()
    person = make_participant(consultation, deprivation_quintile="quintile_1")
    participant_erase(participant=person)
    person.refresh_from_db()
    assert person.deprivation_quintile == "" and person.erased_at is not None
