"""A page of 50 proposals: the API (DRF view, serializers, auth, filters, pagination) vs a
bare ``JsonResponse`` view of the same query, both through the full middleware stack.

Measured twice, alternating the two views after a warm-up: in-process through
Django's WSGI handler (django.test.Client), and over loopback HTTP through gunicorn
(one sync worker, a new connection per request). The ratio is the bare view's
median time over the API's, i.e. the API's throughput as a share of the bare
view's; the RATIO line is the in-process one, which leaves out the HTTP costs both
views pay alike (docs/performance.md). Before timing, both answers are checked to
be the same JSON. Target: >= 0.75.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
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


def http_app() -> Any:
    """The WSGI application gunicorn serves for the over-HTTP measurement."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = "bench.list_view"
    return get_wsgi_application()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _over_http(token: str, rounds: int) -> tuple[list[float], list[float]]:
    """The same two requests through gunicorn (one sync worker) over loopback HTTP."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.list_view:http_app()", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    headers = {"Host": "bench-list.localhost", "Authorization": f"Token {token}"}

    def get(path: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200, (path, response.status, body[:300])
            return body
        finally:
            connection.close()

    try:
        for _ in range(300):  # gunicorn needs a moment to import Django
            try:
                get("/bench/bare-proposals")
                break
            except (ConnectionError, OSError):
                time.sleep(0.1)
        api_path = "/api/v1/proposals?page_size=50"
        assert json.loads(get(api_path)) == json.loads(get("/bench/bare-proposals"))
        for _ in range(20):  # warm-up
            get(api_path)
            get("/bench/bare-proposals")
        api_times, bare_times = [], []
        for _ in range(rounds):
            api_times.append(timed(lambda: get(api_path)))
            bare_times.append(timed(lambda: get("/bench/bare-proposals")))
        return api_times, bare_times
    finally:
        server.terminate()
        server.wait(timeout=30)


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
    for _ in range(20):  # warm-up
        api()
        bare()
    api_times, bare_times = [], []
    for _ in range(rounds):
        api_times.append(timed(api))
        bare_times.append(timed(bare))
    http_api, http_bare = _over_http(token, rounds)
    drop_authority(authority.schema_name)
    http_ratio = median(http_bare) / median(http_api)
    print(f"over HTTP (gunicorn, 1 sync worker): API median {median(http_api) * 1000:.1f} ms, "
          f"bare {median(http_bare) * 1000:.1f} ms, ratio {http_ratio:.3f}")  # fmt: skip
    print(f"in-process API list of 50:  median {median(api_times) * 1000:.1f} ms")
    print(f"in-process bare JsonResponse: median {median(bare_times) * 1000:.1f} ms")
    # The headline is the in-process ratio, the stricter of the two (docs/performance.md).
    print_ratio("list_50_api_vs_bare", median(bare_times) / median(api_times), ">=0.75")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
