"""Debian's Chromium for the public pages' browser tests (standard library only).

The test command calls ``chromium_ensure()``: when ``/usr/bin/chromium`` is
missing and we run as root (CI, a fresh machine), it installs Debian's
package. Playwright then drives that binary; it never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def chromium_ensure() -> bool:
    """True when Chromium is there (installing it if we may); False leaves the tests to skip."""
    if CHROMIUM.exists():
        return True
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print("Chromium is missing and cannot be installed here; browser tests will skip.")
        return False
    print("Installing Chromium for the browser tests (apt-get) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False)
    return CHROMIUM.exists()
