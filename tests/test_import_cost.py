"""What a serving process imports at start: nothing only a rare request needs.

Every gunicorn worker, Celery process and manage.py command loads the settings and
the URL configuration; a library imported there is paid for by all of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_web_process_does_not_import_matplotlib_until_it_draws_a_chart():
    script = (
        "import sys\n"
        "from django.core.wsgi import get_wsgi_application\n"
        "get_wsgi_application()\n"
        "from django.urls import get_resolver\n"
        "get_resolver('backend.urls_public').url_patterns\n"
        "get_resolver('backend.urls_tenant').url_patterns\n"
        "assert 'api.authority.benchmarks' in sys.modules\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
        "from backend.benchmarks.charts import _figure\n"
        "_figure()\n"
        "print('matplotlib' in sys.modules)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["[]", "True"]
