#!/usr/bin/env python3
"""Set-up entry point: ``python3 deploy/dev.py run`` and ``python3 deploy/dev.py test``.

Uses the standard library only, because it runs before the virtualenv exists:
it links ``.venv`` to a virtualenv holding the dependencies pinned by
``constraints.txt``, built once per machine for each version of that file
(deploy/envcache.py), then hands over to ``deploy.runner`` inside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"

sys.path.insert(0, str(ROOT))
from deploy.envcache import fingerprint, linked_build, python_tag  # noqa: E402
from deploy.interpreter import Interpreter, choose  # noqa: E402


def requirements() -> list[str]:
    """The project's dependencies and its dev extras, as pyproject.toml names them."""
    import tomllib  # after main's version check: 3.11 and newer

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def build_virtualenv(folder: Path, python: Interpreter) -> None:
    print(f"Creating the virtualenv in {folder} from {python.executable} ...", flush=True)
    subprocess.run([python.executable, "-m", "venv", "--clear", str(folder)], check=True)
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    subprocess.run([*pip, "-q", "--upgrade", "pip"], check=True)
    print("Installing the pinned dependencies ...", flush=True)
    constraints = str(ROOT / "constraints.txt")
    subprocess.run([*pip, "-q", "-c", constraints, *requirements()], check=True)


def ensure_virtualenv() -> None:
    """``.venv``: the dependencies pinned by constraints.txt, shared by every clone on the
    machine (deploy/envcache.py). The project itself is not installed into it: it runs
    from the checkout, which PYTHONPATH puts first for every process started from here.
    It is built from the fastest interpreter of this Python version on the machine
    (deploy/interpreter.py)."""
    python = choose()
    linked_build(
        VENV,
        name="venv",
        key=virtualenv_key(python),
        build=lambda folder: build_virtualenv(folder, python),
    )


def virtualenv_key(python: Interpreter) -> str:
    """What the virtualenv is built from: the pins and the interpreter."""
    return fingerprint(
        [ROOT / "pyproject.toml", ROOT / "constraints.txt"],
        python_tag(),
        python.executable,
        python.version,
    )


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - runs under any system python3
        sys.exit("Python 3.11 or newer is needed.")
    ensure_virtualenv()
    os.chdir(ROOT)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    args = [str(PYTHON), "-m", "deploy.runner", *sys.argv[1:]]
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
