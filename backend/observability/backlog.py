"""Programme-wide operational figures for the metrics endpoint, read in one query.

The outbox and the consultations live in each authority's schema; a scrape sums them
with one ``UNION ALL`` over the authorities' schemas (quoted identifiers from the
Authority table, never from the request) instead of switching schema per authority.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from backend.consultations.models import ConsultationStatus, OutboxStatus
from tenants.models import Authority


def backlog_figures() -> dict[str, int]:
    schemas = list(
        Authority.objects.exclude(schema_name="public")
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
    if not schemas:
        return {"outbox_backlog": 0, "consultations_due": 0}
    quote = connection.ops.quote_name
    parts = []
    for schema in schemas:
        parts.append(
            f"SELECT (SELECT count(*) FROM {quote(schema)}.consultations_outboxmessage"
            " WHERE status = %(pending)s) AS outbox,"
            f" (SELECT count(*) FROM {quote(schema)}.consultations_consultation"
            " WHERE (status = %(scheduled)s AND starts_at <= %(now)s)"
            " OR (status = %(open)s AND ends_at <= %(now)s)) AS due"
        )
    sql = (
        "SELECT coalesce(sum(outbox), 0), coalesce(sum(due), 0) FROM ("
        + " UNION ALL ".join(parts)
        + ") AS per_authority"
    )
    params: dict[str, str | datetime] = {
        "pending": OutboxStatus.PENDING,
        "scheduled": ConsultationStatus.SCHEDULED,
        "open": ConsultationStatus.OPEN,
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {"outbox_backlog": int(row[0]), "consultations_due": int(row[1])}
