"""Keep personal tokens out of log lines: invitation and open-survey tokens, feed secrets.

``scrub_tokens(text)`` replaces the token segment of every public token path
with ``[token]``; ``TokenScrubFilter`` applies it to a log record's message and
arguments (tuple or mapping, as gunicorn's access log uses), so any formatter
(plain text, JSON) downstream only ever sees scrubbed text. It is attached to
every handler in ``settings.LOGGING`` and to gunicorn's access and error logs
(``deploy/gunicorn.conf.py``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

# /public/invitations/<token>[/response], /public/open-surveys/<token>,
# /public/calendars/<secret>[/consultations/<id>]; also percent-encoded slashes
# and query strings, whatever precedes the path (request line, URL, referer).
TOKEN_PATH = re.compile(
    r"(?P<prefix>/public/(?:invitations|open-surveys|calendars)(?:/|%2[Ff]))"
    r"(?P<token>[^/\s?#\"'%]+(?:%(?!2[Ff])[0-9A-Fa-f]{2}[^/\s?#\"'%]*)*)"
)
REPLACEMENT = r"\g<prefix>[token]"


def scrub_tokens(text: str) -> str:
    """``text`` with the token of every public token path replaced by ``[token]``."""
    if "/public/" not in text:
        return text
    return TOKEN_PATH.sub(REPLACEMENT, text)


def _scrub(value: Any) -> Any:
    return scrub_tokens(value) if isinstance(value, str) else value


class TokenScrubFilter(logging.Filter):
    """Rewrites a record's message and arguments in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub_tokens(record.msg)
        args = record.args
        if isinstance(args, dict):
            # In place: gunicorn passes a dict subclass that answers '-' for missing atoms.
            for key, value in list(args.items()):
                args[key] = _scrub(value)
        elif isinstance(args, tuple):
            record.args = tuple(_scrub(value) for value in args)
        return True
