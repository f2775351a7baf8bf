"""Platform jobs. Domain jobs live in backend/<app>/tasks.py."""

from __future__ import annotations

from tenants.context import current_schema_name, require_authority_schema
from workers.celery import app
from workers.tenancy import AuthorityTask, ProgrammeTask


@app.task(base=AuthorityTask, name="workers.authority_ping")
def authority_ping() -> str:
    """Answer with the schema the task ran in; used to check a worker end to end."""
    return require_authority_schema()


@app.task(base=ProgrammeTask, name="workers.programme_ping")
def programme_ping() -> str:
    return current_schema_name()


@app.task(base=ProgrammeTask, name="workers.database_backend_pid")
def database_backend_pid() -> int:
    """The PostgreSQL backend serving this worker: shows whether tasks share a connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])
