"""Copy an authority's sample of the pool into its schema, server-side, with fresh ids.

One ``INSERT ... SELECT`` per table, in dependency order, inside the
authority's schema (the connection's search path): rows come from the pool
(``bench.scale_data.pool``) joined to mapping tables that give every proposal,
assessment, consultation and participant its new id from the authority's own
sequence, in the order the Python writer drew them (proposal by proposal, in
the order the authority logged them). Children get theirs from the identity
default, in that same order. What is the authority's own is rewritten on the
way: user columns (the pool's placeholders become its admin and officer),
references (``DSP-<London year>-NNNN`` by creation order within each year, as
the counter hands them out) with the matching reference counters, and each
invited participant's token salt and digest, computed in SQL as ``new_salt``,
``participant_token`` and ``token_digest`` compute them (a test checks every
stored digest against ``participant_token``).

Audit events: by default the rows are written with
``session_replication_role = replica`` (triggers, including foreign-key
checks, do not fire; the mapping keeps every reference inside the copy), and
the insert events the pghistory triggers would have written are written by
one ``INSERT ... SELECT`` per tracked table, with the trigger's values
(``pgh_created_at = NOW()``, ``pgh_label = 'insert'``, ``pgh_obj_id = id``,
``pgh_context_id = _pgh_attach_context()``, called once per statement as its
value is the transaction's), in id order as the row triggers would.
``audit="triggers"`` (or a database user that is not a superuser, who may not
set the role) lets the real triggers fire instead; tests/bench/test_scale_seed.py
compares the two.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import cache
from typing import Literal

from django.apps import apps
from django.conf import settings
from django.db import connection, models

from backend.accounts.models import User
from backend.assessments.models import Assessment
from backend.consultations.models import Consultation, Participant
from backend.consultations.tokens import KEY_SALT_PREFIX, PARTICIPANT
from backend.proposals.models import Proposal, ReferenceCounter
from bench.scale_data.bulk_write import SEEDED_TABLES
from bench.scale_data.pool import POOL_ADMIN, POOL_OFFICER, POOL_SCHEMA
from tenants.provisioning import catalog

Audit = Literal["direct", "triggers"]

# Tables whose new ids others refer to: their mapping table and the parent that orders them.
MAPPED: dict[type[models.Model], str] = {
    Proposal: "_seed_map_proposal",
    Assessment: "_seed_map_assessment",
    Consultation: "_seed_map_consultation",
    Participant: "_seed_map_participant",
}
# A fresh salt as ``new_salt`` makes it (32 random bytes, URL-safe base64 without padding);
# gen_random_uuid draws from the server's strong random source (6 fixed bits per uuid).
SALT_SQL = (
    "rtrim(translate(encode(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()), "
    "'base64'), '+/', '-_'), '=')"
)
# ``participant_token(salt)``: Django's salted_hmac (HMAC-SHA256 keyed by
# sha256(key salt + SECRET_KEY)) spelt with sha256(), the key's inner and outer pads passed
# as parameters; then ``token_digest``, the token's SHA-256 in hex.
TOKEN_SQL = (
    "rtrim(translate(encode(sha256(%(outer_pad)s || sha256(%(inner_pad)s || "
    "convert_to(s.salt, 'UTF8'))), 'base64'), '+/', '-_'), '=')"
)
# The row counts the seed reports, by table.
ROW_LABELS = {
    "proposals_proposal": "proposals",
    "proposals_datacategory": "proposal_children",
    "proposals_partner": "proposal_children",
    "proposals_risk": "proposal_children",
    "proposals_proposaltransition": "transitions",
    "assessments_assessment": "assessments",
    "assessments_answer": "answers",
    "consultations_consultation": "consultations",
    "consultations_participant": "participants",
    "consultations_response": "responses",
    "decisions_decision": "decisions",
}
# The year references are numbered in (as ``proposal_create`` does, in London time).
_YEAR = "extract(year FROM t.created_at AT TIME ZONE 'Europe/London')::int"


def q(name: str | None) -> str:
    assert name, "a table or column name"
    return catalog.quote_name(name)


def _pool(model: type[models.Model]) -> str:
    return f"{q(POOL_SCHEMA)}.{q(model._meta.db_table)}"


def _parent_field(model: type[models.Model]) -> models.ForeignKey | None:
    """The foreign key to a mapped table that orders ``model``'s rows (None for proposals)."""
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model in MAPPED:
            return field
    return None


