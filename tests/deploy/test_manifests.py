"""What the Kubernetes overlays and the compose file promise, checked on the rendered
output (``kubectl kustomize``, as deploy/validate.py renders it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = sorted(p for p in (ROOT / "deploy" / "k8s" / "overlays").iterdir() if p.is_dir())
TASK_TIME_LIMIT = 900  # CELERY_TASK_TIME_LIMIT's default in backend/settings.py


def render(overlay: Path) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl renders the overlays (apt-get install kubectl)"
    output = subprocess.run(
        [kubectl, "kustomize", str(overlay)], check=True, capture_output=True, text=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(output) if doc]


def of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def pod_specs(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        name: doc["spec"]["template"]["spec"]
        for kind in ("Deployment", "Job")
        for name, doc in of_kind(docs, kind).items()
    }


@pytest.fixture(scope="module", params=OVERLAYS, ids=[p.name for p in OVERLAYS])
def docs(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return render(request.param)


def test_migration_job_and_images_carry_the_release_tag(docs):
    images = {
        container["image"]
        for spec in pod_specs(docs).values()
        for container in spec["containers"] + spec.get("initContainers", [])
    }
    assert len(images) == 1, images
    tag = images.pop().rsplit(":", 1)[1]
    assert tag and tag != "latest"
    assert list(of_kind(docs, "Job")) == [f"publicbenefit-migrate-{tag}"]
    assert of_kind(docs, "ConfigMap")["publicbenefit"]["data"]["RELEASE"] == tag


def test_web_waits_for_its_release_migrations_before_serving(docs):
    web = of_kind(docs, "Deployment")["publicbenefit-web"]["spec"]
    init = web["template"]["spec"]["initContainers"]
    assert init[0]["command"][:3] == ["python", "manage.py", "wait_for_migrations"]
    assert web["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_every_pod_is_non_root_read_only_and_bounded(docs):
    for name, spec in pod_specs(docs).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"] + spec.get("initContainers", []):
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), name
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), name


def test_web_workers_and_beat_have_liveness_and_readiness(docs):
    deployments = of_kind(docs, "Deployment")
    assert {"publicbenefit-web", "publicbenefit-beat"} <= set(deployments)
    workers = [name for name in deployments if name.startswith("publicbenefit-worker-")]
    assert sorted(workers) == [
        "publicbenefit-worker-benchmarks",
        "publicbenefit-worker-email",
        "publicbenefit-worker-sweeps",
    ]
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert "livenessProbe" in container and "readinessProbe" in container, name


def test_worker_grace_outlasts_the_longest_task(docs):
    for name, deployment in of_kind(docs, "Deployment").items():
        if name.startswith("publicbenefit-worker-"):
            grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
            assert grace > TASK_TIME_LIMIT, name


def test_disruption_budgets_autoscalers_policies_namespace_and_tls(docs):
    deployments = set(of_kind(docs, "Deployment"))
    budgets = {
        doc["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        for doc in of_kind(docs, "PodDisruptionBudget").values()
    }
    assert budgets == deployments
    scaled = {
        doc["spec"]["scaleTargetRef"]["name"]
        for doc in of_kind(docs, "HorizontalPodAutoscaler").values()
    }
    assert "publicbenefit-web" in scaled
    assert {name for name in deployments if "worker" in name} <= scaled
    policies = of_kind(docs, "NetworkPolicy")
    assert policies["default-deny"]["spec"]["policyTypes"] == ["Ingress", "Egress"]
    namespaces = list(of_kind(docs, "Namespace"))
    assert len(namespaces) == 1
    for doc in docs:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == namespaces[0], doc["metadata"]["name"]
    ingress = of_kind(docs, "Ingress")["publicbenefit"]["spec"]
    assert ingress["tls"][0]["secretName"]
    assert set(ingress["tls"][0]["hosts"]) == {rule["host"] for rule in ingress["rules"]}
    config = of_kind(docs, "ConfigMap")["publicbenefit"]["data"]
    assert config["TRUSTED_PROXY_COUNT"] == "1"
    assert "NUM_PROXIES" not in config  # the app refuses to start with it


def test_compose_runs_migrate_to_completion_before_the_app_and_checks_health():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web", "beat"} <= set(services)
    assert {"worker-sweeps", "worker-email", "worker-benchmarks"} <= set(services)
    for name in ("web", "beat", "worker-sweeps", "worker-email", "worker-benchmarks"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
        assert "healthcheck" in services[name], name
        assert services[name]["read_only"] is True, name
    for name in ("postgres", "redis"):
        assert "healthcheck" in services[name]
    assert set(compose["volumes"]) == {"postgres-data", "redis-data"}
