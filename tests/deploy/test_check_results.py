"""The test command remembers a static check's pass per machine, keyed by the bytes of
everything the check reads (deploy/runner.py ``Check``): same inputs, same answer, no
rerun; any changed input, a failure or CHECKS_CACHE=off, and the check runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from deploy.runner import (
    ROOT,
    Check,
    contract_input_files,
    contract_inputs,
    deploy_input_files,
    deploy_inputs,
    inputs_key,
    tree_files,
)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PUBLICBENEFIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CHECKS_CACHE", raising=False)
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "manifest.yaml").write_text("kind: Deployment\n")
    return tmp_path


def _check(workspace: Path, *, exit_code: int = 0) -> Check:
    """A check whose one step notes each run in runs.log, prints, and exits as told."""
    step = (
        "import sys; open('runs.log', 'a').write('ran\\n'); "
        f"print('1056 passed'); sys.exit({exit_code})"
    )
    return Check(
        "policy",
        [[sys.executable, "-c", step]],
        cwd=workspace,
        inputs=lambda: inputs_key(tree_files(workspace / "inputs"), root=workspace),
    )


def _runs(workspace: Path) -> int:
    log = workspace / "runs.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_a_pass_is_remembered_for_the_same_inputs(workspace: Path) -> None:
    first = _check(workspace).run()
    assert first.passed and _runs(workspace) == 1

    again = _check(workspace).run()
    assert again.passed and _runs(workspace) == 1
    assert "passed before on this machine with these same inputs" in again.output
    assert "1056 passed" in again.output  # the output of the run that passed


def test_a_changed_input_runs_the_check_again(workspace: Path) -> None:
    _check(workspace).run()
    (workspace / "inputs" / "manifest.yaml").write_text("kind: StatefulSet\n")
    assert _check(workspace).run().passed
    assert _runs(workspace) == 2
    (workspace / "inputs" / "extra.yaml").write_text("kind: Service\n")
    _check(workspace).run()
    assert _runs(workspace) == 3


def test_a_failure_is_never_remembered(workspace: Path) -> None:
    assert not _check(workspace, exit_code=1).run().passed
    assert not _check(workspace, exit_code=1).run().passed
    assert _runs(workspace) == 2


def test_checks_cache_off_runs_every_time(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _check(workspace).run()
    monkeypatch.setenv("CHECKS_CACHE", "off")
    _check(workspace).run()
    assert _runs(workspace) == 2


def test_the_real_keys_cover_what_the_checks_read() -> None:
    deploy_files = {path.relative_to(ROOT).as_posix() for path in deploy_input_files()}
    assert {
        "deploy/compose.yaml",
        "deploy/validate.py",
        "deploy/tools-constraints.txt",
        "deploy/k8s/base/web.yaml",
        "deploy/k8s/overlays/production/kustomization.yaml",
    } <= deploy_files
    contract_files = {path.relative_to(ROOT).as_posix() for path in contract_input_files()}
    assert {
        "openapi/authority.yaml",
        "openapi/programme.yaml",
        "openapi/public.yaml",
        "contract/consumer/authority.ts",
        "contract/.spectral.yaml",
        "contract/package-lock.json",
    } <= contract_files
    assert not any("node_modules" in name or "generated/" in name for name in contract_files)
    assert len(deploy_inputs()) == len(contract_inputs()) == 24
