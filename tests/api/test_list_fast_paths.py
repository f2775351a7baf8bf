"""The list's fast paths give what DRF and django-filter give: the page without a COUNT
(api.pagination), no filter set without filter parameters (api.filters), serializer
fields shared per class (api.representation)."""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.authority.proposal_serializers import ProposalSerializer
from api.authority.proposals import ProposalFilterSet, ProposalViewSet
from api.filters import FilterBackend, _is_no_op_when_absent
from api.representation import FastRepresentation
from backend.proposals.models import Proposal
from backend.proposals.selectors import proposal_list, proposal_page_list
from tenants.context import authority_context
from tenants.roles import Role
from tests.api.test_proposal_list_representation import PlainProposalSerializer, _as_json
from tests.conftest import host_of
from tests.proposals.factories import make_proposal


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER)


def _proposals(authority, officer, count):
    with authority_context(authority):
        return [make_proposal(authority, officer.user) for _ in range(count)]


class DRFPages(PageNumberPagination):
    """DRF's own paginator with the project's settings: what every page must equal."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def _drf_page(authority, params):
    request = Request(
        APIRequestFactory().get("/api/v1/proposals", params, HTTP_HOST=host_of(authority))
    )
    paginator = DRFPages()
    with authority_context(authority):
        page = paginator.paginate_queryset(
            Proposal.objects.order_by("-created_at"), request, view=None
        )
        body = paginator.get_paginated_response([p.pk for p in page or []]).data
    return {**body, "results": list(body["results"])}


def _count_queries(queries):
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize(
    ("rows", "params"),
    [
        (0, {}),
        (3, {}),
        (5, {"page_size": "5"}),
        (7, {"page_size": "5"}),
        (7, {"page_size": "5", "page": "2"}),
        (10, {"page_size": "5", "page": "2"}),
        (12, {"page_size": "5", "page": "02"}),
        (7, {"page_size": "5", "page": "last"}),
        (7, {"page_size": "5", "page": "\uff12"}),  # int() reads other digits too: DRF's path
        (7, {"page_size": "0"}),
        (7, {"page_size": "500"}),
    ],
)
def test_every_page_equals_drfs(authority_a, officer, rows, params):
    _proposals(authority_a, officer, rows)
    response = officer.client(authority_a).get("/api/v1/proposals", params)
    assert response.status_code == 200
    body = response.json()
    expected = _drf_page(authority_a, params)
    assert {**body, "results": [row["id"] for row in body["results"]]} == expected


@pytest.mark.parametrize("page", ["3", "0", "x", "1.0", "-1"])
def test_a_page_drf_refuses_is_refused_the_same_way(authority_a, officer, page):
    _proposals(authority_a, officer, 7)
    response = officer.client(authority_a).get("/api/v1/proposals", {"page_size": 5, "page": page})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    with pytest.raises(NotFound) as drf_error:
        _drf_page(authority_a, {"page_size": 5, "page": page})
    assert str(drf_error.value.detail) == response.json()["detail"]


def test_a_page_that_shows_the_end_sends_no_count(authority_a, officer):
    _proposals(authority_a, officer, 7)
    client = officer.client(authority_a)
    with CaptureQueriesContext(connection) as last:
        assert client.get("/api/v1/proposals", {"page_size": 5, "page": 2}).json()["count"] == 7
    with CaptureQueriesContext(connection) as whole:
        assert client.get("/api/v1/proposals", {"page_size": 10}).json()["count"] == 7
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/proposals", {"page_size": 5}).json()["count"] == 7
    assert _count_queries(last) == [] and _count_queries(whole) == []
    assert len(_count_queries(first)) == 1  # more pages follow: counted, as DRF does


def test_in_memory_lists_keep_drfs_pagination(rf):
    # paginated_response pages Python lists (the benchmark table): DRF's path, unchanged.
    from api.pagination import StandardPagination

    rows = list(range(7))
    for params in ({"page_size": "5"}, {"page_size": "5", "page": "2"}):
        ours, drfs = StandardPagination(), DRFPages()
        request = Request(rf.get("/", params))
        assert ours.paginate_queryset(rows, request) == drfs.paginate_queryset(rows, request)
        assert ours.get_paginated_response([]).data == drfs.get_paginated_response([]).data


# Filters


def test_without_filter_parameters_the_queryset_is_returned_as_it_is(authority_a):
    view = ProposalViewSet()
    with authority_context(authority_a):
        queryset = proposal_page_list()
        for params in ({}, {"page": "2", "page_size": "5", "ordering": "title"}):
            request = Request(APIRequestFactory().get("/", params))
            assert FilterBackend().filter_queryset(request, queryset, view) is queryset
        filtered = Request(APIRequestFactory().get("/", {"status": "draft"}))
        assert FilterBackend().filter_queryset(filtered, queryset, view) is not queryset


def test_filters_still_filter_and_still_refuse_bad_values(authority_a, officer):
    proposals = _proposals(authority_a, officer, 2)
    with authority_context(authority_a):
        Proposal.objects.filter(pk=proposals[0].pk).update(status="withdrawn")
    client = officer.client(authority_a)
    every = client.get("/api/v1/proposals").json()["results"]
    withdrawn = client.get("/api/v1/proposals", {"status": "withdrawn"}).json()["results"]
    assert {row["id"] for row in every} == {p.pk for p in proposals}
    assert [row["id"] for row in withdrawn] == [proposals[0].pk]
    bad = client.get("/api/v1/proposals", {"status": "nonsense"})
    assert bad.status_code == 400 and list(bad.json()["fields"]) == ["status"]


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = forms.BooleanField  # an absent value cleans to False: it filters


class CustomFilter(django_filters.CharFilter):
    def filter(self, qs, value):  # could filter on an empty value
        return qs.none()


def _filterset(**filters):
    meta = type("Meta", (), {"model": Proposal, "fields": []})
    return type("Probe", (django_filters.FilterSet,), {"Meta": meta, **filters})


def test_only_a_filter_set_that_is_a_no_op_without_parameters_is_skipped():
    assert _is_no_op_when_absent(ProposalFilterSet)
    assert not _is_no_op_when_absent(_filterset(title=django_filters.CharFilter(required=True)))
    assert not _is_no_op_when_absent(_filterset(flag=StrictBooleanFilter(field_name="title")))
    assert not _is_no_op_when_absent(_filterset(title=CustomFilter()))

    def qs(self):
        return super(type(self), self).qs.none()

    assert not _is_no_op_when_absent(_filterset(qs=property(qs)))


# Serializer fields shared per class


def test_the_proposal_serializer_builds_its_fields_once_per_class(authority_a, officer):
    _proposals(authority_a, officer, 2)
    assert ProposalSerializer._shared_plan() is not None
    with authority_context(authority_a):
        serializer = ProposalSerializer(list(proposal_list()), many=True)
        assert len(serializer.data) == 2
    assert "fields" not in serializer.child.__dict__  # type: ignore[attr-defined]  # DRF would have built them here


@pytest.mark.parametrize("zone", ["Europe/London", "UTC", "America/St_Johns"])
def test_times_are_written_as_drf_writes_them(authority_a, officer, zone):
    (proposal,) = _proposals(authority_a, officer, 1)
    summer = datetime(2026, 7, 1, 11, 30, 15, 123456, tzinfo=UTC)
    winter = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    with authority_context(authority_a):
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=summer, submitted_at=winter, decided_at=None
        )
        loaded = proposal_list().get(pk=proposal.pk)
        with timezone.override(zone):
            fast = ProposalSerializer(loaded).data
            plain = PlainProposalSerializer(loaded).data
    assert _as_json(fast) == _as_json(plain)
    if zone == "Europe/London":
        assert fast["created_at"] == "2026-07-01T12:30:15.123456+01:00"
        assert fast["submitted_at"] == "2026-01-05T09:00:00Z"


class ContextSerializer(FastRepresentation, serializers.ModelSerializer):
    who = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["id", "title", "who"]

    def get_who(self, proposal):
        return self.context["who"]


class HoldsContextSerializer(FastRepresentation, serializers.ModelSerializer):
    inner = ContextSerializer(source="*", read_only=True)

    class Meta:
        model = Proposal
        fields = ["id", "inner"]


def test_method_fields_see_the_context_of_the_serializer_at_hand(authority_a, officer):
    (proposal,) = _proposals(authority_a, officer, 1)
    with authority_context(authority_a):
        first = ContextSerializer(proposal, context={"who": "first"}).data
        second = ContextSerializer(proposal, context={"who": "second"}).data
        # A nested serializer with a method field is not shared: it gets its parent's context.
        nested = HoldsContextSerializer(proposal, context={"who": "nested"}).data
    assert (first["who"], second["who"]) == ("first", "second")
    assert ContextSerializer._shared_plan() is not None
    assert HoldsContextSerializer._shared_plan() is None
    assert nested["inner"] == {"id": proposal.pk, "title": proposal.title, "who": "nested"}
