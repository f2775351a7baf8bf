"""The Grafana dashboard only charts metrics the code defines, by bounded labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

from backend.observability import metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "publicbenefit.json"


def test_every_panel_queries_a_metric_the_code_exports():
    defined = {
        "publicbenefit_http_request_duration_seconds",
        "publicbenefit_task_duration_seconds",
        "publicbenefit_task_failures_total",
        "publicbenefit_outbox_backlog",
        "publicbenefit_consultations_due",
    }
    assert metrics.REQUEST_LATENCY._name == "publicbenefit_http_request_duration_seconds"
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["panels"]
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            names = set(re.findall(r"publicbenefit_[a-z_]+", target["expr"]))
            bases = {re.sub(r"_(bucket|count|sum)$", "", name) for name in names}
            assert bases and bases <= defined, target["expr"]
            assert "authority" not in target["expr"]
