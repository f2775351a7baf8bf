"""deploy/interpreter.py: the virtualenv is built from the fastest usable interpreter of
the running Python version, measured once per machine and remembered."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from deploy import interpreter
from deploy.interpreter import Interpreter, candidates, choose, pick, probe

MINOR = list(sys.version_info[:2])


def fake_python(folder: Path, *, minor: list[int] = MINOR, work_seconds: str = "0.001") -> Path:
    """A program answering the probe as a Python of ``minor`` would, and the timed work
    in ``work_seconds``; it is its own "real path"."""
    script = folder / f"python-fake-{minor[0]}.{minor[1]}-{work_seconds}"
    facts = json.dumps({"executable": str(script), "version": "9.9.9", "minor": minor})
    script.write_text(
        "#!/bin/sh\n"
        'case "$2" in\n'
        f"  *ensurepip*) echo '{facts}' ;;\n"
        f"  *) echo {work_seconds} ;;\n"
        "esac\n"
    )
    script.chmod(0o755)
    return script


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PUBLICBENEFIT_CACHE", str(folder))
    monkeypatch.delenv(interpreter.VARIABLE, raising=False)
    return folder


def test_the_running_interpreter_is_probed_by_its_real_path():
    found = probe(sys.executable)
    assert found == Interpreter(
        executable=os.path.realpath(sys.executable), version=sys.version.split()[0]
    )


def test_another_version_or_one_that_cannot_make_a_virtualenv_is_refused(tmp_path):
    other = fake_python(tmp_path, minor=[3, 10])
    broken = tmp_path / "python-without-venv"
    broken.write_text("#!/bin/sh\necho 'No module named ensurepip' >&2\nexit 1\n")
    broken.chmod(0o755)
    assert probe(str(other)) is None
    assert probe(str(broken)) is None
    assert probe(str(tmp_path / "missing")) is None


def test_two_paths_to_one_interpreter_are_one_candidate(tmp_path):
    link = tmp_path / "python-link"
    link.symlink_to(sys.executable)
    assert len(candidates([sys.executable, str(link)])) == 1


@pytest.mark.parametrize(
    ("timings", "running", "chosen"),
    [
        ({"/a": 1.0, "/b": 0.95}, "/a", "/a"),  # 5 % faster: not worth a second virtualenv
        ({"/a": 1.0, "/b": 0.8}, "/a", "/b"),
        ({"/a": 0.7, "/b": 0.8}, "/a", "/a"),
        ({"/b": 0.8, "/c": 0.6}, "/a", "/c"),  # the running one cannot make a virtualenv
    ],
)
def test_another_interpreter_must_be_clearly_faster(timings, running, chosen):
    assert pick(timings, running) == chosen


def test_the_faster_interpreter_is_measured_once_and_remembered(cache, tmp_path, monkeypatch):
    faster = fake_python(tmp_path)
    monkeypatch.setattr(interpreter, "candidate_paths", lambda: [sys.executable, str(faster)])
    chosen = choose()
    assert chosen.executable == str(faster)
    [remembered] = cache.glob("python-choice-*.json")
    stored = json.loads(remembered.read_text())
    assert set(stored["seconds"]) == {os.path.realpath(sys.executable), str(faster)}

    def no_second_measurement(_: Interpreter) -> float:
        raise AssertionError("measured again")

    monkeypatch.setattr(interpreter, "seconds_of_work", no_second_measurement)
    assert choose() == chosen
    # A changed interpreter is a new question.
    faster.write_text(faster.read_text() + "\n")
    with pytest.raises(AssertionError, match="measured again"):
        choose()


def test_a_slower_interpreter_leaves_the_running_one(cache, tmp_path, monkeypatch):
    slower = fake_python(tmp_path, work_seconds="1000")
    monkeypatch.setattr(interpreter, "candidate_paths", lambda: [sys.executable, str(slower)])
    assert choose().executable == os.path.realpath(sys.executable)


def test_without_a_cache_the_running_interpreter_is_used_unmeasured(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLICBENEFIT_CACHE", "off")
    monkeypatch.delenv(interpreter.VARIABLE, raising=False)
    faster = fake_python(tmp_path)
    monkeypatch.setattr(interpreter, "candidate_paths", lambda: [sys.executable, str(faster)])
    assert choose().executable == os.path.realpath(sys.executable)


def test_dev_python_names_the_interpreter_or_refuses_clearly(cache, tmp_path, monkeypatch):
    named = fake_python(tmp_path, work_seconds="1000")
    monkeypatch.setenv(interpreter.VARIABLE, str(named))
    assert choose().executable == str(named)
    monkeypatch.setenv(interpreter.VARIABLE, str(fake_python(tmp_path, minor=[3, 10])))
    with pytest.raises(SystemExit, match=r"DEV_PYTHON=.*not a Python"):
        choose()


def test_the_virtualenv_key_follows_the_interpreter():
    from deploy.dev import virtualenv_key

    running = probe(sys.executable)
    assert running is not None
    other = Interpreter(executable="/usr/bin/python-other", version=running.version)
    assert virtualenv_key(running) == virtualenv_key(running)
    assert virtualenv_key(running) != virtualenv_key(other)
