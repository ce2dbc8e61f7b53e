"""Atomic publishing of a client's run folder.

A run is written into a hidden staging folder beside its destination
(``reports/<slug>/.run-<id>-*``) and renamed into ``reports/<slug>/<run-id>/`` only when
complete; ``reports/<slug>/latest`` is a relative symlink replaced atomically. A failed
run goes to ``reports/<slug>/failed/<run-id>/`` and never touches a good report.

A staging folder holds an owner file (process id, its start time, host name) while its
run is alive. A run that is killed (``kill -9``, a reboot, out of memory) leaves its
staging folder behind; the next run of the same client removes it when no live process
holds it (see :func:`remove_stale_staging`).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

LATEST = "latest"
FAILED = "failed"
STAGING_PREFIX = ".run-"
OWNER = ".owner.json"
#: A staging folder without a readable owner, or owned on another host (where we cannot
#: see the process), is stale only after this long: the longest plausible client run.
STALE_AFTER = 24 * 3600.0


def _process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot, from ``/proc``), which
    tells a live owner from a later process that reuses its pid; ``None`` when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return stat[stat.rfind(b")") + 2:].split()[19].decode()


def _alive(pid: int, start: str | None) -> bool:
    if Path("/proc/self/stat").exists():
        return start is not None and _process_start(pid) == start
    try:  # no /proc (macOS): the pid alone
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner() -> dict:
    return {"pid": os.getpid(), "start": _process_start(os.getpid()),
            "host": socket.gethostname()}


def is_stale(folder: Path, now: float | None = None, stale_after: float = STALE_AFTER) -> bool:
    """Whether no live run holds the staging ``folder``."""
    now = time.time() if now is None else now
    try:
        owner = json.loads((folder / OWNER).read_text(encoding="utf-8"))
        pid, start, host = int(owner["pid"]), owner.get("start"), owner.get("host")
    except (OSError, ValueError, KeyError, TypeError):
        owner = None
    if owner is not None and host == socket.gethostname():
        return not _alive(pid, start)
    try:  # no owner (being created, or from an older smm-nb), or another host's run
        age = now - folder.stat().st_mtime
    except OSError:
        return False
    return age > stale_after


def remove_stale_staging(client_reports: Path, now: float | None = None,
                         stale_after: float = STALE_AFTER) -> list[Path]:
    """Remove the staging folders of one client that no live run holds; returns them.
    Published runs, ``latest`` and ``failed/`` are never touched."""
    removed = []
    if not client_reports.is_dir():
        return removed
    for p in client_reports.iterdir():
        if p.name.startswith(STAGING_PREFIX) and p.is_dir() and not p.is_symlink() \
                and is_stale(p, now, stale_after):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def staging_dir(client_reports: Path, run_id: str) -> Path:
    """A new staging folder for ``run_id``, owned by this process; stale staging folders
    of the same client (killed runs) are removed first."""
    client_reports.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(client_reports)
    work = Path(tempfile.mkdtemp(dir=client_reports, prefix=f"{STAGING_PREFIX}{run_id}-"))
    (work / OWNER).write_text(json.dumps(_owner()), encoding="utf-8")
    return work


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
    (work / OWNER).unlink(missing_ok=True)
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
    (work / OWNER).unlink(missing_ok=True)
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
