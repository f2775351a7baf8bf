"""The Celery app: Redis broker, autodiscovered tasks, beat schedule from workers.schedule."""

import os

from celery import Celery

from backend.observability import signals as observability_signals
from backend.observability.heartbeat import worker_bootstep
from workers.routing import DEFAULT_QUEUE, TASK_QUEUES, TASK_ROUTES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

from workers.connections import reuse_database_connections

app = Celery("publicbenefit")
reuse_database_connections(app)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = TASK_QUEUES
app.conf.task_routes = TASK_ROUTES
app.conf.task_default_queue = DEFAULT_QUEUE
observability_signals.connect()
# Liveness: the consumer touches a heartbeat file (backend/observability/heartbeat.py).
app.steps["consumer"].add(worker_bootstep())
app.autodiscover_tasks(["workers"], related_name="jobs")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_beat_schedule(sender: Celery, **kwargs: object) -> None:
    from workers.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE
