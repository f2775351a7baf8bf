"""The public findings page: nothing before publishing, then the API's own figures."""

from __future__ import annotations

import re

from django.test import Client

from backend.findings.dimensions import DIMENSIONS
from tenants.roles import Role

DASH = "\u2013"  # what the page shows for a withheld figure


def _page(query: dict[str, str] | None = None, host: str = "localhost"):
    return Client(HTTP_HOST=host).get("/findings/", query or {})


def _publish(make_member) -> None:
    coordinator = make_member(None, Role.COORDINATOR)
    answer = coordinator.client(None).put(
        "/api/v1/findings/publication",
        {"published": True, "reason": "Annual report"},
        format="json",
    )
    assert answer.status_code == 200, answer.content


def _cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", html, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows[1:]  # the header row first
    ]


def test_the_page_is_not_found_until_the_findings_are_published(programme, make_member):
    assert _page().status_code == 404
    _publish(make_member)
    assert _page().status_code == 200


def test_the_page_shows_what_the_public_api_serves(exact_policy, programme, make_member):
    _publish(make_member)
    api = Client(HTTP_HOST="localhost").get("/api/v1/public/findings", {"by": "frequency"})
    rows = api.json()["results"]
    page = _page({"by": "frequency"})
    assert page.status_code == 200
    cells = _cells(page.content.decode())
    # One table row per API cell, then the total; respondents and net acceptability agree.
    assert len(cells) == len(rows)
    labels = dict(DIMENSIONS["frequency"].choices)
    for cell, row in zip(cells, rows[1:] + rows[:1], strict=True):
        value = row["cell"].get("frequency")
        assert cell[0] == (str(labels[value]) if value else "All proposals")
        assert cell[1] == str(row["respondents"])
        assert cell[4] == f"{row['net_acceptability']:.2f}"
    assert "format=csv" in page.content.decode()


def test_withheld_figures_show_as_a_dash_never_a_number(programme, make_member):
    """Default rules: two authorities are below the minimum, so no cell with people in it
    is published; the page shows a dash wherever the API gives null."""
    _publish(make_member)
    api = Client(HTTP_HOST="localhost").get("/api/v1/public/findings", {"by": "service_area"})
    rows = api.json()["results"]
    assert any(row["respondents"] is None for row in rows)
    cells = _cells(_page({"by": "service_area"}).content.decode())
    for cell, row in zip(cells, rows[1:] + rows[:1], strict=True):
        shown = [cell[1], cell[4]]
        expected = [row["respondents"], row["net_acceptability"]]
        for text, value in zip(shown, expected, strict=True):
            assert (text == DASH) == (value is None), (cell, row)


def test_an_unknown_grouping_is_a_400_with_the_error_summary(programme, make_member):
    _publish(make_member)
    page = _page({"by": "postcode"})
    assert page.status_code == 400
    assert "govuk-error-summary" in page.content.decode()


def test_there_is_no_findings_page_on_an_authority_host(programme, make_member):
    _publish(make_member)
    assert _page(host="alpha.localhost").status_code == 404