def _map_statements(model: type[models.Model]) -> list[str]:
    """Create ``model``'s mapping table (pool id -> new id), ids numbered in the order the
    rows go in, after the table's highest id (the sequence is moved past them at the end)."""
    table = MAPPED[model]
    if model is Proposal:
        source = "unnest(%s::bigint[]) WITH ORDINALITY AS u(pool_id, slot)"
        order = "slot"
        pool_id = "pool_id"
    else:
        parent = _parent_field(model)
        assert parent is not None
        source = (
            f"{_pool(model)} t JOIN {MAPPED[parent.related_model]} p "
            f"ON p.pool_id = t.{q(parent.column)}"
        )
        order = "p.id, t.id"
        pool_id = "t.id"
    start = f"(SELECT COALESCE(max(id), 0) FROM {q(model._meta.db_table)})"
    return [
        f"DROP TABLE IF EXISTS {table}",
        f"CREATE TEMPORARY TABLE {table} AS SELECT {pool_id} AS pool_id, "
        f"{start} + row_number() OVER (ORDER BY {order}) AS id FROM {source}",
        f"CREATE UNIQUE INDEX ON {table} (pool_id)",
        f"ANALYZE {table}",
    ]


def _sequence_sql(model: type[models.Model]) -> str:
    """Move the table's id sequence past the ids the copy gave (as nextval would have)."""
    table = model._meta.db_table
    return (
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {q(table)} "
        "HAVING count(*) > 0"
    )


@cache
def _insert_sql(model: type[models.Model]) -> str:
    """``INSERT ... SELECT`` from the pool into the current schema, ids mapped.

    User columns carry ``{admin}``/``{officer}`` placeholders for ``str.format``."""
    columns: list[str] = []
    values: list[str] = []
    joins: list[str] = []
    order = "t.id"
    if model in MAPPED:
        joins.append(f"JOIN {MAPPED[model]} m ON m.pool_id = t.id")
        order = "m.id"
        if model is Participant:
            # Correlated with t and volatile, so evaluated once per row (never flattened).
            joins.append(
                "CROSS JOIN LATERAL (SELECT CASE WHEN t.token_salt = '' THEN '' "
                f"ELSE {SALT_SQL} END AS salt) s CROSS JOIN LATERAL (SELECT {TOKEN_SQL} AS token) k"
            )
    else:
        parent = _parent_field(model)
        assert parent is not None, model
        order = f"j_{parent.column}.id, t.id"
    for field in model._meta.concrete_fields:
        column = field.column
        if field.primary_key:
            if model in MAPPED:
                columns.append(q(column))
                values.append("m.id")
            continue  # the identity default, drawn in the SELECT's order
        columns.append(q(column))
        related = field.related_model if field.is_relation else None
        if related in MAPPED:
            alias = f"j_{column}"
            kind = "LEFT JOIN" if field.null else "JOIN"
            joins.append(f"{kind} {MAPPED[related]} {alias} ON {alias}.pool_id = t.{q(column)}")
            values.append(f"{alias}.id")
        elif related is User:
            values.append(
                f"CASE t.{q(column)} WHEN {POOL_ADMIN} THEN {{admin}} "
                f"WHEN {POOL_OFFICER} THEN {{officer}} END"
            )
        elif model is Proposal and column == "reference":
            number = f"row_number() OVER (PARTITION BY {_YEAR} ORDER BY t.created_at, m.id)"
            values.append(
                f"'DSP-' || {_YEAR} || '-' || "
                f"lpad(({number})::text, greatest(4, length(({number})::text)), '0')"
            )
        elif model is Participant and column in {"token_salt", "token_digest"}:
            # Erased participants keep the pool's empty salt and null digest.
            fresh = (
                "s.salt"
                if column == "token_salt"
                else "encode(sha256(convert_to(k.token, 'UTF8')), 'hex')"
            )
            values.append(f"CASE WHEN t.token_salt = '' THEN t.{q(column)} ELSE {fresh} END")
        else:
            values.append(f"t.{q(column)}")
    return (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {_pool(model)} t {' '.join(joins)} ORDER BY {order}"
    )


