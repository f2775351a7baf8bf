"""The debounced findings refresh through a real worker: the sweep claims a settled request
and the table task stores a table."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from backend.findings.models import FindingsRefreshRequest, FindingsTable
from backend.findings.tasks import findings_refresh_due


@pytest.mark.worker
def test_a_settled_request_is_swept_and_the_table_stored(celery_worker, django_db_blocker):
    with django_db_blocker.unblock():
        FindingsTable.objects.all().delete()
        FindingsRefreshRequest.objects.all().delete()
        try:
            assert findings_refresh_due.delay().get(timeout=30) == 0  # nothing asked for
            FindingsRefreshRequest.objects.create(
                pk=1, requested_at=timezone.now() - timedelta(hours=1)
            )
            assert findings_refresh_due.delay().get(timeout=30) == 1
            assert not FindingsRefreshRequest.objects.exists()  # claimed
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not FindingsTable.objects.exists():
                time.sleep(0.2)
            table = FindingsTable.objects.get(pk=1)
            assert "" in table.cells  # the programme total, rendered
            assert table.policy["threshold"] >= 0
        finally:
            FindingsTable.objects.all().delete()
            FindingsRefreshRequest.objects.all().delete()
