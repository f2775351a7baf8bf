"""Authority host, no account: responding, seeing and erasing with a personal token."""

from __future__ import annotations

import itertools

import pytest

from api.public.throttles import ConsultationAddressThrottle, ConsultationTokenThrottle
from backend.consultations.models import Participant, Response
from backend.consultations.services import (
    consultation_close,
    consultation_open,
    consultation_update,
)
from backend.consultations.tokens import open_link_token
from tenants.context import authority_context
from tests.consultations.factories import ANSWERS, make_consultation, make_participant, token_of

_addresses = itertools.count(1)


@pytest.fixture(autouse=True)
def generous_rates(monkeypatch):
    """Most tests are not about rate limits; each uses its own client address too."""
    rates = ConsultationTokenThrottle.THROTTLE_RATES
    monkeypatch.setitem(rates, "consultation_token", "10000/min")
    monkeypatch.setitem(rates, "consultation_address", "10000/min")


@pytest.fixture
def client(anonymous, authority_a):
    client = anonymous(authority_a)
    client.defaults["REMOTE_ADDR"] = f"10.9.{next(_addresses) % 250}.{next(_addresses) % 250}"
    return client


@pytest.fixture
def invited(authority_a):
    with authority_context(authority_a):
        consultation = make_consultation()
        participant = make_participant(consultation, "voter@example.org", age_band="45_54")
        consultation_open(consultation=consultation)
    return participant


def _url(participant, suffix=""):
    return f"/api/v1/public/invitations/{token_of(participant)}{suffix}"


def _response_count(authority):
    with authority_context(authority):
        return Response.objects.count()


def test_participant_sees_the_consultation_and_their_own_data(client, invited):
    body = client.get(_url(invited)).json()
    assert body["participant"]["email"] == "voter@example.org"
    assert body["consultation"]["accepting_responses"] is True
    assert body["response"] is None


def test_a_response_is_recorded_and_a_resubmission_replaces_it(client, invited, authority_a):
    first = client.put(_url(invited, "/response"), ANSWERS, format="json")
    second = client.put(_url(invited, "/response"), {**ANSWERS, "acceptability": 1}, format="json")
    assert first.status_code == second.status_code == 200
    assert second.json()["response"]["acceptability"] == 1
    assert second.json()["response"]["revision"] == 2
    assert _response_count(authority_a) == 1


