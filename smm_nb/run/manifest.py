"""``manifest.json``: what a client run used and how it went.

Inputs are named relative to the client's folder or the notebooks folder, never by an
absolute path, and hashed by content; their combined :func:`fingerprint` is what
``smm-nb run --changed`` compares with the last successful run.
"""
from __future__ import annotations

import hashlib
import json
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from smm_nb.model.workspace import Workspace, file_digest

MANIFEST = "manifest.json"

#: distributions whose versions can change a report
PACKAGES = ("smm-nb", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn",
            "pyarrow", "papermill", "nbclient", "nbformat", "ipykernel", "jupyter_client",
            "pydantic", "babel", "mistune")


def input_hashes(ws: Workspace, notebooks: dict[str, Path]) -> dict[str, str]:
    """Content hash of the client's config, every export and every notebook to run."""
    hashes = {"client.yaml": file_digest(ws.config_path)}
    if ws.exports_dir.is_dir():
        for rel, digest in ws.export_digests().items():
            hashes[f"exports/{rel}"] = digest
    for name, path in sorted(notebooks.items()):
        hashes[f"notebooks/{name}.ipynb"] = file_digest(path)
    return hashes


def fingerprint(hashes: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(hashes):
        h.update(f"{name}\0{hashes[name]}\n".encode())
    return h.hexdigest()[:24]


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def build_manifest(*, client: str, run_id: str, status: str, parameters: dict[str, Any],
                   hashes: dict[str, str], notebooks: list[dict[str, Any]],
                   started: str, finished: str, executor: str, kernels: str,
                   extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "client": client, "run_id": run_id, "status": status,
        "parameters": parameters,
        "inputs": {"fingerprint": fingerprint(hashes), "files": hashes},
        "versions": package_versions(),
        "platform": {"system": platform.system(), "python": sys.version.split()[0]},
        "executor": executor, "kernels": kernels,
        "started": started, "finished": finished,
        "notebooks": notebooks,
        **(extra or {}),
    }


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
