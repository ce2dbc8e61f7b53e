"""Run a client's notebooks with papermill and publish the reports atomically.

A run writes everything into a temporary folder beside its destination and moves it
to ``reports/<slug>/<run-id>/`` only when it is complete; ``reports/<slug>/latest``
then points at it. A failed run is kept under ``reports/<slug>/failed/<run-id>/`` for
debugging and never touches the last good report.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from smm_nb.model.workspace import Workspace, project_root

NOTEBOOKS = ("01_audit", "02_audience", "03_launch_baseline", "04_management_tests",
             "05_improvement")


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def new_run_id() -> str:
    return dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")


@dataclass
class NotebookOutcome:
    notebook: str
    status: str  # "ok" | "failed"
    seconds: float
    error: str | None = None
    cell: int | None = None


@dataclass
class ClientOutcome:
    client: str
    run_id: str
    status: str
    folder: Path | None
    notebooks: list[NotebookOutcome] = field(default_factory=list)


def _execute(nb_in: Path, nb_out: Path, parameters: dict, cwd: Path) -> None:
    import papermill as pm

    pm.execute_notebook(str(nb_in), str(nb_out), parameters=parameters, kernel_name="python3",
                        progress_bar=False, cwd=str(cwd), log_output=False)


def run_client(ws: Workspace, notebooks: tuple[str, ...] = NOTEBOOKS, run_id: str | None = None,
               reports_dir: Path | None = None) -> ClientOutcome:
    """Execute ``notebooks`` for one client and publish its report folder."""
    import nbformat

    from smm_nb.report.html import export_html

    run_id = run_id or new_run_id()
    reports_dir = Path(reports_dir) if reports_dir else project_root() / "reports"
    client_reports = reports_dir / ws.slug
    client_reports.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=client_reports, prefix=f".run-{run_id}-"))
    language = ws.config.language
    outcomes = []
    for name in notebooks:
        src = notebooks_dir() / f"{name}.ipynb"
        out = work / f"{name}.ipynb"
        params = {"client": ws.slug, "data_dir": str(ws.data_dir),
                  "findings_path": str(work / f"{name}.findings.json")}
        t0 = time.perf_counter()
        try:
            _execute(src, out, params, src.parent)
            nb = nbformat.read(out, as_version=4)
            export_html(nb, work / f"{name}.html", f"{ws.config.name}: {name}", language)
            outcomes.append(NotebookOutcome(name, "ok", time.perf_counter() - t0))
        except Exception as exc:  # noqa: BLE001 - one notebook failing is reported, not raised
            cell = getattr(exc, "exec_count", None)
            msg = f"{getattr(exc, 'ename', type(exc).__name__)}: " \
                  f"{getattr(exc, 'evalue', str(exc))}".strip()
            outcomes.append(NotebookOutcome(name, "failed", time.perf_counter() - t0,
                                            msg.splitlines()[0][:500], cell))
    ok = all(o.status == "ok" for o in outcomes)
    if ok:
        from smm_nb.report.combined import combined_report
        from smm_nb.report.language import Language

        executed = {o.notebook: nbformat.read(work / f"{o.notebook}.ipynb", as_version=4)
                    for o in outcomes}
        combined_report(ws.config.name, executed, work / "report.html", Language(language),
                        dt.date.today())
    _write_findings(work, ws, run_id, outcomes)
    (work / "manifest.json").write_text(json.dumps({
        "client": ws.slug, "run_id": run_id, "status": "ok" if ok else "failed",
        "notebooks": [o.__dict__ for o in outcomes]}, indent=1, default=str), encoding="utf-8")
    if ok:
        dest = client_reports / run_id
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(work, dest)
        latest = client_reports / "latest"
        tmp_link = client_reports / f".latest-{run_id}"
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        tmp_link.symlink_to(run_id)
        os.replace(tmp_link, latest)
        return ClientOutcome(ws.slug, run_id, "ok", dest, outcomes)
    failed = client_reports / "failed" / run_id
    failed.parent.mkdir(parents=True, exist_ok=True)
    if failed.exists():
        shutil.rmtree(failed)
    os.replace(work, failed)
    return ClientOutcome(ws.slug, run_id, "failed", failed, outcomes)


def _write_findings(work: Path, ws: Workspace, run_id: str, outcomes) -> None:
    notebooks = {}
    for o in outcomes:
        f = work / f"{o.notebook}.findings.json"
        found = json.loads(f.read_text(encoding="utf-8"))["findings"] if f.exists() else []
        notebooks[o.notebook] = {"status": o.status, "findings": found}
    (work / "findings.json").write_text(json.dumps(
        {"client": ws.slug, "run_id": run_id, "language": ws.config.language,
         "notebooks": notebooks}, ensure_ascii=False, indent=1), encoding="utf-8")
