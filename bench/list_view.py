"""A page of 50 proposals: the API (DRF view, serializers, auth, filters, pagination) vs a
bare ``JsonResponse`` view of the same query, both through the full middleware stack.

Requests are made in-process through Django's WSGI handler (django.test.Client),
alternating the two views, after a warm-up. The ratio is the bare view's median
time over the API's, i.e. the API's throughput as a share of the bare view's.
Target: >= 0.75.
"""

from __future__ import annotations

import sys
from typing import Any

from bench.common import (
    django_setup,
    drop_authority,
    median,
    member_with_token,
    onboard,
    print_ratio,
    timed,
)

django_setup()  # this module is also the bench's URLconf

from django.urls import include, path  # noqa: E402


def bare_proposals(request: Any) -> Any:
    """The same data queries as the API's page (selector, children as rows), the same JSON.

    No authentication, permission, filter set, paginator or serializer: dicts by
    hand, times written as DRF writes them (local time, ``Z`` for UTC), and the
    page keys with the values the API gives a list that fits on one page.
    """
    from django.http import JsonResponse

    from api.authority.proposal_serializers import ProposalSerializer
    from backend.proposals.selectors import proposal_children_attach, proposal_page_list
    from backend.proposals.transitions import PROPOSAL_TRANSITIONS

    nested = {"owner", "data_categories", "partners", "risks", "allowed_transitions"}
    scalar = [f for f in ProposalSerializer.Meta.fields if f not in nested]
    page = list(proposal_page_list().order_by("-created_at")[:50])
    proposal_children_attach(proposals=page)
    rows = []
    for p in page:
        row = {name: getattr(p, name) for name in scalar}
        owner = p.owner
        row["owner"] = owner and {
            "id": owner.pk,
            "email": owner.email,
            "full_name": owner.full_name,
        }
        row.update(p.child_rows)  # type: ignore[attr-defined]
        row["allowed_transitions"] = PROPOSAL_TRANSITIONS.allowed_from(p.status)
        rows.append(row)
    body = {"count": len(rows), "next": None, "previous": None, "results": rows}
    return JsonResponse(body, encoder=_DRFTimes)


def _drf_times() -> type:
    from datetime import datetime

    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils import timezone

    class DRFTimes(DjangoJSONEncoder):
        def default(self, o: Any) -> Any:
            if isinstance(o, datetime):
                text = timezone.localtime(o).isoformat()
                return text[:-6] + "Z" if text.endswith("+00:00") else text
            return super().default(o)

    return DRFTimes


_DRFTimes = _drf_times()


urlpatterns = [
    path("bench/bare-proposals", bare_proposals),
    path("", include("backend.urls_tenant")),
]


def main(rounds: int = 200) -> None:
    django_setup()
    from django.conf import settings
    from django.test import Client

    from tenants.context import authority_context
    from tests.proposals.factories import make_proposal

    settings.ROOT_URLCONF = "bench.list_view"  # the tenant URLs plus the bare view
    authority = onboard("bench-list")
    user, token = member_with_token(authority)
    with authority_context(authority):
        for _ in range(50):
            make_proposal(authority, user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="bench-list.localhost")
    api = lambda: client.get("/api/v1/proposals?page_size=50")  # noqa: E731
    bare = lambda: client.get("/bench/bare-proposals")  # noqa: E731
    assert len(api().json()["results"]) == 50
    assert api().json() == bare().json(), "the bare view must give the API's JSON"
    api_times, bare_times = [], []
    for _ in range(rounds):
        api_times.append(timed(api))
        bare_times.append(timed(bare))
    drop_authority(authority.schema_name)
    print(f"API list of 50:  median {median(api_times) * 1000:.1f} ms")
    print(f"bare JsonResponse: median {median(bare_times) * 1000:.1f} ms")
    print_ratio("list_50_api_vs_bare", median(bare_times) / median(api_times), ">=0.75")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
