"""The fast list path gives the same JSON as DRF's own field-by-field representation."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from api.authority.proposal_serializers import (
    DataCategorySerializer,
    PartnerSerializer,
    ProposalSerializer,
    RiskSerializer,
    UserSummarySerializer,
)
from backend.proposals.models import Proposal
from backend.proposals.selectors import proposal_list
from tenants.context import authority_context
from tenants.roles import Role
from tests.proposals.factories import make_proposal


def _plain(serializer: type[serializers.ModelSerializer]) -> type[serializers.ModelSerializer]:
    """The same serializer without FastRepresentation or ChildRows: DRF all the way."""
    meta = type("Meta", (), {"model": serializer.Meta.model, "fields": serializer.Meta.fields})
    return type(f"Plain{serializer.__name__}", (serializers.ModelSerializer,), {"Meta": meta})


class PlainProposalSerializer(serializers.ModelSerializer):
    owner = _plain(UserSummarySerializer)(read_only=True, allow_null=True)
    data_categories = _plain(DataCategorySerializer)(many=True, read_only=True)
    partners = _plain(PartnerSerializer)(many=True, read_only=True)
    risks = _plain(RiskSerializer)(many=True, read_only=True)
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ProposalSerializer.Meta.fields

    def get_allowed_transitions(self, proposal: Proposal) -> list[str]:
        return ProposalSerializer().get_allowed_transitions(proposal)


def test_the_list_page_equals_drf_representation_of_each_proposal(authority_a, make_member):
    officer = make_member(authority_a, Role.OFFICER)
    with authority_context(authority_a):
        make_proposal(authority_a, officer.user, status="in_assessment")
        withdrawn = make_proposal(authority_a, officer.user, status="withdrawn")
        Proposal.objects.filter(pk=withdrawn.pk).update(
            estimated_cost=Decimal("1234.5"), owner=None
        )
        make_proposal(authority_a, officer.user, data_subjects_estimated_count=4000)
        expected = {p.pk: PlainProposalSerializer(p).data for p in proposal_list().order_by("pk")}

    response = officer.client(authority_a).get("/api/v1/proposals")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == set(expected)
    for pk, row in rows.items():
        assert row == _as_json(expected[pk]), pk
    assert rows[withdrawn.pk]["estimated_cost"] == "1234.50"
    assert rows[withdrawn.pk]["owner"] is None


def _as_json(data):
    import json

    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))
