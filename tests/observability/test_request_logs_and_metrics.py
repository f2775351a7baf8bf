"""Request logs are JSON with request id, authority and user id and no personal data;
/metrics is token-protected and labels views by name, never by path."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from backend.observability.logs import ContextFilter, JsonFormatter
from tenants.roles import Role


@pytest.fixture
def request_log() -> Iterator[io.StringIO]:
    """The request logger's lines as production writes them: context filter + JSON."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("publicbenefit.request")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_request_line_carries_request_id_authority_and_user_but_no_email(
    authority_a, make_member, request_log
):
    member = make_member(authority_a, Role.ADMIN)
    response = member.client(authority_a).get("/api/v1/me", HTTP_X_REQUEST_ID="trace-0123456789")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "trace-0123456789"
    [entry] = [e for e in lines(request_log) if e.get("event") == "request"]
    assert entry["request_id"] == "trace-0123456789"
    assert entry["authority"] == "alpha"
    assert entry["user_id"] == member.user.pk
    assert entry["surface"] == "authority"
    assert entry["status"] == 200
    assert "/api/v1/me" not in request_log.getvalue()
    assert member.user.email not in request_log.getvalue()
    assert member.token not in request_log.getvalue()


def test_a_request_id_that_is_not_a_plain_id_is_replaced(authority_a, anonymous, request_log):
    response = anonymous(authority_a).get(
        "/api/v1/public/register", HTTP_X_REQUEST_ID="someone@example.org"
    )
    assert response["X-Request-ID"] != "someone@example.org"
    assert "someone@example.org" not in request_log.getvalue()
    assert lines(request_log)[-1]["request_id"] == response["X-Request-ID"]


def test_invitation_paths_are_logged_by_view_name_without_the_token(
    authority_a, anonymous, request_log
):
    token = "resident-secret-token-1234567890"
    response = anonymous(authority_a).get(f"/api/v1/public/invitations/{token}")
    assert response.status_code == 404
    [entry] = [e for e in lines(request_log) if e.get("event") == "request"]
    assert entry["view"].endswith("public-invitation")
    assert entry["surface"] == "public"
    assert token not in request_log.getvalue()


def test_metrics_need_the_metrics_token(authority_a, anonymous, monkeypatch):
    monkeypatch.delenv("METRICS_TOKEN", raising=False)
    assert anonymous(None).get("/metrics").status_code == 404
    monkeypatch.setenv("METRICS_TOKEN", "scrape-secret")
    assert anonymous(None).get("/metrics").status_code == 401
    wrong = anonymous(None).get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "not_authenticated"


def test_metrics_label_views_by_name_and_count_the_outbox_backlog(
    authority_a, anonymous, monkeypatch
):
    from backend.consultations.models import OutboxMessage
    from backend.observability import metrics
    from tenants.context import authority_context
    from tests.consultations.factories import make_consultation, make_participant

    monkeypatch.setenv("METRICS_TOKEN", "scrape-secret")
    monkeypatch.setattr(metrics._backlog, "_cached", None)
    token = "resident-secret-token-abcdefghij"
    anonymous(authority_a).get(f"/api/v1/public/invitations/{token}")
    with authority_context(authority_a):
        consultation = make_consultation()
        participant = make_participant(consultation)
        before = OutboxMessage.objects.filter(status="pending").count()
        OutboxMessage.objects.create(
            consultation=consultation,
            participant=participant,
            kind="invitation",
            idempotency_key="metrics-test-1",
        )
    response = anonymous(None).get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'view="v1:public-invitation"' in body or 'view="public-invitation"' in body
    assert token not in body
    assert "alpha" not in body  # no authority label
    backlog = next(
        line for line in body.splitlines() if line.startswith("publicbenefit_outbox_backlog ")
    )
    assert float(backlog.split()[1]) == before + 1
