"""Atomic publishing of a client's run folder.

A run is written into a hidden staging folder beside its destination
(``reports/<slug>/.run-<id>-*``) and renamed into ``reports/<slug>/<run-id>/`` only when
complete; ``reports/<slug>/latest`` is a relative symlink replaced atomically. A failed
run goes to ``reports/<slug>/failed/<run-id>/`` and never touches a good report.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

LATEST = "latest"
FAILED = "failed"


def staging_dir(client_reports: Path, run_id: str) -> Path:
    client_reports.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=client_reports, prefix=f".run-{run_id}-"))


def _replace_dir(src: Path, dest: Path) -> None:
    """Move ``src`` to ``dest``; an existing ``dest`` is swapped out, then removed."""
    old = None
    if dest.exists():
        old = dest.with_name(f".old-{dest.name}-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(dest, old)
    os.replace(src, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def publish(work: Path, client_reports: Path, run_id: str) -> Path:
    """Move a complete run into place and point ``latest`` at it."""
    dest = client_reports / run_id
    _replace_dir(work, dest)
    tmp_link = client_reports / f".latest-{run_id}-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(run_id, target_is_directory=True)
    os.replace(tmp_link, client_reports / LATEST)  # atomic on POSIX
    return dest


def keep_failed(work: Path, client_reports: Path, run_id: str) -> Path:
    """Keep a failed run (partial notebooks included) for debugging."""
    dest = client_reports / FAILED / run_id
    dest.parent.mkdir(parents=True, exist_ok=True)
    _replace_dir(work, dest)
    return dest


def latest_run(client_reports: Path) -> Path | None:
    """The last successful run folder of a client, or ``None``."""
    link = Path(client_reports) / LATEST
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if target.is_dir() else None
