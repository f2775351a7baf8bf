"""docs/api-walkthrough.md and its part 2 (webhooks, benefit reviews, enrolment,
funding), run as written against the real dev runner.

Every ```bash block of a page runs, in order, in one bash session with
``set -euo pipefail``: a failed request (curl -f), an answer without the field
the page relies on (jq -e), or an id the product no longer returns fails here.
Part 2's webhook goes to a real receiver on loopback (the runner is started
with the settings that allow one), which checks the signature.

The same booted runner then serves the README's run command test (last in this
module, since it ends with Ctrl-C): booting a dev runner (a new PostgreSQL,
every migration, the demo data) is the dearest fixture of the suite, so the
walkthrough and the run command share one, as pytest-xdist's ``--dist loadfile``
keeps a module in one process.
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
from dataclasses import dataclass
from pathlib import Path

import psutil
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


@dataclass
class DevRunner:
    port: int
    tmp: Path
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    boot_seconds: float  # from starting the runner to its API answering


@pytest.fixture(scope="module")
def dev_runner(tmp_path_factory):
    """The dev runner on free ports with its own data folder; stopped afterwards (unless
    the run command test stopped it with Ctrl-C first)."""
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
        # The run command test's burst comes from one address; residents do not share one.
        CONSULTATION_ADDRESS_THROTTLE_RATE="100000/min",
        # One web worker serves one reader of the pages; each more is a Django process
        # booted for nothing (the runner's default of 3 is for a developer's browser).
        GUNICORN_WORKERS="1",
        # No code changes to watch here; the polling reloader stats every module each second.
        DEV_RELOAD="0",
    )
    log_path = tmp / "run.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        runner = subprocess.Popen(
            [sys.executable, "-m", "deploy.runner", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
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
        yield DevRunner(port, tmp, log_path, env, runner, time.monotonic() - started)
    finally:
        if runner.poll() is None:
            runner.send_signal(signal.SIGINT)
            try:
                runner.wait(60)
            except subprocess.TimeoutExpired:
                runner.kill()


@pytest.fixture(scope="module")
def dev_server(dev_runner: DevRunner):
    return dev_runner.port, dev_runner.tmp, dev_runner.log_path


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


@pytest.mark.slow
def test_run_serves_me_with_a_printed_token_and_ctrl_c_stops_everything(dev_runner: DevRunner):
    """The README's run command, end to end: it serves /api/v1/me with a printed demo token
    on a demo authority's host through gunicorn; another dev.py command beside it reuses its
    servers, sends a burst of concurrent public answers with no error, and leaves everything
    running; Ctrl-C leaves no process behind. Last in the module: it stops the runner."""
    port, env, log_path = dev_runner.port, dev_runner.env, dev_runner.log_path
    runner, tmp_path = dev_runner.process, dev_runner.tmp
    started = time.monotonic()
    try:
        token = None
        body = b""
        while time.monotonic() - started < 300:
            assert runner.poll() is None, log_path.read_text()
            text = log_path.read_text(errors="replace")
            match = re.search(r"admin@demo\.example\s+token (\w+)", text)
            if match and "Ready in" in text:
                token = match.group(1)
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/me",
                    headers={"Host": f"demo.localhost:{port}", "Authorization": f"Token {token}"},
                )
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        body = response.read()
                        break
                except OSError:
                    pass
            time.sleep(0.5)
        elapsed = dev_runner.boot_seconds + time.monotonic() - started
        assert token, log_path.read_text()
        assert b'"slug":"demo"' in body, body
        # Generous: eight engineers share this 2-core machine (about 35 s when idle).
        assert elapsed < 300
        print(f"run → /api/v1/me answered in {elapsed:.1f}s")

        # Another command beside the runner: it must reuse the runner's PostgreSQL and
        # Redis, and stop neither (it used to stop PostgreSQL: /readyz then said 503).
        beside = subprocess.run(
            [
                sys.executable,
                "-m",
                "deploy.runner",
                "bench",
                "bench/public_answers.py",
                "--port",
                str(port),
                "--answers",
                "150",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        output = beside.stdout + beside.stderr
        assert beside.returncode == 0, output
        assert "PostgreSQL (embedded): reusing the server" in output, output
        assert "Redis (embedded) reusing the server" in output, output
        assert "150 concurrent answers: 0 errors" in output, output
        print(output.strip().splitlines()[-1])
        assert runner.poll() is None, log_path.read_text()
        with urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{port}/readyz"), timeout=10
        ) as response:
            assert response.status == 200
        assert "Listening at: http://127.0.0.1:" in log_path.read_text()  # gunicorn
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(60)
        except subprocess.TimeoutExpired:
            runner.kill()
            raise
    # Every process the runner starts names the data folder, the web port or the
    # worker's port-stamped node name on its command line. PostgreSQL's shutdown
    # checkpoint can outlast the runner on a loaded machine: allow what pg_ctl allows.
    marks = [str(tmp_path), f"127.0.0.1:{port}", f"dev-{port}@", f":{env['DEV_REDIS_PORT']}"]

    def leftover_processes() -> list[psutil.Process]:
        return [
            p
            for p in psutil.process_iter(["pid", "cmdline"])
            if p.pid != os.getpid()
            and any(mark in " ".join(p.info["cmdline"] or []) for mark in marks)
        ]

    deadline = time.monotonic() + 120
    leftovers = leftover_processes()
    while leftovers and time.monotonic() < deadline:
        time.sleep(1)
        leftovers = leftover_processes()
    assert leftovers == [], [p.info["cmdline"] for p in leftovers]
