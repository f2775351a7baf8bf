"""docs/api-walkthrough.md and its part 2 (webhooks, benefit reviews, enrolment,
funding), run as written against the real dev runner.

Every ```bash block of a page runs, in order, in one bash session with
``set -euo pipefail``: a failed request (curl -f), an answer without the field
the page relies on (jq -e), or an id the product no longer returns fails here.
Part 2's webhook goes to a real receiver on loopback (the runner is started
with the settings that allow one), which checks the signature.
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
from standardwebhooks import Webhook

from deploy.services import free_loopback_port
from tests.webhooks.receiver import Receiver, start_receiver

ROOT = Path(__file__).resolve().parents[2]
WALKTHROUGH = ROOT / "docs" / "api-walkthrough.md"
AFTER_THE_DECISION = ROOT / "docs" / "api-walkthrough-after-the-decision.md"
PAGES = [WALKTHROUGH, AFTER_THE_DECISION]


def bash_blocks(markdown: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", markdown, re.S)


def test_the_readme_sends_readers_to_the_tested_walkthrough():
    readme = (ROOT / "README.md").read_text()
    assert "docs/api-walkthrough.md" in readme
    assert "docs/api-walkthrough-after-the-decision.md" in readme
    # Ids that exist only on somebody's database must not come back.
    for stale in ("/proposals/7", "/decisions/3", '"proposal": 7', "/assessments/3"):
        assert stale not in readme, stale
    assert "until the assessments and consultations apps fill them" not in readme


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_the_walkthrough_takes_every_id_from_an_earlier_answer(page):
    script = "\n".join(bash_blocks(page.read_text()))
    assert script
    urls_with_numbers = re.findall(r"\$[AP]/[\w/-]*/\d+", script)
    assert urls_with_numbers == []
    assert '"proposal": 7' not in script
    assert not re.search(r'"(workshop|decision|review)": \d', script)


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
        # Part 2 subscribes a receiver on loopback, which the app refuses by default.
        WEBHOOK_ALLOW_HTTP="1",
        WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32",
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


def _run_page(page: Path, port: int, workdir: Path, *, after: str = "", **env: str):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"THE API WALKTHROUGH DID NOT RUN: {', '.join(missing)} not installed")
    script = "set -euo pipefail\n" + "\n".join(bash_blocks(page.read_text())) + after
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=workdir,
        env={**os.environ, "PORT": str(port), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


@pytest.fixture
def receiver():
    running = start_receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.mark.slow
def test_the_walkthrough_runs_against_the_dev_server(dev_server):
    port, workdir, _ = dev_server
    result = _run_page(WALKTHROUGH, port, workdir)
    # The register entry the page published carries the assessment's overall verdict.
    assert '"overall": "met"' in result.stdout


@pytest.mark.slow
def test_part_two_runs_and_its_webhook_reaches_a_real_receiver_signed(
    dev_server, receiver: Receiver
):
    port, workdir, _ = dev_server
    result = _run_page(
        AFTER_THE_DECISION,
        port,
        workdir,
        # Not on the page: hand the test the secret the page kept, to verify with.
        after='\nprintf %s "$SECRET" > webhook-secret\n',
        HOOK_URL=receiver.url,
    )
    # The page printed the delivery as the API logged it: sent once, answered 204.
    assert '"event_type":"decision.published","status":"succeeded"' in result.stdout
    assert '"last_status_code":204' in result.stdout
    secret = (workdir / "webhook-secret").read_text()

    def published() -> list[tuple[str, dict]]:
        signed = Webhook(secret)
        verified = [
            (received.headers["webhook-id"], signed.verify(received.body, received.headers))
            for received in list(receiver.received)
        ]
        assert {body["type"] for _, body in verified} >= {"proposal.moved", "decision.published"}
        return [(id_, body) for id_, body in verified if body["type"] == "decision.published"]

    # Delivered, then replayed with the same webhook-id (the page's last webhook step; the
    # replay goes out through the worker, so give it a moment).
    deadline = time.monotonic() + 60
    while len(published()) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    first, replayed = published()
    assert first == replayed
    # The position the page read holds the pledge it recorded.
    assert '"pledged": "5000.00"' in result.stdout


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