def event_model(model: type[models.Model]) -> type[models.Model] | None:
    """The pghistory event model of a tracked model (``<Model>Event`` in its app), if any."""
    try:
        return apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    except LookupError:
        return None


@cache
def _event_sql(model: type[models.Model]) -> str:
    """The insert events of every row of ``model``'s table, as its insert trigger writes them."""
    event = event_model(model)
    assert event is not None
    source_columns = {f.column for f in model._meta.concrete_fields}
    columns: list[str] = []
    values: list[str] = []
    for field in event._meta.concrete_fields:
        column = field.column
        if column == "pgh_id":
            continue
        columns.append(q(column))
        if column == "pgh_created_at":
            values.append("NOW()")
        elif column == "pgh_label":
            values.append("'insert'")
        elif column == "pgh_obj_id":
            values.append("t.id")
        elif column == "pgh_context_id":
            # Once per statement: the function opens a subtransaction on every call, and
            # returns the same context for the whole transaction.
            values.append("(SELECT _pgh_attach_context())")
        else:
            assert column in source_columns, (event, column)
            values.append(f"t.{q(column)}")
    return (
        f"INSERT INTO {q(event._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {q(model._meta.db_table)} t ORDER BY t.id"
    )


TRACKED = tuple(model for model in SEEDED_TABLES if event_model(model) is not None)


def token_pads() -> dict[str, bytes]:
    """The inner and outer HMAC pads of the participant tokens' key (see TOKEN_SQL)."""
    key = hashlib.sha256((KEY_SALT_PREFIX + PARTICIPANT + settings.SECRET_KEY).encode()).digest()
    key = key.ljust(64, b"\0")  # SHA-256's block size
    return {
        "inner_pad": bytes(byte ^ 0x36 for byte in key),
        "outer_pad": bytes(byte ^ 0x5C for byte in key),
    }


def replica_allowed() -> bool:
    """Whether this database user may switch triggers off (superusers only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        row = cursor.fetchone()
    return bool(row and row[0])


def authority_fill(
    *, pool_ids: list[int], admin_id: int, officer_id: int, audit: Audit
) -> Counter[str]:
    """Copy the pool proposals ``pool_ids`` (and everything under them) into the current
    schema, in the caller's transaction; return the rows written by kind."""
    written: Counter[str] = Counter()
    with connection.cursor() as cursor:
        if audit == "direct":
            cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
        try:
            for model in MAPPED:
                statements = _map_statements(model)
                cursor.execute(statements[0])
                cursor.execute(statements[1], [pool_ids] if model is Proposal else None)
                for statement in statements[2:]:
                    cursor.execute(statement)
            for model in SEEDED_TABLES:
                sql = _insert_sql(model).format(admin=admin_id, officer=officer_id)
                cursor.execute(sql, token_pads() if model is Participant else None)
                label = ROW_LABELS.get(model._meta.db_table)
                if label:
                    written[label] += cursor.rowcount
            cursor.execute(
                f"INSERT INTO {q(ReferenceCounter._meta.db_table)} (year, last_number) "
                f"SELECT {_YEAR}, count(*) FROM {q(Proposal._meta.db_table)} t GROUP BY 1"
            )
            if audit == "direct":
                for model in TRACKED:
                    cursor.execute(_event_sql(model))
                    written["audit_events"] += cursor.rowcount
            for model in MAPPED:
                cursor.execute(_sequence_sql(model))
            for table in MAPPED.values():
                cursor.execute(f"DROP TABLE {table}")
        finally:
            if audit == "direct":
                cursor.execute("SELECT set_config('session_replication_role', 'origin', true)")
    return written
