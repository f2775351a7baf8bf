"""A journalist reads the public register and tries to recover one person's answer."""

from __future__ import annotations

from backend.consultations.models import Response
from backend.consultations.scoring import ACCEPTABILITY_LABELS
from tenants.context import authority_context
from tenants.roles import Role
from tests.disclosure.scenarios import assessed_proposal, decided_and_published, held_consultation


def _answer_from_shares(responded, shares):
    """The attack: with one respondent, the category holding the whole share is their answer;
    with two, a respondent who knows their own answer gets the other's from the shares."""
    if responded != 1 or not shares:
        return None
    full = [label for label, share in shares.items() if share == 1.0]
    return full[0] if len(full) == 1 else None


def _unprotected_summary(consultation):
    """What the register published before disclosure control, from the raw responses."""
    answers = list(
        Response.objects.filter(participant__consultation=consultation).values_list(
            "acceptability", flat=True
        )
    )
    responded = len(answers)
    shares = {
        label: answers.count(point) / responded for point, label in ACCEPTABILITY_LABELS.items()
    }
    return responded, shares


def _register_summary(anonymous, reference):
    entries = anonymous(None).get("/api/v1/public/register").json()["results"]
    entry = next(e for e in entries if e["reference"] == reference)
    detail = anonymous(None).get(f"/api/v1/public/register/{entry['id']}").json()
    return detail["consultation_summary"]["consultations"][0]


def test_a_lone_respondents_answer_cannot_be_read_from_the_register(
    authority_a, make_member, anonymous
):
    officer = make_member(authority_a, Role.OFFICER).user
    reviewer = make_member(authority_a, Role.ADMIN).user
    with authority_context(authority_a):
        proposal = assessed_proposal(authority_a, officer, reviewer)
        consultation = held_consultation(proposal, invited=2, answers=[{"acceptability": 1}])
        decided_and_published(authority_a, proposal, officer)
        # The attack works on the unprotected figures: the answer comes straight out.
        responded, shares = _unprotected_summary(consultation)
    assert _answer_from_shares(responded, shares) == "very_unacceptable"

    published = _register_summary(anonymous, proposal.reference)
    assert _answer_from_shares(published["responded"], published["acceptability_shares"]) is None
    assert published["responded"] is None and published["invited"] is None
    assert published["net_acceptability"] is None and published["response_rate"] is None
    assert set(published["acceptability_shares"].values()) == {None}
    assert set(published["agreement"].values()) == {None}
    assert published["withheld"]["responded"]["code"] == "small_count"


def test_a_respondent_cannot_work_out_a_neighbours_answer_from_the_categories(
    authority_a, make_member, anonymous
):
    """Nine respond: eight find it acceptable, one very unacceptable. One of the eight (or
    anyone who knows the eight) reads the register: whatever is not 'acceptable' is the
    ninth person's answer."""
    officer = make_member(authority_a, Role.OFFICER).user
    reviewer = make_member(authority_a, Role.ADMIN).user
    answers = [{"acceptability": 4}] * 8 + [{"acceptability": 1}]
    with authority_context(authority_a):
        proposal = assessed_proposal(authority_a, officer, reviewer)
        consultation = held_consultation(proposal, invited=12, answers=answers)
        decided_and_published(authority_a, proposal, officer)
        responded, shares = _unprotected_summary(consultation)

    def ninth_answer(responded, shares):
        if responded is None or not shares:
            return None
        others = [
            label
            for label, share in shares.items()
            if share is not None and label != "acceptable" and round(share * responded) == 1
        ]
        return others[0] if len(others) == 1 else None

    assert ninth_answer(responded, shares) == "very_unacceptable"
    published = _register_summary(anonymous, proposal.reference)
    assert ninth_answer(published["responded"], published["acceptability_shares"]) is None
    # Combined into three categories, the small one withheld with a category to cover it.
    assert published["acceptability_combined"] is True
    assert published["acceptability_shares"]["unacceptable"] is None
    assert published["withheld"]["acceptability.unacceptable"]["code"] == "small_count"
    assert any(
        reason["code"] == "secondary"
        for key, reason in published["withheld"].items()
        if key.startswith("acceptability.")
    )
    assert published["net_acceptability"] is None
