"""Which CPython the virtualenv is built from (standard library only: dev.py runs it first).

One Python version can be built very differently. Debian's ``/usr/bin/python3.11``
is compiled with profile-guided optimisation and link-time optimisation and is
linked statically; a pyenv build of the same 3.11 by default has neither and loads
``libpython`` as a shared library. On the development machines the first ran
pure-Python work in about three quarters of the time, and a test process (Django,
the ORM, DRF, much of it in C and in PostgreSQL) used about 6 % less CPU. So
``dev.py`` builds the virtualenv from the fastest interpreter of the running
``major.minor`` it finds: the one running it, ``python3.X`` on ``PATH``, and
``/usr/bin`` and ``/usr/local/bin``'s ``python3.X``. Each is timed on the same
pure-Python work, in turns, best of three; another interpreter is chosen only when
it is at least 10 % faster than the running one. The choice is measured once per
machine and remembered in the cache folder (deploy/envcache.py), keyed by the
candidates' paths, sizes and dates, so it changes only when an interpreter does.

``DEV_PYTHON=/path/to/python3.X`` names the interpreter instead. With the cache
off (``PUBLICBENEFIT_CACHE=off``) the running interpreter is used, unmeasured.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass

from deploy.envcache import cache_root, fingerprint, program_stamp

VARIABLE = "DEV_PYTHON"
# How much faster another interpreter must be to be preferred to the running one.
MARGIN = 0.9
ROUNDS = 3

# Prints what the virtualenv needs to know of an interpreter; fails without venv and
# ensurepip (Debian ships them in python3.X-venv).
_PROBE = (
    "import ensurepip, json, os, sys, venv; "
    "print(json.dumps({'executable': os.path.realpath(sys.executable), "
    "'version': sys.version.split()[0], 'minor': list(sys.version_info[:2])}))"
)

# Calls, attribute reads, dicts, strings and small objects: what a request or an ORM
# query spends its time on. Prints the CPU seconds it took.
_WORK = """
import time
class Row:
    __slots__ = ("key", "value")
    def __init__(self, key, value):
        self.key, self.value = key, value
    def label(self):
        return f"{self.key}:{self.value}"
def run():
    index = {}
    for number in range(120_000):
        row = Row(str(number), number)
        index[row.key] = row
        getattr(row, "value")
        row.label().split(":")
    return sorted(index, key=len)[:3]
started = time.process_time()
run()
print(time.process_time() - started)
"""


@dataclass(frozen=True)
class Interpreter:
    executable: str  # the real path of the binary
    version: str  # e.g. 3.11.2


def probe(path: str) -> Interpreter | None:
    """The interpreter at ``path``, if it runs, is the running ``major.minor`` and can
    make a virtualenv with pip."""
    try:
        done = subprocess.run(
            [path, "-c", _PROBE], capture_output=True, text=True, timeout=30, check=True
        )
        facts = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    if facts.get("minor") != list(sys.version_info[:2]):
        return None
    return Interpreter(executable=facts["executable"], version=facts["version"])


def candidate_paths() -> list[str]:
    minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
    paths = [sys.executable, shutil.which(minor) or ""]
    paths += [f"{folder}/{minor}" for folder in ("/usr/bin", "/usr/local/bin")]
    return [path for path in dict.fromkeys(paths) if path and os.path.exists(path)]


def candidates(paths: list[str]) -> list[Interpreter]:
    """Every distinct usable interpreter among ``paths``, in their order."""
    found: dict[str, Interpreter] = {}
    for path in paths:
        interpreter = probe(path)
        if interpreter is not None:
            found.setdefault(interpreter.executable, interpreter)
    return list(found.values())


def seconds_of_work(interpreter: Interpreter) -> float:
    done = subprocess.run(
        [interpreter.executable, "-c", _WORK], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip())


def pick(timings: dict[str, float], running: str) -> str:
    """The fastest interpreter, unless it beats the running one by less than the margin."""
    fastest = min(timings, key=timings.__getitem__)
    if running in timings and timings[fastest] > timings[running] * MARGIN:
        return running
    return fastest


def choose() -> Interpreter:
    """The interpreter to build the virtualenv from (see the module's docstring)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    named = os.environ.get(VARIABLE, "").strip()
    if named:
        interpreter = probe(named)
        if interpreter is None:
            sys.exit(f"{VARIABLE}={named}: not a Python {version} that can make a virtualenv.")
        return interpreter
    paths = candidate_paths()
    root = cache_root()
    stamps = fingerprint([], *map(program_stamp, paths))
    remembered = root / f"python-choice-{stamps}.json" if root else None
    if remembered is not None:
        try:
            chosen = Interpreter(**json.loads(remembered.read_text())["chosen"])
            if os.path.exists(chosen.executable):
                return chosen
        except (OSError, ValueError, KeyError, TypeError):
            pass
    found = candidates(paths if remembered is not None else paths[:1])
    if not found:
        sys.exit(
            f"No Python {version} here can make a virtualenv with pip"
            f" (on Debian: apt install python{version}-venv)."
        )
    if remembered is None:
        return found[0]
    # One usable interpreter is remembered unmeasured, so later commands probe nothing.
    chosen, timings = found[0], dict[str, float]()
    if len(found) > 1:
        for _ in range(ROUNDS):
            for interpreter in found:
                seconds = seconds_of_work(interpreter)
                timings[interpreter.executable] = min(
                    seconds, timings.get(interpreter.executable, seconds)
                )
        chosen_path = pick(timings, os.path.realpath(sys.executable))
        chosen = next(each for each in found if each.executable == chosen_path)
    temporary = remembered.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"chosen": asdict(chosen), "seconds": timings}, indent=1))
    os.replace(temporary, remembered)
    if timings:
        described = ", ".join(f"{path} {seconds:.2f}s" for path, seconds in timings.items())
        print(f"Python for the virtualenv: {chosen.executable} (timed: {described})", flush=True)
    return chosen
