"""The residents' forms: the questions in plain English and optional demographics.

Choice labels are written here (not taken from the models) so that every one
is marked for translation; tests/web/test_forms.py keeps the values in step
with the models' choices.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPTABILITY_CHOICES = [
    (5, _("Very acceptable")),
    (4, _("Acceptable")),
    (3, _("Neither acceptable nor unacceptable")),
    (2, _("Unacceptable")),
    (1, _("Very unacceptable")),
]
AGREEMENT_CHOICES = [
    (5, _("Strongly agree")),
    (4, _("Agree")),
    (3, _("Neither agree nor disagree")),
    (2, _("Disagree")),
    (1, _("Strongly disagree")),
]
AGE_BAND_CHOICES = [
    ("under_18", _("Under 18")),
    ("18_24", _("18 to 24")),
    ("25_34", _("25 to 34")),
    ("35_44", _("35 to 44")),
    ("45_54", _("45 to 54")),
    ("55_64", _("55 to 64")),
    ("65_74", _("65 to 74")),
    ("75_plus", _("75 or over")),
    ("prefer_not_to_say", _("Prefer not to say")),
]
GENDER_CHOICES = [
    ("woman", _("Woman")),
    ("man", _("Man")),
    ("non_binary", _("Non-binary")),
    ("other", _("In another way")),
    ("prefer_not_to_say", _("Prefer not to say")),
]
ETHNICITY_CHOICES = [
    ("asian", _("Asian or Asian British")),
    ("black", _("Black, Black British, Caribbean or African")),
    ("mixed", _("Mixed or multiple ethnic groups")),
    ("white", _("White")),
    ("other", _("Another ethnic group")),
    ("prefer_not_to_say", _("Prefer not to say")),
]
DISABILITY_CHOICES = [
    ("yes", _("Yes")),
    ("no", _("No")),
    ("prefer_not_to_say", _("Prefer not to say")),
]
DEPRIVATION_CHOICES = [
    ("quintile_1", _("Group 1: the most deprived fifth of areas")),
    ("quintile_2", _("Group 2")),
    ("quintile_3", _("Group 3")),
    ("quintile_4", _("Group 4")),
    ("quintile_5", _("Group 5: the least deprived fifth of areas")),
    ("prefer_not_to_say", _("Prefer not to say")),
]
POSTCODE_DISTRICT = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?$"


def _scale(label: Any, hint: Any, choices: list[tuple[int, Any]], missing: Any) -> Any:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": missing, "invalid_choice": missing},
    )


class AnswerForm(forms.Form):
    """The four scales and two free-text answers; the same fields as the API's input."""

    acceptability = _scale(
        _("Overall, how acceptable is it to you that the council shares data in this way?"),
        _("Think about what is shared, who receives it and why."),
        ACCEPTABILITY_CHOICES,
        _("Select how acceptable the data sharing is to you"),
    )
    purposeful = _scale(
        _("The data sharing has a clear purpose that will benefit people"),
        _(
            "This is the 'purposeful' test: it should lead to better services or outcomes for "
            "people and for the wider public, not only for the council."
        ),
        AGREEMENT_CHOICES,
        _("Select how far you agree that the data sharing has a clear purpose"),
    )
    proportionate = _scale(
        _("Only the data that is needed is shared, and the benefits are worth it"),
        _(
            "This is the 'proportionate' test: the benefits should justify sharing personal "
            "information, and no more is shared than needed."
        ),
        AGREEMENT_CHOICES,
        _("Select how far you agree that only the data needed is shared"),
    )
    responsible = _scale(
        _("The data will be looked after safely and used fairly"),
        _(
            "This is the 'responsible' test: people's information is protected, used only as "
            "described, and people are told about it."
        ),
        AGREEMENT_CHOICES,
        _("Select how far you agree that the data will be looked after responsibly"),
    )
    conditions = forms.CharField(
        label=_(
            "Under what conditions, if any, would the data sharing be acceptable to you? (optional)"
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Conditions must be 2,000 characters or fewer")},
    )
    comment = forms.CharField(
        label=_("Is there anything else you want to tell the council? (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Your comment must be 4,000 characters or fewer")},
    )


def _optional_choice(label: Any, choices: list[tuple[str, Any]], hint: Any = "") -> Any:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Select one of the options")},
    )


class DemographicsForm(forms.Form):
    """About you: every question optional, each with "Prefer not to say"."""

    age_band = _optional_choice(_("What is your age?"), AGE_BAND_CHOICES)
    gender = _optional_choice(_("How do you describe your gender?"), GENDER_CHOICES)
    ethnicity = _optional_choice(_("What is your ethnic group?"), ETHNICITY_CHOICES)
    disability = _optional_choice(
        _(
            "Do you have a physical or mental health condition or illness lasting or expected "
            "to last 12 months or more?"
        ),
        DISABILITY_CHOICES,
    )
    deprivation_quintile = _optional_choice(
        _("How deprived is the area you live in?"),
        DEPRIVATION_CHOICES,
        _(
            "Every neighbourhood is ranked by the government's Index of Multiple Deprivation "
            "and put in one of five equal groups. You can look up your area's group with your "
            "postcode. Leave this blank if you do not know."
        ),
    )
    postcode_district = forms.RegexField(
        label=_("The first part of your postcode (optional)"),
        help_text=_("For example, CF10 or SW1A. We do not ask for your full postcode."),
        regex=POSTCODE_DISTRICT,
        required=False,
        max_length=4,
        error_messages={
            "invalid": _("Enter the first part of a postcode, like CF10"),
            "max_length": _("Enter the first part of a postcode, like CF10"),
        },
    )

    def clean_postcode_district(self) -> str:
        return str(self.cleaned_data.get("postcode_district") or "").upper()


DEMOGRAPHIC_FIELD_NAMES = list(DemographicsForm.base_fields)


class ResidentForm(AnswerForm, DemographicsForm):
    """One page: the answers, then the optional questions about the person answering."""

    answer_fields = list(AnswerForm.base_fields)
    demographic_fields = list(DemographicsForm.base_fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Plain ids ("acceptability"): the error summary links to them.
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def answers(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.answer_fields}

    def demographics(self) -> dict[str, str]:
        # Every field, blanks included: the form shows what is held, so a blank is a choice.
        return {name: self.cleaned_data.get(name) or "" for name in self.demographic_fields}


# Short questions for the summaries of an answer (confirmation, "what we hold").
SUMMARY_QUESTIONS = {
    "acceptability": _("How acceptable it is to you"),
    "purposeful": _("It has a clear purpose"),
    "proportionate": _("Only the data needed is shared"),
    "responsible": _("The data will be looked after"),
    "conditions": _("Conditions"),
    "comment": _("Anything else"),
    "age_band": _("Age"),
    "gender": _("Gender"),
    "ethnicity": _("Ethnic group"),
    "disability": _("Long-term condition or illness"),
    "deprivation_quintile": _("Deprivation of your area"),
    "postcode_district": _("First part of postcode"),
}


def summary_rows(instance: Any, names: list[str]) -> list[tuple[str, Any, Any]]:
    """(field, short question, answer in words) for each field of a saved answer or person."""
    rows = []
    for name in names:
        value = getattr(instance, name)
        field = ResidentForm.base_fields[name]
        choices = dict(getattr(field, "choices", []))
        rows.append((name, SUMMARY_QUESTIONS[name], choices.get(value, value)))
    return rows
