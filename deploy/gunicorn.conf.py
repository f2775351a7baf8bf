"""Gunicorn settings for every environment (the dev runner adds ``--reload``).

Sync workers by default (tenant context lives in the thread; WSGI only). Workers come
from ``GUNICORN_WORKERS`` or the CPUs this container may use (its cgroup quota), never
the node's cores, so a pod with a 1-CPU limit on a 64-core node runs 3 workers, not 129.
Each worker thread holds at most one PostgreSQL connection: see deploy/budget.py.

Gunicorn's own access and error logs pass through the same token scrubbing as
the app's logging (``ScrubbingLogger``), so no invitation token or feed secret
reaches a log line in a request path, request line or referer.
"""

import os

from gunicorn.glogging import Logger

from backend.core.log_scrubbing import TokenScrubFilter
from deploy.budget import default_web_workers


class ScrubbingLogger(Logger):
    """Gunicorn's logger with the token filter on every handler it sets up."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            for handler in log.handlers:
                handler.addFilter(TokenScrubFilter())


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or default_web_workers())
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Connections wait here while every worker is busy: a burst of 1,000 answers queues
# instead of being reset (runserver's backlog is 10).
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
max_requests = 2000
max_requests_jitter = 200
# Off by default: gunicorn logs raw paths, and invitation paths carry a resident's
# token. The app logs each request itself (view name, status, duration; no path).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
logger_class = ScrubbingLogger
# Proxies whose X-Forwarded-Proto gunicorn trusts. Behind a load balancer or an ingress
# controller set it to their addresses (or "*" when only they can reach the pod); the
# app decides client addresses from TRUSTED_PROXY_COUNT / TRUSTED_PROXY_NETWORKS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Worker heartbeat files on a tmpfs, not the (read-only) root filesystem.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
# gunicorn 27's control socket defaults to one path in $HOME: on a read-only root
# filesystem it cannot be written, and several servers on one machine would share it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "") == ""
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or "/tmp/gunicorn.ctl"
