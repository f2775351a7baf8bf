"""The register as pages: the API's selector, filters and serializer output, per host."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from tenants.context import authority_context
from tenants.roles import Role
from tests.conftest import host_of
from tests.disclosure.scenarios import (
    assessed_proposal,
    decided_and_published,
    held_consultation,
)
from tests.proposals.factories import make_decision

SECRET_NOTES = "internal-notes-never-public-5d1e"


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER)


@pytest.fixture
def published(authority_a, officer):
    with authority_context(authority_a):
        return make_decision(
            authority_a,
            officer.user,
            published=True,
            outcome="approved_with_conditions",
            rationale="Benefits outweigh the risks for discharged patients.",
            conditions="Annual review by the board",
            public_influence="Residents asked for a sunset clause",
            internal_notes=SECRET_NOTES,
        )


@pytest.fixture
def rejected(authority_b, make_member):
    officer = make_member(authority_b, Role.OFFICER)
    with authority_context(authority_b):
        return make_decision(authority_b, officer.user, published=True, outcome="rejected")


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def _entry_ids(response) -> list[str]:
    return re.findall(r'href="/register/([0-9a-f-]{36})/"', response.content.decode())


def test_each_host_lists_its_own_entries_and_the_programme_host_lists_all(
    published, rejected, authority_a, authority_b
):
    on_a = Client(HTTP_HOST=host_of(authority_a)).get("/register/")
    on_b = Client(HTTP_HOST=host_of(authority_b)).get("/register/")
    everywhere = Client(HTTP_HOST=host_of(None)).get("/register/")
    assert on_a.status_code == on_b.status_code == everywhere.status_code == 200
    assert len(_entry_ids(on_a)) == len(_entry_ids(on_b)) == 1
    assert set(_entry_ids(everywhere)) == set(_entry_ids(on_a)) | set(_entry_ids(on_b))
    # An authority's host does not show another authority's entry, even by its id.
    (b_entry,) = _entry_ids(on_b)
    assert Client(HTTP_HOST=host_of(authority_a)).get(f"/register/{b_entry}/").status_code == 404


def test_filters_are_the_api_filters(published, rejected):
    page = Client(HTTP_HOST=host_of(None))
    approved = page.get("/register/", {"outcome": "approved_with_conditions"})
    assert len(_entry_ids(approved)) == 1
    assert page.get("/register/", {"outcome": "rejected"}).status_code == 200
    assert _entry_ids(page.get("/register/", {"service_area": "education"})) == []
    assert len(_entry_ids(page.get("/register/", {"service_area": "housing"}))) == 2
    assert _entry_ids(page.get("/register/", {"decided_to": "2000-01-01"})) == []
    bad = page.get("/register/", {"decided_from": "not-a-date", "outcome": "maybe"})
    assert bad.status_code == 400
    assert "There is a problem" in _text(bad)
    assert 'href="#decided_from"' in bad.content.decode()


def test_an_entry_page_shows_what_the_api_shows_and_nothing_private(
    published, authority_a, anonymous
):
    api = anonymous(authority_a).get("/api/v1/public/register").json()["results"][0]
    response = Client(HTTP_HOST=host_of(authority_a)).get(f"/register/{api['id']}/")
    text = _text(response)
    assert response.status_code == 200
    for field in ("title", "summary", "purpose", "rationale", "conditions", "public_influence"):
        assert api[field] in text, field
    assert api["reference"] in text and api["authority"]["name"] in text
    assert api["legal_gateway_detail"] in text
    for category in api["data_categories"]:
        assert category["name"] in text
    for partner in api["partners"]:
        assert partner["name"] in text
    assert "Approved with conditions" in text
    assert SECRET_NOTES not in text


def test_an_unknown_entry_is_a_404_page(authority_a):
    response = Client(HTTP_HOST=host_of(authority_a)).get(
        "/register/00000000-0000-0000-0000-000000000001/"
    )
    assert response.status_code == 404 and "Page not found" in _text(response)


def _acceptability_rows(response) -> dict[str, str]:
    """The register entry's acceptability table: row header → cell."""
    html = response.content.decode()
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]*)</th>'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>',
        html,
    )
    return {unescape(header).strip(): unescape(cell).strip() for header, cell in rows}


def test_an_entry_with_a_few_answers_in_one_category_shows_the_combined_categories(
    authority_a, make_member, anonymous
):
    """Three people found it very acceptable: too few to show apart, so the page shows
    'Acceptable or very acceptable' and the other two combined categories, with shares."""
    officer = make_member(authority_a, Role.OFFICER).user
    reviewer = make_member(authority_a, Role.ADMIN).user
    answers = (
        [{"acceptability": 1}] * 9  # very unacceptable
        + [{"acceptability": 4}] * 10  # acceptable
        + [{"acceptability": 5}] * 3  # very acceptable: small on its own
    )
    with authority_context(authority_a):
        proposal = assessed_proposal(authority_a, officer, reviewer)
        held_consultation(proposal, invited=25, answers=answers)
        decided_and_published(authority_a, proposal, officer)

    entry = anonymous(authority_a).get("/api/v1/public/register").json()["results"][0]
    (published,) = entry["consultation_summary"]["consultations"]
    assert published["acceptability_combined"] is True
    response = Client(HTTP_HOST=host_of(authority_a)).get(f"/register/{entry['id']}/")
    assert response.status_code == 200

    rows = _acceptability_rows(response)
    # 22 answered (published as 20): 9 → 10 is 50%, 13 → 15 is 75%, nobody neutral.
    assert rows["Unacceptable or very unacceptable"] == "50%"
    assert rows["Acceptable or very acceptable"] == "75%"
    assert rows["Neither acceptable nor unacceptable"] == "0%"
    # The five-point labels, which would claim figures nobody published, are not shown.
    for fine in ("Very acceptable", "Acceptable", "Unacceptable", "Very unacceptable"):
        assert fine not in rows
