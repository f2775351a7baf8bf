"""docs/api-walkthrough.md, run as written against the real dev runner.

Every ```bash block of the page runs, in order, in one bash session with
``set -euo pipefail``: a failed request (curl -f), an answer without the field
the page relies on (jq -e), or an id the product no longer returns fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deploy.services import free_loopback_port

ROOT = Path(__file__).resolve().parents[2]
WALKTHROUGH = ROOT / "docs" / "api-walkthrough.md"


def bash_blocks(markdown: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", markdown, re.S)


def test_the_readme_sends_readers_to_the_tested_walkthrough():
    readme = (ROOT / "README.md").read_text()
    assert "docs/api-walkthrough.md" in readme
    # Ids that exist only on somebody's database must not come back.
    for stale in ("/proposals/7", "/decisions/3", '"proposal": 7', "/assessments/3"):
        assert stale not in readme, stale
    assert "until the assessments and consultations apps fill them" not in readme


def test_the_walkthrough_takes_every_id_from_an_earlier_answer():
    script = "\n".join(bash_blocks(WALKTHROUGH.read_text()))
    urls_with_numbers = re.findall(r"\$[AP]/[\w/-]*/\d+", script)
    assert urls_with_numbers == []
    assert '"proposal": 7' not in script


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory):
    """The dev runner on free ports with its own data folder; stopped afterwards."""
    tmp = tmp_path_factory.mktemp("walkthrough")
    port = free_loopback_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEV_DATA_DIR=str(tmp / "local"),
        DEV_REDIS_PORT=str(free_loopback_port()),
        PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp / "run.log"
    with log_path.open("wb") as log:
        runner = subprocess.Popen(
            [sys.executable, "-m", "deploy.runner", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        started = time.monotonic()
        while True:
            assert runner.poll() is None, log_path.read_text(errors="replace")
            # About 20 s on an idle machine; much longer while other jobs load it.
            assert time.monotonic() - started < 600, log_path.read_text(errors="replace")
            if "Ready in" in log_path.read_text(errors="replace"):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/", headers={"Host": f"localhost:{port}"}
                )
                try:
                    with urllib.request.urlopen(request, timeout=5):
                        break
                except OSError:
                    pass
            time.sleep(0.5)
        yield port, tmp, log_path
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(60)
        except subprocess.TimeoutExpired:
            runner.kill()


@pytest.mark.slow
def test_the_walkthrough_runs_against_the_dev_server(dev_server):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"THE API WALKTHROUGH DID NOT RUN: {', '.join(missing)} not installed")
    port, workdir, _ = dev_server
    script = "set -euo pipefail\n" + "\n".join(bash_blocks(WALKTHROUGH.read_text()))
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=workdir,
        env={**os.environ, "PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    # The register entry the page published carries the assessment's overall verdict.
    assert '"overall": "met"' in result.stdout


@pytest.mark.slow
def test_every_url_the_runner_prints_answers(dev_server):
    port, _, log_path = dev_server
    text = log_path.read_text(errors="replace")
    block = text[text.index("Ready in") :]
    urls = re.findall(r"(http://[\w.]+:\d+/[^\s]*)", block.split("Press Ctrl-C")[0])
    expanded = []
    for url in urls:
        braces = re.search(r"\{([\w,]+)\}", url)
        if braces:
            expanded += [url.replace(braces.group(0), part) for part in braces.group(1).split(",")]
        else:
            expanded.append(url)
    assert any(url.endswith("/api/v1/") for url in expanded), block
    for url in expanded:
        parts = re.match(r"http://([^/]+)(/.*)", url)
        assert parts is not None, url
        host, path = parts.groups()
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        # 401 is an answer: the URL exists and asks for a token.
        assert status in {200, 401}, f"{url} answered {status}"
