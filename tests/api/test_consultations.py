"""Authority host: consultations and participants for staff."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from backend.consultations.models import Consultation, Participant
from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import make_consultation, make_participant, make_proposal


def _payload(proposal, **overrides):
    start = timezone.now() + timedelta(days=3)
    return {
        "proposal": proposal.pk,
        "method": "focus_group",
        "title": "Focus group on housing data",
        "location": "Town Hall, Room 2",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 12,
        "reminder_lead_minutes": 60,
        "budget": "1500.00",
        **overrides,
    }


@pytest.fixture
def proposal_a(authority_a):
    with authority_context(authority_a):
        return make_proposal()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICER, Role.FACILITATOR])
def test_engagement_staff_create_consultations(role, authority_a, make_member, proposal_a):
    client = make_member(authority_a, role).client(authority_a)
    response = client.post("/api/v1/consultations", _payload(proposal_a), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "scheduled"
    assert body["allowed_transitions"] == ["cancelled", "open"]
    assert body["starts_at"].endswith("Z")
    london = datetime.fromisoformat(body["starts_at_london"])
    assert london == datetime.fromisoformat(body["starts_at"])
    assert london.utcoffset() == london.astimezone(ZoneInfo("Europe/London")).utcoffset()


def test_viewers_read_but_do_not_write(authority_a, make_member, proposal_a):
    with authority_context(authority_a):
        make_consultation(proposal=proposal_a)
    client = make_member(authority_a, Role.VIEWER).client(authority_a)
    assert client.get("/api/v1/consultations").json()["count"] == 1
    refused = client.post("/api/v1/consultations", _payload(proposal_a), format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_not_allowed"


def test_naive_times_and_reversed_times_are_refused(authority_a, make_member, proposal_a):
    client = make_member(authority_a, Role.OFFICER).client(authority_a)
    naive = client.post(
        "/api/v1/consultations",
        _payload(proposal_a, starts_at="2027-01-01T10:00:00"),
        format="json",
    )
    assert naive.status_code == 400 and "starts_at" in naive.json()["fields"]
    reversed_times = client.post(
        "/api/v1/consultations",
        _payload(proposal_a, starts_at="2027-01-01T12:00:00Z", ends_at="2027-01-01T10:00:00Z"),
        format="json",
    )
    assert reversed_times.status_code == 400 and "ends_at" in reversed_times.json()["fields"]


@pytest.mark.parametrize("bad_time", ["2024-01-01T12:99:00Z", "2027-01-01T10:00:00+24:00"])
def test_an_impossible_time_is_a_400_and_writes_nothing(
    bad_time, authority_a, make_member, proposal_a
):
    client = make_member(authority_a, Role.OFFICER).client(authority_a)
    response = client.post(
        "/api/v1/consultations", _payload(proposal_a, starts_at=bad_time), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["starts_at"]
    with authority_context(authority_a):
        assert not Consultation.objects.exists()


def test_an_impossible_time_on_reschedule_is_a_400(authority_a, make_member, proposal_a):
    client = make_member(authority_a, Role.OFFICER).client(authority_a)
    created = client.post("/api/v1/consultations", _payload(proposal_a), format="json").json()
    response = client.post(
        f"/api/v1/consultations/{created['id']}/reschedule",
        {"starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T25:00:00Z"},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()["fields"]) == ["ends_at"]
    with authority_context(authority_a):
        assert Consultation.objects.get().starts_at.isoformat() == created["starts_at"].replace(
            "Z", "+00:00"
        )


def test_a_method_key_with_a_nul_character_is_a_400_and_changes_nothing(
    authority_a, make_member, proposal_a
):
    client = make_member(authority_a, Role.OFFICER).client(authority_a)
    created = client.post("/api/v1/consultations", _payload(proposal_a), format="json").json()
    response = client.patch(
        f"/api/v1/consultations/{created['id']}",
        {"method": "workshop\x00", "title": "Renamed"},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()["fields"]) == ["method"]
    with authority_context(authority_a):
        unchanged = Consultation.objects.select_related("method").get()
    assert (unchanged.method.key, unchanged.title) == ("focus_group", created["title"])


def test_illegal_transition_answers_409_listing_the_allowed_ones(
    authority_a, make_member, proposal_a
):
    client = make_member(authority_a, Role.FACILITATOR).client(authority_a)
    created = client.post("/api/v1/consultations", _payload(proposal_a), format="json").json()
    response = client.post(f"/api/v1/consultations/{created['id']}/publish-results")
    assert response.status_code == 409
    assert response.json()["context"]["allowed"] == ["cancelled", "open"]


def test_reschedule_after_opening_is_a_conflict(authority_a, make_member, proposal_a):
    client = make_member(authority_a, Role.OFFICER).client(authority_a)
    created = client.post("/api/v1/consultations", _payload(proposal_a), format="json").json()
    assert client.post(f"/api/v1/consultations/{created['id']}/open").status_code == 200
    response = client.post(
        f"/api/v1/consultations/{created['id']}/reschedule",
        {"starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T12:00:00Z"},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "not_scheduled"


def test_results_appear_on_close(authority_a, make_member, proposal_a):
    client = make_member(authority_a, Role.OFFICER).client(authority_a)
    created = client.post(
        "/api/v1/consultations", _payload(proposal_a, cost_venue="120.00"), format="json"
    ).json()
    assert client.get(f"/api/v1/consultations/{created['id']}/results").status_code == 404
    client.post(f"/api/v1/consultations/{created['id']}/open")
    client.post(f"/api/v1/consultations/{created['id']}/close")
    results = client.get(f"/api/v1/consultations/{created['id']}/results").json()
    assert results["invited"] == 0 and results["cost_per_participant"] is None
    assert set(results["public_officer_gap"]) == {"purposeful", "proportionate", "responsible"}


def _count_queries(client, url):
    client.get(url)  # warm the host and token caches, which are not per-row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_consultation_list_query_count_is_constant(authority_a, make_member, proposal_a):
    client = make_member(authority_a, Role.VIEWER).client(authority_a)
    with authority_context(authority_a):
        for _ in range(5):
            make_participant(make_consultation(proposal=proposal_a))
    five, count = _count_queries(client, "/api/v1/consultations?page_size=100")
    assert count == 5
    with authority_context(authority_a):
        for _ in range(45):
            make_participant(make_consultation(proposal=proposal_a))
    fifty, count = _count_queries(client, "/api/v1/consultations?page_size=100")
    assert count == 50
    assert five == fifty


def test_participant_list_query_count_is_constant(authority_a, make_member, proposal_a):
    client = make_member(authority_a, Role.VIEWER).client(authority_a)
    with authority_context(authority_a):
        consultation = make_consultation(proposal=proposal_a)
        for _ in range(5):
            make_participant(consultation)
    five, _ = _count_queries(client, "/api/v1/participants?page_size=100")
    with authority_context(authority_a):
        for _ in range(45):
            make_participant(consultation)
    fifty, count = _count_queries(client, "/api/v1/participants?page_size=100")
    assert count == 50
    assert five == fifty


def test_adding_a_participant_twice_is_a_400(authority_a, make_member, proposal_a):
    client = make_member(authority_a, Role.FACILITATOR).client(authority_a)
    with authority_context(authority_a):
        consultation = make_consultation(proposal=proposal_a)
    body = {"consultation": consultation.pk, "email": "Same@Example.org", "age_band": "18_24"}
    assert client.post("/api/v1/participants", body, format="json").status_code == 201
    again = client.post("/api/v1/participants", body, format="json")
    assert again.status_code == 400 and "email" in again.json()["fields"]


def test_csv_upload_reports_row_errors_and_imports_nothing(authority_a, make_member, proposal_a):
    client = make_member(authority_a, Role.FACILITATOR).client(authority_a)
    with authority_context(authority_a):
        consultation = make_consultation(proposal=proposal_a)
    content = b"email,gender\nok@example.org,woman\nbroken,alien\n"
    response = client.post(
        f"/api/v1/consultations/{consultation.pk}/participants/import",
        {"file": SimpleUploadedFile("people.csv", content, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"rows.3.email", "rows.3.gender"}
    with authority_context(authority_a):
        assert not Participant.objects.exists()


def test_csv_upload_imports_a_good_file(authority_a, make_member, proposal_a):
    client = make_member(authority_a, Role.FACILITATOR).client(authority_a)
    with authority_context(authority_a):
        consultation = make_consultation(proposal=proposal_a)
    content = b"email,full_name\na@example.org,A\nb@example.org,B\n"
    response = client.post(
        f"/api/v1/consultations/{consultation.pk}/participants/import",
        {"file": SimpleUploadedFile("people.csv", content, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201 and response.json() == {"imported": 2}


def test_authority_feed_is_subscribable_and_follows_reschedule_and_cancel(
    authority_a, make_member, anonymous, proposal_a
):
    client = make_member(authority_a, Role.OFFICER).client(authority_a)
    created = client.post("/api/v1/consultations", _payload(proposal_a), format="json").json()
    feed_url = client.get("/api/v1/consultations/calendar-feed").json()["url"]
    path = feed_url.split("localhost", 1)[1]
    client.post(
        f"/api/v1/consultations/{created['id']}/reschedule",
        {"starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T12:00:00Z"},
        format="json",
    )
    client.post(f"/api/v1/consultations/{created['id']}/cancel", {"reason": "x"}, format="json")

    feed = anonymous(authority_a).get(path, HTTP_ACCEPT="text/calendar")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED"
    one = anonymous(authority_a).get(created["calendar_url"].split("localhost", 1)[1])
    assert one.status_code == 200
    assert anonymous(authority_a).get("/api/v1/public/calendars/not-the-secret").status_code == 404


def test_engagement_methods_are_readable_on_both_hosts(anonymous, authority_a):
    for host in (None, authority_a):
        body = anonymous(host).get("/api/v1/public/engagement-methods").json()
        keys = {method["key"] for method in body["results"]}
        assert keys == {
            "workshop",
            "citizens_panel",
            "online_survey",
            "focus_group",
            "public_meeting",
            "drop_in",
        }
