"""Who may read the findings, the publication switch, the public endpoint and the CSV."""

from __future__ import annotations

import csv
import io

import pytest

from backend.findings.models import FindingsPublicationChange
from tenants.roles import Role


@pytest.fixture
def coordinator(make_member):
    return make_member(None, Role.COORDINATOR)


@pytest.fixture
def observer(make_member):
    return make_member(None, Role.OBSERVER)


def test_coordinators_and_observers_read_the_findings(coordinator, observer):
    for member in (coordinator, observer):
        response = member.client(None).get("/api/v1/findings", {"by": "direction"})
        assert response.status_code == 200, response.content
        assert [row["cell"] for row in response.json()["results"][1:]] == [
            {"direction": "outbound"},
            {"direction": "inbound"},
            {"direction": "two_way"},
        ]


def test_authority_staff_and_anonymous_callers_are_refused(authority_a, make_member, anonymous):
    admin = make_member(authority_a, Role.ADMIN)
    assert admin.client(None).get("/api/v1/findings", {"by": "direction"}).status_code == 403
    # On an authority's host the programme's findings do not exist at all.
    assert admin.client(authority_a).get("/api/v1/findings", {"by": "direction"}).status_code == 404
    assert anonymous(None).get("/api/v1/findings", {"by": "direction"}).status_code == 401
    assert anonymous(None).get("/api/v1/public/findings", {"by": "direction"}).status_code == 404
    assert anonymous(authority_a).get("/api/v1/public/findings").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "by"),
        ({"by": "favourite_colour"}, "by"),
        ({"by": ["direction", "direction"]}, "by"),
        ({"by": ["direction", "frequency", "legal_gateway"]}, "by"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_parameter(observer, query, field):
    response = observer.client(None).get("/api/v1/findings", query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert any(name.split(".")[0] == field for name in body["fields"])


def test_publishing_is_off_by_default_coordinators_only_and_audited(
    coordinator, observer, anonymous
):
    public = anonymous(None)
    assert public.get("/api/v1/public/findings", {"by": "frequency"}).json()["code"] == (
        "findings_not_published"
    )
    state = observer.client(None).get("/api/v1/findings/publication").json()
    assert state == {"published": False, "changed_at": None, "history": []}
    refused = observer.client(None).put(
        "/api/v1/findings/publication", {"published": True}, format="json"
    )
    assert refused.status_code == 403
    assert (
        coordinator.client(None)
        .put("/api/v1/findings/publication", {"published": "maybe"}, format="json")
        .status_code
        == 400
    )

    turned_on = coordinator.client(None).put(
        "/api/v1/findings/publication",
        {"published": True, "reason": "Board approved the annual report."},
        format="json",
    )
    assert turned_on.status_code == 200
    assert turned_on.json()["published"] is True
    assert turned_on.json()["history"][0]["by"] == coordinator.user.email

    programme = observer.client(None).get("/api/v1/findings", {"by": "frequency"}).json()
    published = public.get("/api/v1/public/findings", {"by": "frequency"})
    assert published.status_code == 200
    assert published.json() == programme  # exactly the same controlled figures

    coordinator.client(None).put(
        "/api/v1/findings/publication", {"published": False}, format="json"
    )
    assert public.get("/api/v1/public/findings", {"by": "frequency"}).status_code == 404
    changes = list(FindingsPublicationChange.objects.values_list("published", "by", "reason"))
    assert changes == [
        (False, coordinator.user.pk, ""),
        (True, coordinator.user.pk, "Board approved the annual report."),
    ]


def test_the_csv_has_fixed_columns_and_the_same_figures(exact_policy, programme, observer):
    client = observer.client(None)
    body = client.get("/api/v1/findings", {"by": ["direction", "frequency"]}).json()
    response = client.get(
        "/api/v1/findings", {"by": ["direction", "frequency"], "format": "csv", "bom": "0"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0])[:3] == ["scope", "cell.direction", "cell.frequency"]
    assert len(rows) == len(body["results"])
    for line, row in zip(rows, body["results"], strict=True):
        assert line["scope"] == row["scope"]
        assert line["respondents"] == str(row["respondents"])
        expected = "" if row["net_acceptability"] is None else str(row["net_acceptability"])
        assert line["net_acceptability"] == expected


def test_too_few_authorities_withholds_every_cell_with_its_reason(programme, observer):
    """With the default minimum of three authorities, two authorities publish nothing."""
    rows = observer.client(None).get("/api/v1/findings", {"by": "special_category"}).json()
    for row in rows["results"]:
        if row["scope"] == "total" or row["cell"]["special_category"] == "yes":
            assert row["respondents"] is None
            assert row["withheld"]["respondents"]["code"] == "too_few_contributors"
            assert row["withheld"]["respondents"]["detail"] == (
                "Fewer than 3 authorities contribute."
            )
    assert rows["policy"]["min_authorities"] == 3


def test_too_few_proposals_withholds_a_cell(settings, programme, observer):
    settings.FINDINGS_MIN_AUTHORITIES = 1
    settings.FINDINGS_MIN_PROPOSALS = 2
    settings.DISCLOSURE_THRESHOLD = 2
    rows = observer.client(None).get("/api/v1/findings", {"by": "frequency"}).json()["results"]
    continuous = next(r for r in rows[1:] if r["cell"] == {"frequency": "continuous"})
    assert continuous["respondents"] is None
    assert continuous["withheld"]["respondents"]["code"] == "too_few_proposals"


def test_the_dimensions_catalogue_lists_every_value(observer):
    body = observer.client(None).get("/api/v1/findings/dimensions").json()
    keys = [dimension["key"] for dimension in body["dimensions"]]
    assert keys == [
        "data_kind",
        "special_category",
        "criminal_offence",
        "partner_type",
        "direction",
        "frequency",
        "service_area",
        "legal_gateway",
    ]
    multi = {d["key"] for d in body["dimensions"] if d["multi_valued"]}
    assert multi == {"data_kind", "partner_type", "service_area"}