def test_unknown_token_is_404(client, invited):
    assert client.get("/api/v1/public/invitations/not-a-real-token").status_code == 404
    response = client.put("/api/v1/public/invitations/nope/response", ANSWERS, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**ANSWERS, "acceptability": 6}, "acceptability"),
        ({**ANSWERS, "purposeful": 0}, "purposeful"),
        ({**ANSWERS, "responsible": "4"}, "responsible"),
        ({**ANSWERS, "proportionate": 3.5}, "proportionate"),
        ({**ANSWERS, "acceptability": True}, "acceptability"),
        ({**ANSWERS, "comment": 42}, "comment"),
        ({**ANSWERS, "comment": "x" * 4001}, "comment"),
        ({**ANSWERS, "conditions": "x" * 2001}, "conditions"),
        ({**ANSWERS, "extra": "field"}, "extra"),
        ({k: v for k, v in ANSWERS.items() if k != "purposeful"}, "purposeful"),
    ],
)
def test_bad_answers_are_400_and_change_nothing(client, invited, authority_a, body, field):
    response = client.put(_url(invited, "/response"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert _response_count(authority_a) == 0


@pytest.mark.parametrize(
    "raw", [b"{not json", b"[1, 2, 3]", b'"a string"', b"null", b'{"acceptability": 4,}']
)
def test_malformed_json_is_400_and_changes_nothing(client, invited, authority_a, raw):
    response = client.generic(
        "PUT", _url(invited, "/response"), raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert _response_count(authority_a) == 0


def test_responses_after_close_get_410_with_a_message(client, invited, authority_a):
    with authority_context(authority_a):
        consultation_close(consultation=invited.consultation)
    response = client.put(_url(invited, "/response"), ANSWERS, format="json")
    assert response.status_code == 410
    assert response.json()["code"] == "consultation_closed"
    assert "closed" in response.json()["detail"]
    assert _response_count(authority_a) == 0


def test_participant_erases_their_own_data(client, invited, authority_a):
    client.put(_url(invited, "/response"), ANSWERS, format="json")
    assert client.delete(_url(invited)).status_code == 204
    assert client.get(_url(invited)).status_code == 404
    with authority_context(authority_a):
        participant = Participant.objects.get(pk=invited.pk)
        assert participant.email == "" and participant.age_band == ""
    assert _response_count(authority_a) == 0


def test_open_link_answer_returns_a_personal_token(client, authority_a):
    with authority_context(authority_a):
        consultation = make_consultation(method="online_survey", open_link_enabled=True)
        consultation_open(consultation=consultation)
        link = open_link_token(consultation.open_link_salt)
    created = client.post(
        f"/api/v1/public/open-surveys/{link}", {**ANSWERS, "age_band": "75_plus"}, format="json"
    )
    assert created.status_code == 201
    mine = client.get(f"/api/v1/public/invitations/{created.json()['token']}").json()
    assert mine["participant"]["age_band"] == "75_plus"
    assert mine["response"]["acceptability"] == ANSWERS["acceptability"]


def test_a_disabled_open_link_is_404(client, authority_a):
    with authority_context(authority_a):
        consultation = make_consultation(method="online_survey", open_link_enabled=True)
        link = open_link_token(consultation.open_link_salt)
        consultation_update(consultation=consultation, open_link_enabled=False)
    assert client.get(f"/api/v1/public/open-surveys/{link}").status_code == 404


def test_token_of_authority_a_is_unknown_on_authority_b(anonymous, authority_b, invited):
    response = anonymous(authority_b).get(_url(invited))
    assert response.status_code == 404


def test_responses_are_rate_limited_per_token(client, invited, monkeypatch):
    monkeypatch.setitem(ConsultationTokenThrottle.THROTTLE_RATES, "consultation_token", "3/min")
    codes = [client.get(_url(invited)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get(_url(invited)).json()
    assert limited["code"] == "throttled" and "retry_after_seconds" in limited["context"]


def test_responses_are_rate_limited_per_address(client, authority_a, monkeypatch):
    monkeypatch.setitem(ConsultationAddressThrottle.THROTTLE_RATES, "consultation_address", "2/min")
    codes = [
        client.get(f"/api/v1/public/invitations/guess-{index}").status_code for index in range(3)
    ]
    assert codes == [404, 404, 429]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/public/invitations/caf%C3%A9",
        "/api/v1/public/invitations/%E2%9C%93/response",
        "/api/v1/public/open-surveys/%F0%9F%98%80",
        "/api/v1/public/calendars/caf%C3%A9",
        "/api/v1/public/calendars/caf%C3%A9/consultations/1",
        f"/api/v1/public/invitations/{'x' * 500}",
    ],
)
def test_odd_tokens_are_404_not_500(client, path):
    method = "put" if path.endswith("/response") else "get"
    assert getattr(client, method)(path, ANSWERS, format="json").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/public/calendars/0?format=ics",
        "/api/v1/public/calendars/0/consultations/0?format=ics",
    ],
)
def test_a_calendar_feed_that_fails_answers_in_the_json_error_shape(client, path):
    response = client.get(path, HTTP_ACCEPT="text/calendar")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_answers_before_the_consultation_opens_are_409(client, authority_a):
    with authority_context(authority_a):
        participant = make_participant(make_consultation())
    response = client.put(_url(participant, "/response"), ANSWERS, format="json")
    assert response.status_code == 409 and response.json()["code"] == "consultation_not_open"
    assert _response_count(authority_a) == 0


# -- the respondent's deprivation quintile (optional, same bands as the baseline) ----------


def _open_survey(authority):
    with authority_context(authority):
        consultation = make_consultation(method="online_survey", open_link_enabled=True)
        consultation_open(consultation=consultation)
        return f"/api/v1/public/open-surveys/{open_link_token(consultation.open_link_salt)}"


def test_an_open_link_answer_gives_a_deprivation_quintile_seen_then_erased(client, authority_a):
    survey = _open_survey(authority_a)
    created = client.post(survey, {**ANSWERS, "deprivation_quintile": "quintile_2"}, format="json")
    assert created.status_code == 201, created.json()
    mine = f"/api/v1/public/invitations/{created.json()['token']}"
    assert client.get(mine).json()["participant"]["deprivation_quintile"] == "quintile_2"
    with authority_context(authority_a):
        [person] = Participant.objects.filter(consultation__open_link_enabled=True)
        assert person.deprivation_quintile == "quintile_2"

    assert client.delete(mine).status_code == 204
    with authority_context(authority_a):
        person.refresh_from_db()
        assert person.deprivation_quintile == ""


def test_declining_the_deprivation_question_is_kept_as_a_choice(client, authority_a):
    survey = _open_survey(authority_a)
    created = client.post(
        survey, {**ANSWERS, "deprivation_quintile": "prefer_not_to_say"}, format="json"
    )
    mine = client.get(f"/api/v1/public/invitations/{created.json()['token']}").json()
    assert mine["participant"]["deprivation_quintile"] == "prefer_not_to_say"
    # Left out altogether, it is null (not asked), never a band.
    other = client.post(survey, ANSWERS, format="json").json()["token"]
    assert (
        client.get(f"/api/v1/public/invitations/{other}").json()["participant"][
            "deprivation_quintile"
        ]
        is None
    )


@pytest.mark.parametrize("band", ["quintile_6", "5", "QUINTILE_1", "", None, 3])
def test_an_unknown_deprivation_band_is_400_and_writes_nothing(client, authority_a, band):
    survey = _open_survey(authority_a)
    response = client.post(survey, {**ANSWERS, "deprivation_quintile": band}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and "deprivation_quintile" in body["fields"]
    assert _response_count(authority_a) == 0


def test_an_invited_answer_may_give_the_deprivation_quintile_and_keeps_what_it_leaves_out(
    client, invited, authority_a
):
    # Staff recorded an age band when inviting; the resident adds their quintile.
    given = client.put(
        _url(invited, "/response"), {**ANSWERS, "deprivation_quintile": "quintile_4"}, format="json"
    )
    assert given.status_code == 200, given.json()
    assert given.json()["participant"]["deprivation_quintile"] == "quintile_4"
    assert given.json()["participant"]["age_band"] == "45_54"
    # Answering again without the question leaves it as it was.
    again = client.put(_url(invited, "/response"), {**ANSWERS, "acceptability": 1}, format="json")
    assert again.json()["participant"]["deprivation_quintile"] == "quintile_4"
    with authority_context(authority_a):
        person = Participant.objects.get(pk=invited.pk)
        assert (person.deprivation_quintile, person.age_band) == ("quintile_4", "45_54")
        assert Response.objects.get(participant=person).acceptability == 1


def test_an_invited_answer_with_an_unknown_band_changes_nothing(client, invited, authority_a):
    response = client.put(
        _url(invited, "/response"), {**ANSWERS, "deprivation_quintile": "top"}, format="json"
    )
    assert response.status_code == 400
    assert "deprivation_quintile" in response.json()["fields"]
    assert _response_count(authority_a) == 0
    with authority_context(authority_a):
        assert Participant.objects.get(pk=invited.pk).deprivation_quintile == ""


def test_an_invited_answer_after_the_close_sets_no_demographics(client, invited, authority_a):
    with authority_context(authority_a):
        consultation_close(consultation=invited.consultation)
    response = client.put(
        _url(invited, "/response"), {**ANSWERS, "deprivation_quintile": "quintile_1"}, format="json"
    )
    assert response.status_code == 410
    with authority_context(authority_a):
        assert Participant.objects.get(pk=invited.pk).deprivation_quintile == ""
