"""The baseline through the API, and representativeness in a real consultation's results."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.consultations.services import consultation_close, consultation_open
from backend.population.models import PopulationBand
from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import make_consultation, make_participant, respond

AGE = {
    "source": "ONS Census 2021, TS007A",
    "year": 2021,
    "bands": {"18_24": 1000, "25_34": 1000, "35_44": 2000},
}


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER).client(authority_a)


def test_an_officer_sets_a_dimension_and_everyone_reads_it(authority_a, officer, make_member):
    response = officer.put("/api/v1/population/age", AGE, format="json")
    assert response.status_code == 200, response.json()
    viewer = make_member(authority_a, Role.VIEWER).client(authority_a)
    [age] = viewer.get("/api/v1/population").json()["dimensions"]
    assert age["dimension"] == "age" and age["year"] == 2021
    # Every band of the dimension is listed; those not given count zero.
    assert age["bands"]["18_24"] == 1000 and age["bands"]["75_plus"] == 0
    assert viewer.put("/api/v1/population/age", AGE, format="json").status_code == 403


@pytest.mark.parametrize(
    ("dimension", "body", "field"),
    [
        ("age", {**AGE, "bands": {"teenagers": 5}}, "bands"),
        ("age", {**AGE, "bands": {"18_24": -1}}, "bands.18_24"),
        ("age", {**AGE, "bands": {"18_24": 0}}, "bands"),
        ("age", {**AGE, "year": 1066}, "year"),
        ("age", {**AGE, "source": " "}, "source"),
        ("shoe_size", AGE, "dimension"),
    ],
)
def test_bad_baselines_are_refused_whole(authority_a, officer, dimension, body, field):
    officer.put("/api/v1/population/age", AGE, format="json")
    response = officer.put(f"/api/v1/population/{dimension}", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    with authority_context(authority_a):
        assert PopulationBand.objects.get(dimension="age", band="18_24").population == 1000


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("baseline.csv", text.encode(), content_type="text/csv")


def test_a_csv_import_replaces_the_dimensions_it_names(authority_a, officer):
    body = (
        "dimension,band,population,source,year\n"
        "sex,female,5100,ONS Census 2021,2021\n"
        "sex,male,4900,ONS Census 2021,2021\n"
        "disability,yes,1800,ONS Census 2021,2021\n"
        "disability,no,8200,ONS Census 2021,2021\n"
    )
    response = officer.post("/api/v1/population/import", {"file": _csv(body)}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["dimensions"] == ["disability", "sex"]
    with authority_context(authority_a):
        assert PopulationBand.objects.get(dimension="sex", band="female").population == 5100


def test_one_bad_row_imports_nothing_and_names_the_row(authority_a, officer):
    body = (
        "dimension,band,population,source,year\n"
        "sex,female,5100,ONS Census 2021,2021\n"
        "sex,male,many,ONS Census 2021,2021\n"
    )
    response = officer.post("/api/v1/population/import", {"file": _csv(body)}, format="multipart")
    assert response.status_code == 400
    assert "rows.3.population" in response.json()["fields"]
    with authority_context(authority_a):
        assert not PopulationBand.objects.exists()


def _closed_consultation_with(people: list[tuple[str, int]]):
    """A consultation whose respondents have these (age band, acceptability 1-5)."""
    consultation = make_consultation()
    participants = [make_participant(consultation, age_band=age) for age, _ in people]
    consultation_open(consultation=consultation)
    for participant, (_, acceptability) in zip(participants, people, strict=True):
        respond(participant, acceptability=acceptability)
    consultation_close(consultation=consultation)
    return consultation


def test_results_compare_respondents_with_the_population(authority_a, officer):
    officer.put("/api/v1/population/age", AGE, format="json")
    with authority_context(authority_a):
        # 10 aged 18-24 (all acceptable), 10 aged 25-34 (all unacceptable), 0 aged 35-44,
        # 9 who preferred not to say.
        consultation = _closed_consultation_with(
            [("18_24", 5)] * 10 + [("25_34", 1)] * 10 + [("prefer_not_to_say", 3)] * 9
        )
    results = officer.get(f"/api/v1/consultations/{consultation.pk}/results").json()
    [age] = results["representativeness"]["dimensions"]
    # Counts are rounded to the nearest 5 (9 → 10) like every published count.
    assert (age["respondents_with_band"], age["without_band"]) == (20, 10)
    bands = {band["band"]: band for band in age["bands"]}
    assert bands["18_24"]["respondent_share"] == 0.5
    assert bands["18_24"]["representation"] == 2.0  # half the respondents, a quarter of people
    assert bands["35_44"]["respondents"] == 0 and bands["35_44"]["representation"] == 0.0
    # ½(|0.5 - 0.25| + |0.5 - 0.25| + |0 - 0.5|) = 0.5
    assert age["index"] == 0.5
    # Only the two bands with respondents weigh in, equally: (+1 - 1) / 2 = 0
    assert age["weighted_net_acceptability"] == 0.0
    assert age["coverage"] == 0.5
    assert results["representativeness"]["representativeness_index"] == 0.5


def test_a_lone_older_respondent_cannot_be_picked_out(authority_a, officer):
    """Attack: find the one respondent aged 35-44 and read their answer from the figures."""
    officer.put("/api/v1/population/age", AGE, format="json")
    with authority_context(authority_a):
        consultation = _closed_consultation_with(
            [("18_24", 4)] * 10 + [("25_34", 4)] * 10 + [("35_44", 1)]
        )
        from backend.consultations.models import Response

        # On unprotected figures the attack works: the band holds one person, whose
        # answer is the band's whole distribution.
        lone = list(
            Response.objects.filter(
                participant__consultation=consultation, participant__age_band="35_44"
            ).values_list("acceptability", flat=True)
        )
        assert lone == [1]
    results = officer.get(f"/api/v1/consultations/{consultation.pk}/results").json()
    [age] = results["representativeness"]["dimensions"]
    published = [band["band"] for band in age["bands"]]
    assert "35_44" not in published  # merged with the next smallest band
    [merged] = [band for band in age["bands"] if band["band"] == "merged"]
    assert merged["respondents"] >= 8 and "35_44" in merged["merged_bands"]
    assert all(
        band["respondents"] is None or band["respondents"] == 0 or band["respondents"] > 7
        for band in age["bands"]
    )


def test_without_a_baseline_there_is_nothing_to_compare(authority_a, officer):
    with authority_context(authority_a):
        consultation = _closed_consultation_with([("18_24", 4)] * 9)
    results = officer.get(f"/api/v1/consultations/{consultation.pk}/results").json()
    assert results["representativeness"] == {"representativeness_index": None, "dimensions": []}
