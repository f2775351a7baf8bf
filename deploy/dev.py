#!/usr/bin/env python3
"""Set-up entry point: ``python3 deploy/dev.py run`` and ``python3 deploy/dev.py test``.

Uses the standard library only, because it runs before the virtualenv exists:
it creates ``.venv``, installs the project pinned by ``constraints.txt`` (again
only when either file changed), then hands over to ``deploy.runner`` inside
the virtualenv.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed"


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_virtualenv() -> None:
    if not PYTHON.exists():
        print("Creating the virtualenv in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    print("Installing the project and its pinned dependencies ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(fingerprint)


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - runs under any system python3
        sys.exit("Python 3.11 or newer is needed.")
    ensure_virtualenv()
    os.chdir(ROOT)
    args = [str(PYTHON), "-m", "deploy.runner", *sys.argv[1:]]
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
