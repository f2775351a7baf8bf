"""The resident's pages on an authority host, through Django's test client (real database).

The browser walk (tests/web/test_browser.py) covers the same path in Chromium;
these tests pin each status code, write and header cheaply.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.test import Client

from api.public.throttles import ConsultationTokenThrottle
from backend.consultations.models import Participant, Response
from backend.consultations.services import consultation_close, consultation_open
from backend.consultations.tokens import open_link_token
from tenants.context import authority_context
from tests.conftest import host_of
from tests.consultations.factories import ANSWERS, make_consultation, make_participant, token_of

_addresses = itertools.count(1)
FORM = {
    "acceptability": "2",
    "purposeful": "4",
    "proportionate": "3",
    "responsible": "5",
    "conditions": "Only with an opt-out.",
    "comment": "",
    "age_band": "45_54",
    "gender": "",
    "ethnicity": "prefer_not_to_say",
    "disability": "",
    "postcode_district": "cf10",
}


@pytest.fixture(autouse=True)
def generous_rates(monkeypatch):
    rates = ConsultationTokenThrottle.THROTTLE_RATES
    monkeypatch.setitem(rates, "consultation_token", "10000/min")
    monkeypatch.setitem(rates, "consultation_address", "10000/min")


@pytest.fixture
def page(authority_a):
    address = next(_addresses)
    address_text = f"10.8.{address // 250}.{address % 250}"
    return Client(HTTP_HOST=host_of(authority_a), REMOTE_ADDR=address_text)


@pytest.fixture
def invited(authority_a):
    with authority_context(authority_a):
        consultation = make_consultation(
            method="online_survey",
            title="Sharing school meals data",
            description="Should the council share benefit records with schools?",
        )
        participant = make_participant(consultation, "voter@example.org", full_name="Ada Voter")
        consultation_open(consultation=consultation)
    return participant


def _url(participant, suffix=""):
    return f"/consultations/respond/{token_of(participant)}/{suffix}"


def _held(authority, participant):
    with authority_context(authority):
        person = Participant.objects.get(pk=participant.pk)
        return person, Response.objects.filter(participant=person).first()


def test_the_emailed_link_shows_the_consultation_and_the_questions(page, invited):
    response = page.get(_url(invited))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sharing school meals data" in html
    assert "Should the council share benefit records with schools?" in html
    for name in ("acceptability", "purposeful", "proportionate", "responsible", "age_band"):
        assert f'name="{name}"' in html
    assert "Very acceptable" in html and "Strongly disagree" in html
    assert "Why we ask" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_an_answer_with_demographics_is_recorded_and_confirmed(page, invited, authority_a):
    response = page.post(_url(invited), FORM)
    assert response.status_code == 303
    assert response["Location"] == _url(invited, "confirmation/")
    person, answer = _held(authority_a, invited)
    assert (answer.acceptability, answer.purposeful, answer.responsible) == (2, 4, 5)
    assert answer.conditions == "Only with an opt-out."
    assert (person.age_band, person.ethnicity, person.postcode_district) == (
        "45_54",
        "prefer_not_to_say",
        "CF10",
    )
    confirmation = page.get(response["Location"]).content.decode()
    assert "Your answer has been sent" in confirmation
    assert "Unacceptable" in confirmation  # acceptability 2, in words


def test_changing_the_answer_replaces_it_and_the_form_shows_the_current_one(
    page, invited, authority_a
):
    page.post(_url(invited), FORM)
    form = page.get(_url(invited)).content.decode()
    assert re.search(r'name="acceptability" type="radio" value="2" checked', form)
    assert "You have already answered" in form
    page.post(_url(invited), {**FORM, "acceptability": "5"})
    _, answer = _held(authority_a, invited)
    assert (answer.acceptability, answer.revision) == (5, 2)


def test_missing_answers_show_the_error_summary_and_write_nothing(page, invited, authority_a):
    response = page.post(_url(invited), {**FORM, "acceptability": "", "postcode_district": "X"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert '<a href="#acceptability">Select how acceptable the data sharing is to you</a>' in html
    assert 'id="acceptability-error"' in html and 'id="postcode_district-error"' in html
    assert "<title>Error:" in html
    assert _held(authority_a, invited)[1] is None


def test_an_out_of_range_answer_is_a_validation_error_not_a_server_error(page, invited):
    assert page.post(_url(invited), {**FORM, "purposeful": "9"}).status_code == 400


def test_a_closed_consultation_shows_the_closed_page_with_410(page, invited, authority_a):
    with authority_context(authority_a):
        consultation_close(consultation=invited.consultation)
    for response in (page.get(_url(invited)), page.post(_url(invited), FORM)):
        assert response.status_code == 410
        assert "This consultation has closed" in response.content.decode()
    assert _held(authority_a, invited)[1] is None
    # What is held can still be seen and erased after the close.
    assert page.get(_url(invited, "your-data/")).status_code == 200


def test_an_unknown_token_is_a_404_page(page, invited):
    response = page.get("/consultations/respond/not-a-real-token/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_see_what_is_held_lists_contact_details_demographics_and_answer(page, invited):
    page.post(_url(invited), FORM)
    html = page.get(_url(invited, "your-data/")).content.decode()
    for held in ("voter@example.org", "Ada Voter", "45 to 54", "CF10", "Only with an opt-out."):
        assert held in html


def test_erasing_needs_the_confirmation_step_then_the_link_stops_working(
    page, invited, authority_a
):
    page.post(_url(invited), FORM)
    confirm = page.get(_url(invited, "erase/"))
    assert confirm.status_code == 200 and "Yes, erase my data" in confirm.content.decode()
    assert _held(authority_a, invited)[1] is not None  # a GET erases nothing
    erased = page.post(_url(invited, "erase/"))
    assert erased.status_code == 303 and erased["Location"] == "/consultations/erased/"
    person, answer = _held(authority_a, invited)
    assert answer is None and person.email == "" and person.age_band == ""
    assert page.get(_url(invited)).status_code == 404


def test_forms_are_csrf_protected_with_an_html_page(invited, authority_a):
    strict = Client(HTTP_HOST=host_of(authority_a), enforce_csrf_checks=True)
    response = strict.post(_url(invited), FORM)
    assert response.status_code == 403
    assert "problem with the form" in response.content.decode()
    assert _held(authority_a, invited)[1] is None


def test_pages_and_the_api_share_one_rate_limit_per_token(page, invited, monkeypatch):
    monkeypatch.setitem(ConsultationTokenThrottle.THROTTLE_RATES, "consultation_token", "3/min")
    api = f"/api/v1/public/invitations/{token_of(invited)}"
    statuses = [page.get(_url(invited)).status_code, page.get(api).status_code]
    statuses += [page.get(_url(invited)).status_code, page.get(_url(invited)).status_code]
    assert statuses == [200, 200, 200, 429]
    limited = page.get(_url(invited))
    assert "Too many attempts" in limited.content.decode() and int(limited["Retry-After"]) > 0


def test_a_scheduled_consultation_says_when_it_opens(page, authority_a):
    with authority_context(authority_a):
        participant = make_participant(make_consultation())
    response = page.get(_url(participant))
    assert response.status_code == 200
    assert "has not opened yet" in response.content.decode()
    assert 'name="acceptability"' not in response.content.decode()


def test_the_open_link_survey_gives_a_personal_link_to_change_the_answer(page, authority_a):
    with authority_context(authority_a):
        consultation = make_consultation(method="online_survey", open_link_enabled=True)
        consultation_open(consultation=consultation)
        link = open_link_token(consultation.open_link_salt)
    form = page.get(f"/consultations/survey/{link}/")
    assert form.status_code == 200 and 'name="acceptability"' in form.content.decode()
    sent = page.post(f"/consultations/survey/{link}/", FORM)
    assert sent.status_code == 303
    token = re.fullmatch(r"/consultations/respond/([^/]+)/confirmation/", sent["Location"])[1]
    confirmation = page.get(sent["Location"]).content.decode()
    assert "Keep this personal link" in confirmation and token in confirmation
    with authority_context(authority_a):
        person = Participant.objects.get(consultation=consultation)
    assert (person.source, person.age_band) == ("open_link", "45_54")
    assert page.get(f"/consultations/survey/{link}-wrong/").status_code == 404


def test_the_invitation_email_links_to_the_page_by_default(authority_a, mailoutbox, page):
    with authority_context(authority_a):
        consultation = make_consultation(method="online_survey")
        participant = make_participant(consultation, "reader@example.org")
        consultation_open(consultation=consultation)
        from backend.consultations.services import outbox_relay

        outbox_relay()
    (message,) = [m for m in mailoutbox if m.to == ["reader@example.org"]]
    link = re.search(r"http://\S+/consultations/respond/\S+/", message.body)[0]
    assert link == f"http://{host_of(authority_a)}{_url(participant)}"
    assert "a online" not in message.body and "an online" not in message.body
    assert "How you take part: Online survey" in message.body
    assert page.get(link.split(host_of(authority_a), 1)[1]).status_code == 200


def test_the_response_link_setting_still_points_emails_elsewhere(authority_a, mailoutbox, settings):
    settings.CONSULTATION_RESPONSE_LINK = "https://have-your-say.example/{host}/{token}"
    with authority_context(authority_a):
        consultation = make_consultation(method="online_survey")
        participant = make_participant(consultation, "elsewhere@example.org")
        consultation_open(consultation=consultation)
        from backend.consultations.services import outbox_relay

        outbox_relay()
    (message,) = [m for m in mailoutbox if m.to == ["elsewhere@example.org"]]
    expected = f"https://have-your-say.example/{host_of(authority_a)}/{token_of(participant)}"
    assert expected in message.body


def test_answers_in_the_form_match_the_api_answers(invited):
    # The form and the API accept the same scale values and free-text fields.
    from web.forms import ResidentForm

    assert set(ResidentForm.answer_fields) == set(ANSWERS)


# -- the deprivation quintile question ------------------------------------------------------


def test_the_form_asks_for_the_deprivation_quintile_with_a_hint(page, invited):
    html = page.get(_url(invited)).content.decode()
    assert "How deprived is the area you live in?" in html
    assert 'id="deprivation_quintile-hint"' in html
    for value in ("quintile_1", "quintile_5", "prefer_not_to_say"):
        assert f'name="deprivation_quintile" type="radio" value="{value}"' in html


def test_a_deprivation_quintile_is_recorded_shown_again_and_erased(page, invited, authority_a):
    page.post(_url(invited), {**FORM, "deprivation_quintile": "quintile_1"})
    person, _ = _held(authority_a, invited)
    assert person.deprivation_quintile == "quintile_1"
    form = page.get(_url(invited)).content.decode()
    assert 'name="deprivation_quintile" type="radio" value="quintile_1" checked' in form
    held = page.get(_url(invited, "your-data/")).content.decode()
    assert "Deprivation of your area" in held
    assert "Group 1: the most deprived fifth of areas" in held

    page.post(_url(invited, "erase/"))
    person, _ = _held(authority_a, invited)
    assert person.deprivation_quintile == ""


def test_leaving_the_deprivation_question_blank_clears_an_earlier_answer(
    page, invited, authority_a
):
    page.post(_url(invited), {**FORM, "deprivation_quintile": "quintile_3"})
    page.post(_url(invited), {**FORM, "deprivation_quintile": ""})
    person, _ = _held(authority_a, invited)
    assert person.deprivation_quintile == ""
    held = page.get(_url(invited, "your-data/")).content.decode()
    assert "Not given" in held


def test_an_unknown_deprivation_band_shows_the_error_and_writes_nothing(page, invited, authority_a):
    response = page.post(_url(invited), {**FORM, "deprivation_quintile": "quintile_9"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'href="#deprivation_quintile"' in html
    person, answer = _held(authority_a, invited)
    assert answer is None and person.deprivation_quintile == ""


def test_the_deprivation_choices_are_the_models_and_the_baselines_bands():
    from backend.consultations.models import DeprivationQuintile
    from backend.population.bands import BANDS, DECLINED
    from web.forms import DEPRIVATION_CHOICES

    values = [value for value, _ in DEPRIVATION_CHOICES]
    assert values == DeprivationQuintile.values
    assert values == [*BANDS["deprivation"], DECLINED]
