"""Tenant-aware tasks: the authority's schema travels in the message header.

``AuthorityTask`` stamps the current schema onto every message it sends and,
in the worker, runs the task inside that schema. A message without the header,
or with the public schema, raises ``MissingAuthority`` instead of running:
tenant work must never run in ``public`` by accident. ``ProgrammeTask`` is for
public-schema jobs (fan-out dispatchers, rollups) and refuses to run inside an
authority's schema.

The worker keeps its database connection across tasks (workers.connections)
and remembers schema → authority for a few seconds (bounded), so a tenant-aware
task costs no more queries than a plain one until it reads its own data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from celery import Task
from django_tenants.utils import get_public_schema_name

from tenants.context import current_schema_name, use_public_schema
from tenants.ttl_cache import TTLCache

if TYPE_CHECKING:
    from tenants.models import Authority

SCHEMA_HEADER = "authority_schema"

# Short: a withdrawn-and-dropped authority's tasks fail within seconds, not minutes.
_authorities: TTLCache[str, Authority] = TTLCache(seconds=10, size=2048)


def _authority_for_schema(schema: str) -> Authority:
    from tenants.models import Authority

    found, authority = _authorities.get(schema)
    if found and authority is not None:
        return authority
    authority = Authority.objects.get(schema_name=schema)
    _authorities.put(schema, authority)
    return authority


class MissingAuthority(RuntimeError):
    """A tenant task was sent or received without an authority schema."""


def _schema_from_request(task: Task) -> str | None:
    request = task.request
    headers = getattr(request, "headers", None) or {}
    value = headers.get(SCHEMA_HEADER) if isinstance(headers, dict) else None
    return value or getattr(request, SCHEMA_HEADER, None)


class AuthorityTask(Task):
    """A task that reads or writes one authority's data."""

    abstract = True
    typing = True

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        headers = dict(options.pop("headers", None) or {})
        schema = headers.get(SCHEMA_HEADER) or current_schema_name()
        if not schema or schema == get_public_schema_name():
            raise MissingAuthority(
                f"{self.name} must be sent from inside an authority's schema "
                "(use tenants.context.authority_context or pass headers={'authority_schema': ...})."
            )
        headers[SCHEMA_HEADER] = schema
        return super().apply_async(args, kwargs, headers=headers, **options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from tenants.context import authority_context

        schema = _schema_from_request(self)
        if not schema or schema == get_public_schema_name():
            raise MissingAuthority(f"{self.name} received a message with no authority schema.")
        with authority_context(_authority_for_schema(schema)):
            return super().__call__(*args, **kwargs)


class ProgrammeTask(Task):
    """A task that works in the public schema (and may fan out to authority tasks)."""

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        use_public_schema()
        return super().__call__(*args, **kwargs)


def send_to_authority(task: Task, schema_name: str, *args: Any, **kwargs: Any) -> Any:
    """Enqueue an AuthorityTask for one authority from anywhere (e.g. a fan-out)."""
    return task.apply_async(args=args, kwargs=kwargs, headers={SCHEMA_HEADER: schema_name})


def send_to_every_authority(task: Task) -> int:
    """Fan out: one message of ``task`` per authority that has not withdrawn; how many.

    Beat entries are programme jobs that call this, so one authority's slow or
    failing run never holds up another's (tests/workers/test_tenancy.py)."""
    from tenants.models import Authority, AuthorityStatus

    schemas = list(
        Authority.objects.exclude(status=AuthorityStatus.WITHDRAWN)
        .exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    )
    for schema in schemas:
        send_to_authority(task, schema)
    return len(schemas)
