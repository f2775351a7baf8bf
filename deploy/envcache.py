"""Installed environments kept once per machine, keyed by what pins them (standard library only).

A virtualenv or a ``node_modules`` folder depends only on its lock file (and the
Python or Node that runs it), not on the checkout, so every clone on a machine can
share one copy: the first command that needs it builds it under the cache folder,
named after a hash of its lock files, and each checkout gets a symbolic link to it
(``.venv``, ``.local/tools``, ``contract/node_modules``). A changed lock file gives
a new name, so a new copy; nothing is ever upgraded in place under another clone.

The cache is ``$PUBLICBENEFIT_CACHE``, else ``$XDG_CACHE_HOME/publicbenefit`` (by
default ``~/.cache/publicbenefit``), else, when other users cannot reach that
folder, ``/var/tmp/publicbenefit-<uid>``: started as root, the embedded PostgreSQL
runs its binaries, which live in the virtualenv, as an unprivileged user.
``PUBLICBENEFIT_CACHE=off`` builds inside the checkout instead, as does an
unwritable cache folder. A build holds a lock on its
folder, so two clones starting at once build it once, and it counts only when its
stamp is written at the end: a build that was interrupted is started again.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

STAMP = ".complete"


def cache_root() -> Path | None:
    """The machine's cache folder, or None when caching is off or impossible."""
    configured = os.environ.get("PUBLICBENEFIT_CACHE", "").strip()
    if configured.lower() in {"off", "0", "no"}:
        return None
    if configured:
        root = Path(configured)
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "publicbenefit"
        if not _reachable_by_others(root.parent):
            # Started as root, the embedded PostgreSQL runs its binaries (inside the
            # virtualenv) as another user, who cannot enter a private home folder.
            root = Path("/var/tmp") / f"publicbenefit-{os.getuid()}"
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o755)
    except OSError:
        return None
    return root if os.access(root, os.W_OK) else None


def _reachable_by_others(folder: Path) -> bool:
    """Whether every existing folder on the way to ``folder`` lets other users through."""
    for part in [folder, *folder.parents]:
        if part.exists() and not part.stat().st_mode & 0o001:
            return False
    return True


def fingerprint(files: Iterable[Path], *extra: str) -> str:
    """A hash of the files' names and bytes and of any extra text (e.g. a Python version)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for text in extra:
        digest.update(text.encode() + b"\0")
    return digest.hexdigest()[:20]


def program_stamp(path: str | Path) -> str:
    """A program's real path, size and modification time: a new version changes them."""
    real = Path(path).resolve()
    stat = real.stat()
    return f"{real} {stat.st_size} {stat.st_mtime_ns}"


def tree_files(*roots: Path, skipped: Collection[str] = (), suffix: str = "") -> list[Path]:
    """Every file under ``roots`` whose name ends with ``suffix``, sorted; a root that is
    a file stands for itself, a missing one gives nothing, folders named in ``skipped``
    are not entered."""
    files: list[Path] = []
    for root in roots:
        if root.is_file():
            files.append(root)
            continue
        for parent, folders, names in os.walk(root):
            folders[:] = [name for name in folders if name not in skipped]
            files.extend(Path(parent) / name for name in names if name.endswith(suffix))
    return sorted(files)


def files_digest(files: Iterable[Path], *extra: str, root: Path) -> str:
    """A hash of the files' paths (under ``root``) and bytes, then of any extra text: what
    a result built from exactly those files and tools can be kept under."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for text in extra:
        digest.update(text.encode() + b"\0")
    return digest.hexdigest()


def python_tag() -> str:
    return f"{sys.implementation.name}-{sys.version_info.major}.{sys.version_info.minor}"


def linked_build(
    link: Path, *, name: str, key: str, build: Callable[[Path], None], inner: str = ""
) -> Path:
    """Make ``link`` point at a complete build named ``name``-``key``; build it if needed.

    ``build(folder)`` fills an empty folder; ``link`` points at the folder, or at its
    ``inner`` subfolder (``npm ci`` fills ``<folder>/node_modules``). Returns the
    folder. With no usable cache, the build happens in the checkout instead: in
    ``link`` itself, or in ``link``'s parent when ``inner`` is given.
    """
    root = cache_root()
    if root is None:
        return _build_in_place(link.parent if inner else link, key, build, keep=bool(inner))
    folder = root / f"{name}-{key}"
    target = folder / inner if inner else folder
    if not (folder / STAMP).exists():
        with (root / f"{name}-{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another clone may be building it now
            if not (folder / STAMP).exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                build(folder)
                (folder / STAMP).write_text(key)
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return target
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.exists():
        shutil.rmtree(link)  # a folder built in place before the cache existed
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target, target_is_directory=True)
    return folder


def _build_in_place(
    folder: Path, key: str, build: Callable[[Path], None], *, keep: bool = False
) -> Path:
    """Build in the checkout. ``keep``: the folder is one of the checkout's own
    (contract/), built into every time, as a package manager's ``ci`` does."""
    if keep:
        build(folder)
        return folder
    stamp = folder / STAMP
    if stamp.exists() and stamp.read_text() == key:
        return folder
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    build(folder)
    stamp.write_text(key)
    return folder


def seeded_cache(local: Path, *, name: str, key: str) -> Callable[[], None]:
    """A tool's incremental cache (mypy's) shared across clones, by copy.

    If ``local`` (the checkout's cache) is missing, copy the machine's ``name``-``key``
    into it (with its files' times, which the tool checks). Returns ``keep``, which
    copies ``local`` back as the machine's copy, atomically: call it after a passing
    run. The tool itself decides what in a copied cache is still valid (mypy compares
    each source file's hash with the one it recorded, and rechecks what changed).
    """
    root = cache_root()
    if root is None:
        return lambda: None
    machine = root / f"{name}-{key}"
    if not local.exists() and (machine / STAMP).exists():
        try:
            shutil.copytree(machine, local, ignore=shutil.ignore_patterns(STAMP))
        except OSError:
            shutil.rmtree(local, ignore_errors=True)  # a partial copy: start cold

    def keep() -> None:
        if not local.is_dir():
            return
        with (root / f"{name}-{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            fresh = root / f"{name}-{key}.new-{os.getpid()}"
            old = root / f"{name}-{key}.old-{os.getpid()}"
            shutil.rmtree(fresh, ignore_errors=True)
            shutil.copytree(local, fresh)
            (fresh / STAMP).write_text(key)
            if machine.exists():
                machine.rename(old)
            fresh.rename(machine)
            shutil.rmtree(old, ignore_errors=True)

    return keep
