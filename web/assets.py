"""Build the GOV.UK Frontend assets the public pages serve (standard library only).

``npm ci`` installs the versions pinned in ``web/package-lock.json`` (again only
when the lock file changed), then the stylesheet, the ES module, fonts and
images are copied into ``web/static/govuk/``, where WhiteNoise (and
``collectstatic``) pick them up. Nothing is fetched at page load: no CDN.

The precompiled stylesheet points at ``/assets/...``; the copy points at
``assets/...`` next to itself, so the files work under any ``STATIC_URL``.
It also drops the GDS Transport typeface from the font stacks: that typeface
is licensed for GOV.UK services only, and these pages belong to councils.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

WEB = Path(__file__).resolve().parent
PACKAGE = WEB / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = WEB / "static" / "govuk"
STAMP = WEB / "node_modules" / ".installed-lock"


def lock_fingerprint() -> str:
    """What STAMP holds once node_modules matches package-lock.json."""
    return hashlib.sha256((WEB / "package-lock.json").read_bytes()).hexdigest()


def npm_install() -> None:
    """Run ``npm ci`` unless node_modules already matches package-lock.json."""
    if STAMP.exists() and STAMP.read_text() == lock_fingerprint():
        return
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed to build the public pages' assets (apt-get install npm).")
    print("Installing the public pages' front-end packages (npm ci) ...", flush=True)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WEB, check=True
    )
    STAMP.write_text(lock_fingerprint())


def stylesheet_for_council(css: str) -> str:
    """The precompiled stylesheet with relative asset URLs and without GDS Transport."""
    css = css.replace("url(/assets/", "url(assets/")
    css = css.replace("font-family:GDS Transport,arial,sans-serif", "font-family:arial,sans-serif")
    return css


def assets_build() -> Path:
    """Install the pinned packages and copy what the pages need; returns the target folder."""
    npm_install()
    return assets_copy()


def assets_copy() -> Path:
    """Copy from an installed node_modules (the image build runs npm in its own stage)."""
    TARGET.mkdir(parents=True, exist_ok=True)
    css = (PACKAGE / "govuk-frontend.min.css").read_text()
    (TARGET / "govuk-frontend.min.css").write_text(stylesheet_for_council(css))
    shutil.copy2(PACKAGE / "govuk-frontend.min.js", TARGET / "govuk-frontend.min.js")
    shutil.copytree(PACKAGE / "assets", TARGET / "assets", dirs_exist_ok=True)
    return TARGET


if __name__ == "__main__":
    import sys

    built = assets_copy() if "--copy-only" in sys.argv else assets_build()
    print(f"Public pages' assets built in {built}")
