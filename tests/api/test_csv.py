"""Every CSV answers ?format=csv and Accept: text/csv, opens in Excel, and keeps its columns."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from api.benchmark_common import table_csv_columns
from api.csv_export import BOM
from api.renderers import CSVRenderer
from backend.benchmarks.models import Rollup
from backend.benchmarks.privacy import pseudonym_for
from tenants.context import authority_context
from tenants.roles import Role
from tests.proposals.factories import make_proposal


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8")


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER)


def test_proposals_export_answers_both_ways_with_a_byte_order_mark(authority_a, officer):
    with authority_context(authority_a):
        make_proposal(authority_a, officer.user, title="Café £5 vouchers for carers")
    client = officer.client(authority_a)
    by_format = client.get("/api/v1/proposals/export?format=csv")
    by_accept = client.get("/api/v1/proposals/export", HTTP_ACCEPT="text/csv")
    for response in (by_format, by_accept):
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"].startswith("text/csv")
    text = _body(by_format)
    assert text.startswith(BOM)
    assert text == _body(by_accept)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows[1][1] == "Café £5 vouchers for carers"


def test_bom_can_be_left_out(authority_a, officer):
    response = officer.client(authority_a).get("/api/v1/proposals/export?bom=0")
    assert response.status_code == 200
    assert _body(response).startswith("reference,title,status")


def test_proposals_export_neutralises_formulas(authority_a, officer):
    with authority_context(authority_a):
        make_proposal(authority_a, officer.user, title='=HYPERLINK("http://x","click")')
    text = _body(officer.client(authority_a).get("/api/v1/proposals/export"))
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows[1][1] == '\'=HYPERLINK("http://x","click")'


def test_proposals_export_applies_the_list_filters(authority_a, officer):
    with authority_context(authority_a):
        make_proposal(authority_a, officer.user, title="Draft one")
        make_proposal(authority_a, officer.user, title="Submitted one", status="in_assessment")
    text = _body(officer.client(authority_a).get("/api/v1/proposals/export?status=draft"))
    titles = [row[1] for row in csv.reader(io.StringIO(text.removeprefix(BOM)))][1:]
    assert titles == ["Draft one"]


def _rollup(authority, **figures):
    pseudonym_for(authority)
    return Rollup.objects.create(
        authority=authority,
        period_kind="all",
        period_key="all",
        segment="all",
        figures={"proposals_logged": 4, "response_rate": 0.5, **figures},
        sample_sizes={"responses": 10, "participants": 20},
        computed_at=timezone.now(),
    )


def test_benchmark_table_csv_has_the_documented_columns_both_ways(
    make_member, authority_a, authority_b
):
    _rollup(authority_a)
    _rollup(authority_b, mean_acceptability=3.5)
    client = make_member(None, Role.COORDINATOR).client(None)
    by_format = client.get("/api/v1/benchmarks/authorities?format=csv")
    by_accept = client.get("/api/v1/benchmarks/authorities", HTTP_ACCEPT="text/csv")
    assert by_format.status_code == by_accept.status_code == 200
    assert by_format.content == by_accept.content
    text = by_format.content.decode("utf-8")
    assert text.startswith(BOM)
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert header == table_csv_columns([])
    assert header[:7] == [
        "ref",
        "name",
        "slug",
        "kind",
        "nation",
        "population_band",
        "figures.proposals_logged",
    ]
    assert header[7] == "figures.proposals_logged_per_100k"
    assert header[-1] == "computed_at"
    # A figure only some rows have or withhold still has its column, in its place.
    assert header.index("figures.mean_acceptability") < header.index(
        "suppressed.proposals_logged.code"
    )


def test_rows_with_different_keys_keep_one_column_order():
    """Nested objects whose keys differ from row to row must not shift the columns."""
    rows = [
        {"ref": "a", "figures": {"b": 1}, "suppressed": {}, "computed_at": "t1"},
        {"ref": "b", "figures": {"b": 2, "a": 3}, "suppressed": {"a": "few"}, "computed_at": "t2"},
    ]
    text = CSVRenderer().render({"results": rows}).decode()
    header = text.removeprefix(BOM).splitlines()[0]
    assert header == "ref,figures.a,figures.b,suppressed.a,computed_at"
    again = CSVRenderer().render({"results": rows[::-1]}).decode()
    assert again.removeprefix(BOM).splitlines()[0] == header
