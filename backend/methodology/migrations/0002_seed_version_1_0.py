"""Seed methodology version 1.0 (published): three tests, five features, 18 questions.

The content is frozen here on purpose; later versions are made by copying
1.0 into a draft through the API, never by editing this migration.
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

RULE = {
    "met_threshold": Decimal("0.750"),
    "partly_met_threshold": Decimal("0.500"),
    "lowest_required_means_not_met": True,
}

CRITERIA = [
    (
        "test",
        1,
        "purposeful",
        "Purposeful",
        "The sharing has a clear, specific aim that serves people and the public.",
    ),
    (
        "test",
        2,
        "proportionate",
        "Proportionate",
        "Only the data needed is shared, and no less intrusive way would do the job.",
    ),
    (
        "test",
        3,
        "responsible",
        "Responsible",
        "The data is handled lawfully, securely and openly, with the public involved.",
    ),
    (
        "feature",
        1,
        "better_services",
        "Better services and outcomes",
        "Services improve in quality and people's lives and wellbeing get better as a result.",
    ),
    (
        "feature",
        2,
        "wider_public_good",
        "Good for the wider public",
        "The gains reach society at large, beyond the individuals whose data is used.",
    ),
    (
        "feature",
        3,
        "respects_individuals",
        "Respect for the individual",
        "How the data is used, and why, treats each person with respect.",
    ),
    (
        "feature",
        4,
        "public_resources",
        "Good use of public resources",
        "Money, staff time and effort are spent well on what people need from services.",
    ),
    (
        "feature",
        5,
        "tangible_benefits",
        "Benefits that are real and valued",
        "Providers and the public can see the benefits, recognise them and value them.",
    ),
]

CLARITY = ["Not stated", "Vague", "Partly clear", "Clear", "Clear, specific and agreed"]
STRENGTH = ["None", "Weak", "Some", "Good", "Strong"]
EXTENT = ["Not at all", "A little", "In part", "Largely", "Fully"]

# key, text, guidance, tests, features, required, evidence_required, weight, labels
QUESTIONS = [
    (
        "purpose_clarity",
        "How clearly and specifically is the aim of the data sharing set out?",
        "Look for one stated aim that a member of the public could repeat back; broad "
        "aims such as 'improving services' score low.",
        ["purposeful"],
        ["better_services"],
        True,
        False,
        "2",
        CLARITY,
    ),
    (
        "need_understood",
        "How well is the problem or unmet need behind the proposal understood and described?",
        "Cite what is known about the need today: complaints, case reviews, demand figures.",
        ["purposeful"],
        ["better_services"],
        True,
        False,
        "1",
        STRENGTH,
    ),
    (
        "who_benefits",
        "How directly will the people whose data is shared benefit?",
        "Name the groups who gain and how; a benefit only to the organisation scores low.",
        ["purposeful"],
        ["better_services", "respects_individuals"],
        True,
        False,
        "1.5",
        EXTENT,
    ),
    (
        "wider_benefit",
        "How far will the benefits reach the wider public, beyond the individuals involved?",
        "Consider communities, other services and future service users.",
        ["purposeful"],
        ["wider_public_good"],
        True,
        False,
        "1",
        EXTENT,
    ),
    (
        "data_minimisation",
        "Is each item of personal data to be shared needed for the aim, and nothing more?",
        "Go through the data items one by one; record any that could be dropped, "
        "pseudonymised or coarsened.",
        ["proportionate"],
        ["respects_individuals"],
        True,
        True,
        "2",
        EXTENT,
    ),
    (
        "less_intrusive_options",
        "Have less intrusive ways of meeting the aim been weighed and fairly ruled out?",
        "For example aggregate or anonymised data, asking people directly, or not sharing. "
        "Say why each was not enough.",
        ["proportionate"],
        ["respects_individuals", "public_resources"],
        True,
        True,
        "1.5",
        STRENGTH,
    ),
    (
        "scale_and_sensitivity",
        "Is the number of people affected, and the sensitivity of their data, justified by the "
        "expected benefit?",
        "Weigh special category and criminal offence data heavily.",
        ["proportionate"],
        ["respects_individuals"],
        True,
        False,
        "1.5",
        EXTENT,
    ),
    (
        "frequency_and_duration",
        "Are the frequency and duration of the sharing limited to what the aim needs?",
        "Continuous feeds need a stronger case than a one-off extract.",
        ["proportionate"],
        ["respects_individuals"],
        False,
        False,
        "1",
        EXTENT,
    ),
    (
        "legal_basis",
        "How firmly does the sharing rest on an identified and checked legal gateway?",
        "Name the gateway and the advice behind it (legal or data protection officer).",
        ["responsible"],
        ["respects_individuals"],
        True,
        True,
        "2",
        STRENGTH,
    ),
    (
        "security_controls",
        "How well will the data be protected in transit, at rest and by access controls?",
        "Refer to the data protection impact assessment and any certification held by partners.",
        ["responsible"],
        ["respects_individuals"],
        True,
        True,
        "1.5",
        STRENGTH,
    ),
    (
        "retention_and_deletion",
        "Are retention periods and deletion defined, proportionate and owned by someone?",
        "Check that each partner knows when and how it will delete the data.",
        ["responsible", "proportionate"],
        ["respects_individuals"],
        True,
        False,
        "1",
        CLARITY,
    ),
    (
        "openness_to_data_subjects",
        "How openly will people be told what is shared about them, by whom and why?",
        "Privacy notices alone score low; look for plain-language, timely, reachable information.",
        ["responsible"],
        ["respects_individuals", "tangible_benefits"],
        True,
        False,
        "1.5",
        EXTENT,
    ),
    (
        "public_involvement",
        "How will members of the public be involved in shaping and overseeing the sharing?",
        "Describe the engagement planned (workshops, panels, surveys) and how its results "
        "will change the proposal.",
        ["responsible"],
        ["wider_public_good", "tangible_benefits"],
        True,
        False,
        "1.5",
        STRENGTH,
    ),
    (
        "rights_and_challenge",
        "Can people find out about, question or object to the use of their data, and get redress?",
        "Include how requests and complaints are handled across all partners.",
        ["responsible"],
        ["respects_individuals"],
        True,
        False,
        "1",
        EXTENT,
    ),
    (
        "benefit_evidence",
        "How strong is the evidence that the expected benefits are real?",
        "Pilots, evaluations elsewhere or published research count; assumptions do not.",
        ["purposeful"],
        ["better_services", "tangible_benefits"],
        True,
        True,
        "2",
        STRENGTH,
    ),
    (
        "benefit_measurement",
        "How will the benefits be measured, reported and reviewed over time?",
        "Look for named measures, a baseline, a review date and who reports the results publicly.",
        ["purposeful", "responsible"],
        ["tangible_benefits", "public_resources"],
        True,
        False,
        "1",
        CLARITY,
    ),
    (
        "cost_justified",
        "Are the costs in money, staff time and systems known and justified by the benefits?",
        "Include set-up and running costs for every partner, not only the lead authority.",
        ["proportionate"],
        ["public_resources"],
        True,
        True,
        "1.5",
        EXTENT,
    ),
    (
        "better_use_of_resources",
        "Will the sharing make better use of public resources than the way things work today?",
        "Compare with the current process: duplicated work avoided, earlier help, fewer failures.",
        ["purposeful"],
        ["public_resources", "better_services", "wider_public_good"],
        False,
        False,
        "1",
        EXTENT,
    ),
]


def seed(apps, schema_editor):
    Version = apps.get_model("methodology", "MethodologyVersion")
    Criterion = apps.get_model("methodology", "Criterion")
    Question = apps.get_model("methodology", "Question")
    if Version.objects.filter(label="1.0").exists():
        return
    version = Version.objects.create(
        label="1.0",
        status="published",
        published_at=timezone.now(),
        change_notes="First version, seeded from the programme's framework.",
    )
    Criterion.objects.bulk_create(
        Criterion(
            version=version,
            kind=kind,
            order=order,
            key=key,
            name=name,
            description=description,
            **RULE,
        )
        for kind, order, key, name, description in CRITERIA
    )
    Question.objects.bulk_create(
        Question(
            version=version,
            key=key,
            text=text,
            guidance=guidance,
            tests=tests,
            features=features,
            answer_type="scale_5",
            scale_labels=labels,
            required=required,
            evidence_required=evidence,
            weight=Decimal(weight),
            order=index,
        )
        for index, (
            key,
            text,
            guidance,
            tests,
            features,
            required,
            evidence,
            weight,
            labels,
        ) in enumerate(QUESTIONS, start=1)
    )


def unseed(apps, schema_editor):
    apps.get_model("methodology", "MethodologyVersion").objects.filter(label="1.0").delete()


class Migration(migrations.Migration):
    dependencies = [("methodology", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
