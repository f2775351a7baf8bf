"""A journalist with an observer's account attacks the benchmarks' representativeness
figures: knowing the census (public) and how many answered, they solve a dimension index
for the respondents' split and pick out a lone respondent. The attack first runs on the
unprotected index, computed here from the raw rows, to show that it works."""

from __future__ import annotations

from backend.benchmarks.services import benchmark_rollup_refresh
from backend.consultations.models import Response
from backend.consultations.services import consultation_close, consultation_open
from backend.population.representativeness import dimension_index
from backend.population.services import DimensionBaseline, population_dimension_set
from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import make_consultation, make_participant, respond

SEX = DimensionBaseline(
    source="ONS Census 2021, TS008", year=2021, bands={"female": 5000, "male": 5000}
)
CONSULTATIONS = 8  # one more than the threshold, so the figure is published


def _men_from_index(index: float | None, respondents: int) -> float | None:
    """With a 50/50 population: index = 1 - |share of men - ½|, so (taking the smaller root)
    the share of men is ½ - (1 - index)."""
    if index is None:
        return None
    return round((0.5 - (1 - index)) * respondents, 6)


def test_a_lone_man_cannot_be_solved_from_the_published_sex_index(authority_a, make_member):
    with authority_context(authority_a):
        population_dimension_set(dimension="sex", baseline=SEX)
        for _ in range(CONSULTATIONS):
            consultation = make_consultation()
            people = [make_participant(consultation, gender="woman") for _ in range(8)]
            people.append(make_participant(consultation, gender="man"))
            consultation_open(consultation=consultation)
            for person in people:
                respond(person, acceptability=1)
            consultation_close(consultation=consultation)
        # Unprotected: each consultation's index on its raw bands, as a naive benchmark
        # would average it. Every consultation has 9 respondents.
        raw = []
        for consultation_id in Response.objects.values_list(
            "participant__consultation_id", flat=True
        ).distinct():
            genders = list(
                Response.objects.filter(participant__consultation_id=consultation_id).values_list(
                    "participant__gender", flat=True
                )
            )
            counts = {"female": genders.count("woman"), "male": genders.count("man")}
            raw.append(dimension_index(SEX.bands, counts))
    naive_mean = sum(raw) / len(raw)  # type: ignore[arg-type]
    assert _men_from_index(naive_mean, 9) == 1  # the attack works on raw figures

    benchmark_rollup_refresh(authority=authority_a)
    observer = make_member(None, Role.OBSERVER).client(None)
    rows = observer.get("/api/v1/benchmarks/authorities").json()["results"]
    row = next(row for row in rows if row["slug"] == "alpha")
    published = row["figures"]["representativeness_sex"]
    # Published (eight consultations stand behind it), but computed on the bands as each
    # consultation's results publish them: the lone man is merged with the women, and the
    # index says nothing about how many men answered.
    assert published == 1.0
    assert "representativeness_sex" not in row["suppressed"]
    assert _men_from_index(published, 9) != 1
    assert row["figures"]["consultations_compared"] == 10  # 8, rounded to the nearest 5
