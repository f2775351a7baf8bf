"""Validate the deployment files offline; run by ``python3 deploy/dev.py test``.

1. ``deploy/compose.yaml`` against the Compose Specification's JSON schema (the copy
   shipped inside the ``docker-compose`` wheel, installed with ``--no-deps`` only for
   that file), and with ``docker compose config`` too when a Docker client with the
   compose plugin is present (no engine is needed for it).
2. Each Kustomize overlay under ``deploy/k8s/overlays`` rendered with
   ``kubectl kustomize`` (kubectl bundles kustomize; the machines have Debian's kubectl),
   then checked by kubernetes-validate (its schemas ship in the wheel; ``--strict``
   refuses unknown fields) and by checkov with ``--skip-download`` (no network),
   which must report no failed check apart from the ones skipped below.

checkov and kubernetes-validate live in their own virtualenv (``.local/tools``), pinned
by ``deploy/tools-constraints.txt`` and installed on first use (a few minutes).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

import yaml

from deploy.envcache import fingerprint, linked_build, python_tag

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".local" / "tools"
TOOLS_PYTHON = TOOLS / "bin" / "python"
CONSTRAINTS = ROOT / "deploy" / "tools-constraints.txt"
OVERLAYS = ROOT / "deploy" / "k8s" / "overlays"
COMPOSE = ROOT / "deploy" / "compose.yaml"
KUBERNETES_VERSION = "1.32.0"

# checkov checks skipped on purpose (docs/deploying.md repeats the reasons):
SKIPPED_CHECKS = {
    # Images are pinned by release tag, which also names the migration Job; a registry
    # that signs or pins digests can add `digest:` in the overlay's `images`.
    "CKV_K8S_43": "image by digest",
    # Django reads its settings from environment variables; the Secret is only
    # exposed to the app's own pods, which cannot be exec'd into without RBAC.
    "CKV_K8S_35": "secrets as files instead of environment variables",
}


def build_tools(folder: Path) -> None:
    print(f"Installing the deployment validators into {folder} ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    python = str(folder / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    pins = [
        line.strip()
        for line in CONSTRAINTS.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    compose = [pin for pin in pins if pin.startswith("docker-compose==")]
    wanted = [
        pin
        for pin in pins
        if pin.split("==")[0].lower() in {"checkov", "kubernetes-validate", "jsonschema"}
    ]
    subprocess.run([*pip, "-c", str(CONSTRAINTS), *wanted], check=True)
    # Only for its copy of the Compose Specification schema: its own dependencies are
    # old and would clash with checkov's.
    subprocess.run([*pip, "--no-deps", *compose], check=True)


def ensure_tools() -> None:
    """``.local/tools``: the validators' own virtualenv, shared by every clone on the
    machine for each version of deploy/tools-constraints.txt (deploy/envcache.py)."""
    key = fingerprint([CONSTRAINTS], python_tag())
    linked_build(TOOLS, name="deploy-tools", key=key, build=build_tools)


def compose_schema() -> dict:
    found = sorted(TOOLS.glob("lib/python3*/site-packages/compose/config/compose_spec.json"))
    if not found:
        raise SystemExit("The Compose Specification schema is missing from .local/tools.")
    return json.loads(found[0].read_text())


def validate_compose() -> list[str]:
    import jsonschema

    problems = []
    document = yaml.safe_load(COMPOSE.read_text())
    validator = jsonschema.Draft7Validator(compose_schema())
    for error in validator.iter_errors(document):
        where = "/".join(str(part) for part in error.absolute_path)
        problems.append(f"compose.yaml {where}: {error.message}")
    docker = shutil.which("docker")
    has_plugin = (
        docker
        and subprocess.run(
            [docker, "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if has_plugin:
        env = {"VERSION": "0.0.0", "SECRET_KEY": "x", "BASE_DOMAIN": "example.org"}
        env["POSTGRES_PASSWORD"] = "x"
        result = subprocess.run(
            [str(docker), "compose", "-f", str(COMPOSE), "config", "--quiet"],
            capture_output=True,
            text=True,
            env={**env, "PATH": "/usr/bin:/bin:/usr/local/bin"},
            check=False,
        )
        if result.returncode != 0:
            problems.append(f"docker compose config: {result.stderr.strip()}")
        print("compose.yaml: docker compose config ran", flush=True)
    else:
        print("compose.yaml: no docker compose plugin here; schema check only", flush=True)
    return problems


def render(overlay: Path) -> str:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise SystemExit(
            "kubectl is needed to render the Kustomize overlays (apt-get install kubectl)."
        )
    return subprocess.run(
        [kubectl, "kustomize", str(overlay)], check=True, capture_output=True, text=True
    ).stdout


def validate_manifests(rendered: dict[str, Path]) -> list[str]:
    problems = []
    for name, path in rendered.items():
        result = subprocess.run(
            [
                str(TOOLS_PYTHON),
                "-m",
                "kubernetes_validate",
                "--strict",
                "--quiet",
                "-k",
                KUBERNETES_VERSION,
                str(path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        output = (result.stdout + result.stderr).strip()
        if result.returncode != 0 or "ERROR" in output:
            problems.append(f"kubernetes-validate {name}:\n{output}")
    files = [arg for path in rendered.values() for arg in ("-f", str(path))]
    result = subprocess.run(
        [
            str(TOOLS_PYTHON),
            "-m",
            "checkov.main",
            "--skip-download",
            "--framework",
            "kubernetes",
            "--skip-check",
            ",".join(SKIPPED_CHECKS),
            "--compact",
            "--quiet",
            "-o",
            "json",
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        reports = json.loads(result.stdout)
    except json.JSONDecodeError:
        return [*problems, f"checkov did not report: {result.stdout[-2000:]} {result.stderr}"]
    if isinstance(reports, dict):
        reports = [reports]
    failed = 0
    for report in reports:
        summary = report.get("summary", {})
        failed += summary.get("failed", 0)
        for check in report.get("results", {}).get("failed_checks", []):
            problems.append(
                f"checkov {check['check_id']} {check['check_name']}: {check['resource']}"
            )
        passed = summary.get("passed", 0)
        print(f"checkov: {passed} passed, {summary.get('failed', 0)} failed", flush=True)
    return problems


def main() -> int:
    ensure_tools()
    problems = validate_compose()
    with tempfile.TemporaryDirectory(prefix="pb-k8s-") as tmp:
        rendered = {}
        for overlay in sorted(p for p in OVERLAYS.iterdir() if p.is_dir()):
            path = Path(tmp) / f"{overlay.name}.yaml"
            path.write_text(render(overlay))
            rendered[overlay.name] = path
        print(f"Rendered overlays with kubectl kustomize: {', '.join(rendered)}", flush=True)
        problems += validate_manifests(rendered)
    for problem in problems:
        print(problem, flush=True)
    print("deploy files: " + ("FAILED" if problems else "valid"), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
