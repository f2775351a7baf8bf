"""Concurrent creates queue on the counter row and never share a reference number.

Runs real concurrent transactions on separate connections (threads), so the
rows they commit are outside the test's rolled-back transaction; the test
uses a far-future year and deletes its counter row afterwards.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from django.db import connection, transaction

from backend.proposals.models import ReferenceCounter
from backend.proposals.services import reference_allocate
from tenants.context import authority_context

YEAR_2091 = datetime(2091, 6, 1, 12, 0, tzinfo=UTC)


def _in_thread(work):
    def run():
        try:
            with authority_context("alpha"):
                work()
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_concurrent_allocations_get_distinct_numbers(authority_a):
    references: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def allocate():
        try:
            start.wait()
            with transaction.atomic():
                references.append(reference_allocate(now=YEAR_2091))
                time.sleep(0.05)  # hold the lock so the others must queue behind it
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [_in_thread(allocate) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors, errors
        assert sorted(references) == [f"DSP-2091-{n:04d}" for n in range(1, 9)]
    finally:
        cleanup = _in_thread(lambda: ReferenceCounter.objects.filter(year=2091).delete())
        cleanup.start()
        cleanup.join(timeout=30)
