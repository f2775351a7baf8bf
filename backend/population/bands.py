"""The bands a population baseline is recorded in, and how respondents map onto them.

The groupings follow the Office for National Statistics' 2021 census outputs
for England and Wales (age in ten-year bands from 25, sex, the five high-level
ethnic groups, disability under the Equality Act, and quintiles of the Index of
Multiple Deprivation), so a baseline can be copied from the census tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.db import models


class Dimension(models.TextChoices):
    AGE = "age", "Age"
    SEX = "sex", "Sex"
    ETHNICITY = "ethnicity", "Ethnic group"
    DISABILITY = "disability", "Disability"
    DEPRIVATION = "deprivation", "Deprivation quintile (IMD)"


BANDS: dict[str, tuple[str, ...]] = {
    Dimension.AGE: ("under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"),
    Dimension.SEX: ("female", "male"),
    Dimension.ETHNICITY: ("asian", "black", "mixed", "white", "other"),
    Dimension.DISABILITY: ("yes", "no"),
    Dimension.DEPRIVATION: ("quintile_1", "quintile_2", "quintile_3", "quintile_4", "quintile_5"),
}

DECLINED = "prefer_not_to_say"

# A respondent's answer on the consultation form → the census band it counts in.
# None: the respondent is counted apart, as declining or not comparable (a gender
# of non-binary or another way has no census sex band).
RespondentBand = Callable[[str], str | None]


def _same(dimension: str) -> RespondentBand:
    return lambda value: value if value in BANDS[dimension] else None


GENDER_TO_SEX: Mapping[str, str] = {"woman": "female", "man": "male"}

RESPONDENT_FIELDS: dict[str, tuple[str, RespondentBand]] = {
    Dimension.AGE: ("age_band", _same(Dimension.AGE)),
    Dimension.SEX: ("gender", lambda value: GENDER_TO_SEX.get(value)),
    Dimension.ETHNICITY: ("ethnicity", _same(Dimension.ETHNICITY)),
    Dimension.DISABILITY: ("disability", _same(Dimension.DISABILITY)),
    Dimension.DEPRIVATION: ("deprivation_quintile", _same(Dimension.DEPRIVATION)),
}
