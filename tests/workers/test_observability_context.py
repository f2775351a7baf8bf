"""A request's id travels in the task messages it causes, through a real worker."""

from __future__ import annotations

import pytest

from backend.observability import context
from backend.observability.tasks import context_echo
from tenants.context import authority_context


@pytest.mark.worker
def test_task_sees_the_request_id_user_and_authority_that_caused_it(celery_worker, authority_a):
    with (
        authority_context(authority_a),
        context.bound(request_id="req-0123456789abcdef", user_id=42),
    ):
        result = context_echo.delay()
    seen = result.get(timeout=30)
    assert seen == {
        "request_id": "req-0123456789abcdef",
        "authority": "alpha",
        "user_id": 42,
        "task_id": result.id,
    }


@pytest.mark.worker
def test_task_sent_outside_a_request_has_no_request_id(celery_worker, authority_a):
    with authority_context(authority_a):
        result = context_echo.delay()
    seen = result.get(timeout=30)
    assert seen["request_id"] is None
    assert seen["task_id"] == result.id
