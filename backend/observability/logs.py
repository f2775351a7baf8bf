"""JSON log lines carrying the request/task context.

``ContextFilter`` copies the context variables onto each record; ``JsonFormatter``
writes one JSON object per line. They are separate so other ``logging.Filter``s (a
scrubber of tokens in paths, say) can sit on the same handler: filters run before the
formatter, and the formatter renders ``record.getMessage()`` after them.

Personal data stays out: the context holds ids only (user id, never e-mail), and only
the record's own message plus an allow-list of ``extra`` fields are written.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from backend.observability import context

CONTEXT_FIELDS = ("request_id", "authority", "user_id", "task_id")
# Fields a call may pass with ``extra=`` that are written out; nothing else is, so an
# accidental ``extra={"email": ...}`` does not reach the logs.
EXTRA_FIELDS = (
    "event",
    "surface",
    "view",
    "method",
    "status",
    "duration_ms",
    "task",
    "queue",
    "state",
    "runtime_ms",
)


def _schema_in_use() -> str | None:
    """The authority whose schema this thread's connection is set to (None for public).

    Reads an attribute of the thread's connection wrapper; never opens a connection."""
    try:
        from django.db import connection

        schema = getattr(connection, "schema_name", None)
    except Exception:  # logging before Django is set up
        return None
    return schema if schema and schema != "public" else None


class ContextFilter(logging.Filter):
    """Adds request id, authority, user id and task id to every record (None when unset)."""

    def filter(self, record: logging.LogRecord) -> bool:
        values = context.current()
        if values["authority"] is None:
            values["authority"] = _schema_in_use()
        for name in CONTEXT_FIELDS:
            if getattr(record, name, None) is None:
                setattr(record, name, values[name])
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context, allowed extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in (*CONTEXT_FIELDS, *EXTRA_FIELDS):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def logging_config(*, level: str, json_logs: bool) -> dict[str, Any]:
    """The LOGGING setting: JSON lines (production) or plain text with the same context."""
    plain = "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s task=%(task_id)s] %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "backend.observability.logs.ContextFilter"},
            # Invitation tokens and feed secrets never reach a line (docs/security.md).
            "scrub_tokens": {"()": "backend.core.log_scrubbing.TokenScrubFilter"},
        },
        "formatters": {
            "json": {"()": "backend.observability.logs.JsonFormatter"},
            "plain": {"format": plain},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["scrub_tokens", "context"],
                "formatter": "json" if json_logs else "plain",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's default handlers would print unscrubbed: everything goes to ours.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            # Django's request warnings (404, 410, 429) and runserver's lines carry the
            # path: kept for operators, with tokens replaced by the scrubbing filter.
            "django.request": {"level": "WARNING", "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        },
    }
