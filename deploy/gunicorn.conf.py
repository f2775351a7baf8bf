"""Gunicorn settings for production: sync workers (tenant context is per thread, WSGI only).

Gunicorn's own access and error logs pass through the same token scrubbing as
the app's logging (``ScrubbingLogger``), so no invitation token or feed secret
reaches a log line in a request path, request line or referer.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from backend.core.log_scrubbing import TokenScrubFilter


class ScrubbingLogger(Logger):
    """Gunicorn's logger with the token filter on every handler it sets up."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            for handler in log.handlers:
                handler.addFilter(TokenScrubFilter())


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
logger_class = ScrubbingLogger
# Gunicorn itself trusts X-Forwarded-Proto only from these; the app decides client
# addresses from TRUSTED_PROXY_COUNT / TRUSTED_PROXY_NETWORKS (docs/security.md).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
