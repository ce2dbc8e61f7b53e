"""The batch: every selected client's notebooks, executed in parallel and published.

:func:`run_batch` validates every client first (all problems reported together),
sends one :class:`~smm_nb.run.executor.NotebookTask` per client and notebook to an
executor (a local process pool or a Dask cluster), and publishes each client as soon
as its last notebook is back:

- all notebooks ok -> ``reports/<slug>/<run-id>/`` (executed notebooks, one HTML per
  notebook, ``report.html``, ``findings.json``, ``manifest.json``) and ``latest``;
- anything failed -> ``reports/<slug>/failed/<run-id>/`` with the partial notebooks;
  the last good report stays where it is.

One failing client or notebook never stops the others. ``reports/index.html`` is
rewritten at the end for the analyst.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from smm_nb.errors import SmmError
from smm_nb.model.workspace import Workspace, load_client, project_root
from smm_nb.run.executor import (DEFAULT_CELL_TIMEOUT, DaskExecutor, LocalExecutor,
                                 NotebookTask, TaskResult, default_kernel_manager_class)
from smm_nb.run.manifest import MANIFEST, build_manifest, fingerprint, input_hashes, \
    read_manifest
from smm_nb.run.publish import keep_failed, latest_run, publish, staging_dir

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
    cell: str | None = None
    kind: str | None = None


@dataclass
class ClientOutcome:
    client: str
    run_id: str
    status: str  # "ok" | "failed" | "invalid" | "unchanged"
    folder: Path | None
    notebooks: list[NotebookOutcome] = field(default_factory=list)
    error: str | None = None  # why an invalid client did not run
    seconds: float = 0.0


@dataclass(frozen=True)
class Failure:
    client: str
    notebook: str
    cell: str
    error: str


@dataclass
class BatchResult:
    run_id: str
    clients: list[ClientOutcome]
    reports_dir: Path
    seconds: float = 0.0

    @property
    def failures(self) -> list[Failure]:
        rows = []
        for c in self.clients:
            if c.status == "invalid":
                rows.append(Failure(c.client, "-", "-", c.error or "invalid"))
            for o in c.notebooks:
                if o.status != "ok":
                    rows.append(Failure(c.client, o.notebook, o.cell or "-", o.error or "?"))
        return rows

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class ClientPlan:
    """A validated client ready to run."""

    ws: Workspace
    notebooks: dict[str, Path]
    hashes: dict[str, str]
    period: tuple[dt.date, dt.date] | None

    @property
    def slug(self) -> str:
        return self.ws.slug


def _period(ws: Workspace) -> tuple[dt.date, dt.date] | None:
    """First and last day with posts or daily data."""
    import pandas as pd

    days = []
    posts, daily = ws.posts, ws.account_daily
    if len(posts) and posts["published_at"].notna().any():
        days += [posts["published_at"].min(), posts["published_at"].max()]
    if len(daily) and daily["date"].notna().any():
        days += [daily["date"].min(), daily["date"].max()]
    days = [pd.Timestamp(d) for d in days if d is not None and not pd.isna(d)]
    if not days:
        return None
    return (min(d.date() for d in days), max(d.date() for d in days))


def resolve_notebooks(names: Iterable[str] | dict[str, Path] | None) -> dict[str, Path]:
    """Notebook names (``01_audit`` or ``01_audit.ipynb``) or paths -> {name: path}."""
    if isinstance(names, dict):
        return {k: Path(v) for k, v in names.items()}
    out = {}
    for name in names or NOTEBOOKS:
        p = Path(name)
        if p.suffix == ".ipynb" and p.is_file():
            out[p.stem] = p.resolve()
            continue
        p = notebooks_dir() / f"{Path(name).stem}.ipynb"
        if not p.is_file():
            raise SmmError(f"{p}: no such notebook (known: "
                           f"{', '.join(sorted(x.stem for x in notebooks_dir().glob('*.ipynb')))})")
        out[p.stem] = p
    return out


def plan_clients(slugs: Iterable[str], data_dir: Path, notebooks: dict[str, Path],
                 reports_dir: Path, changed: bool = False
                 ) -> tuple[list[ClientPlan], list[ClientOutcome]]:
    """Validate every client; returns (runnable plans, outcomes of the others)."""
    plans, others = [], []
    for slug in slugs:
        try:
            ws = load_client(slug, data_dir)
            hashes = input_hashes(ws, notebooks)
            if changed:
                last = latest_run(reports_dir / slug)
                manifest = read_manifest(last) if last else None
                if manifest and manifest.get("inputs", {}).get("fingerprint") == \
                        fingerprint(hashes):
                    others.append(ClientOutcome(slug, manifest.get("run_id", ""), "unchanged",
                                                last))
                    continue
            ws.tables()  # reads and checks every export (and warms the cache for the kernels)
            plans.append(ClientPlan(ws, notebooks, hashes, _period(ws)))
            ws.release()  # the kernels read the cache; the runner keeps only the plan
        except SmmError as exc:
            msg = str(exc)  # name the client when the message does not
            msg = msg if slug in msg else f"{slug}: {msg}"
            others.append(ClientOutcome(slug, "", "invalid", None, error=msg))
    return_memory()
    return plans, others


def return_memory() -> None:
    """Give the memory of released tables back to the system before the kernels start
    (a large client's ingest leaves ~1 GB in Python's, Arrow's and malloc's free lists;
    measured on 1M posts: 1.1 GB -> 0.18 GB resident)."""
    import gc

    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except Exception:  # noqa: BLE001 - best effort
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl): nothing to trim
            pass


def make_executor(workers: int | None = None, scheduler: Any = None,
                  fresh_kernels: bool = False,
                  kernel_manager_class: str | None = None) -> LocalExecutor | DaskExecutor:
    """A Dask executor when ``scheduler`` is given, else a local process pool; warm
    kernels (issue 8) unless ``fresh_kernels`` or they are unavailable."""
    kmc = kernel_manager_class or default_kernel_manager_class(fresh_kernels)
    if scheduler is not None:
        return DaskExecutor(scheduler, kmc)
    return LocalExecutor(workers, kmc)


def set_log_path(executor: LocalExecutor | DaskExecutor, reports_dir: Path, run_id: str) -> None:
    """Workers' and kernels' output goes to ``reports/.logs/<run-id>.log`` (set before the
    workers start)."""
    if isinstance(executor, LocalExecutor) and executor.log_path is None:
        logs = Path(reports_dir) / ".logs"
        logs.mkdir(parents=True, exist_ok=True)
        executor.log_path = str(logs / f"{run_id}.log")


def notebook_needs(notebooks: dict[str, Path]) -> dict[str, tuple[str, ...]]:
    """Which notebooks read another's findings (``"03_launch_baseline.findings.json"``
    in their source): those run after it, with its findings beside their own, so the
    result never depends on which worker finished first."""
    needs = {}
    for name, path in notebooks.items():
        text = Path(path).read_text(encoding="utf-8")
        needs[name] = tuple(other for other in notebooks
                            if other != name and f"{other}.findings.json" in text)
    return needs


def _tasks(plan: ClientPlan, cell_timeout: int | None, kmc: str | None) -> list[NotebookTask]:
    from smm_nb.report.i18n import chapter_title
    from smm_nb.report.language import Language

    cfg = plan.ws.config
    lang = Language(cfg.language)
    needs = notebook_needs(plan.notebooks)
    return [NotebookTask(client=plan.slug, notebook=name, source=str(path),
                         parameters={"client": plan.slug, "data_dir": str(plan.ws.data_dir)},
                         language=cfg.language,
                         title=f"{cfg.name} · {chapter_title(lang, name)}",
                         cwd=str(path.parent), cell_timeout=cell_timeout,
                         kernel_manager_class=kmc, needs=needs[name])
            for name, path in plan.notebooks.items()]


def previous_seconds(reports_dir: Path, slugs: Iterable[str]) -> dict[tuple[str, str], float]:
    """How long each notebook of each client took in its last successful run (from its
    ``manifest.json``); clients never run are absent."""
    out = {}
    for slug in slugs:
        last = latest_run(Path(reports_dir) / slug)
        manifest = read_manifest(last) if last else None
        for nb in (manifest or {}).get("notebooks", []):
            try:
                out[(slug, nb["notebook"])] = float(nb["seconds"])
            except (KeyError, TypeError, ValueError):
                continue
    return out


def longest_first(tasks: list[NotebookTask], seconds: dict[tuple[str, str], float]
                  ) -> list[NotebookTask]:
    """Tasks in the order the pool should start them: those with no history first (they
    may be long), then the longest last time first. With a few long notebooks (a large
    client's model fits) this keeps the last worker from starting the longest notebook
    when the others are nearly done: at 1M posts, 05_improvement alone is most of the run.
    Notebooks that need another's findings still wait for it (the queue sees to that)."""
    if not seconds:
        return list(tasks)
    order = sorted(range(len(tasks)),
                   key=lambda i: (tasks[i].key in seconds, -seconds.get(tasks[i].key, 0.0), i))
    return [tasks[i] for i in order]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class _ClientRun:
    """Collects one client's results into its staging folder, then publishes."""

    def __init__(self, plan: ClientPlan, run_id: str, reports_dir: Path):
        self.plan = plan
        self.run_id = run_id
        self.client_reports = reports_dir / plan.slug
        self.work = staging_dir(self.client_reports, run_id)
        self.results: dict[str, TaskResult] = {}
        self.started = _now()
        self.t0 = time.perf_counter()

    @property
    def complete(self) -> bool:
        return len(self.results) == len(self.plan.notebooks)

    def add(self, r: TaskResult) -> None:
        self.results[r.notebook] = r
        if r.notebook_json is not None:
            (self.work / f"{r.notebook}.ipynb").write_text(r.notebook_json, encoding="utf-8")
        if r.html is not None:
            (self.work / f"{r.notebook}.html").write_text(r.html, encoding="utf-8")

    def findings_doc(self) -> dict[str, Any]:
        cfg = self.plan.ws.config
        notebooks = {}
        for name in self.plan.notebooks:
            r = self.results.get(name)
            found = (r.findings or {}).get("findings", []) if r else []
            notebooks[name] = {"status": r.status if r else "missing", "findings": found}
        return {"client": self.plan.slug, "run_id": self.run_id, "language": cfg.language,
                "notebooks": notebooks}

    def finish(self, executor: str, kernels: str, cell_timeout: int | None) -> ClientOutcome:
        from smm_nb.report.combined import combined_report
        from smm_nb.report.language import Language

        cfg = self.plan.ws.config
        outcomes = []
        for name in self.plan.notebooks:
            r = self.results[name]
            outcomes.append(NotebookOutcome(name, r.status, round(r.seconds, 3), r.error, r.cell,
                                            r.kind))
        ok = all(o.status == "ok" for o in outcomes)
        doc = self.findings_doc()
        (self.work / "findings.json").write_text(
            json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        if ok:
            combined_report(cfg.name, {n: self.results[n].body or "" for n in self.plan.notebooks},
                            self.work / "report.html", Language(cfg.language), dt.date.today(),
                            findings=doc, period=self.plan.period, platforms=cfg.platforms,
                            currency=cfg.currency,
                            footer=f"smm-nb · {self.run_id}")
        seconds = time.perf_counter() - self.t0
        period = self.plan.period
        manifest = build_manifest(
            client=self.plan.slug, run_id=self.run_id, status="ok" if ok else "failed",
            parameters={"client": self.plan.slug, "notebooks": list(self.plan.notebooks),
                        "language": cfg.language, "cell_timeout": cell_timeout},
            hashes=self.plan.hashes,
            notebooks=[{**asdict(o), "timings": {k: round(v, 3) for k, v in
                                                 self.results[o.notebook].timings.items()}}
                       for o in outcomes],
            started=self.started, finished=_now(), executor=executor, kernels=kernels,
            extra={"client_name": cfg.name, "currency": cfg.currency,
                   "period": [str(period[0]), str(period[1])] if period else None,
                   "seconds": round(seconds, 3)})
        (self.work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
        if ok:
            folder = publish(self.work, self.client_reports, self.run_id)
        else:
            folder = keep_failed(self.work, self.client_reports, self.run_id)
        return ClientOutcome(self.plan.slug, self.run_id, "ok" if ok else "failed", folder,
                             outcomes, seconds=seconds)

    def abandon(self) -> None:
        import shutil

        shutil.rmtree(self.work, ignore_errors=True)


def run_batch(slugs: Iterable[str], data_dir: Path,
              notebooks: Iterable[str] | dict[str, Path] | None = None, *,
              run_id: str | None = None, reports_dir: Path | None = None,
              executor: LocalExecutor | DaskExecutor | None = None, changed: bool = False,
              cell_timeout: int | None = DEFAULT_CELL_TIMEOUT,
              progress: bool = True, on_client: Callable[[ClientOutcome], None] | None = None,
              plans: tuple[list[ClientPlan], list[ClientOutcome]] | None = None,
              write_index: bool = True) -> BatchResult:
    """Run ``notebooks`` for every client in ``slugs`` and publish their reports.

    Invalid clients are reported in the result (status ``"invalid"``) and skipped;
    the others run. ``changed=True`` skips clients whose config, exports and notebooks
    are those of their last successful run (status ``"unchanged"``).
    """
    t0 = time.perf_counter()
    data_dir = Path(data_dir).resolve()
    reports_dir = Path(reports_dir).resolve() if reports_dir else project_root() / "reports"
    run_id = run_id or new_run_id()
    nbs = resolve_notebooks(notebooks)
    executor = executor or make_executor()
    set_log_path(executor, reports_dir, run_id)
    if plans is None:
        if isinstance(executor, LocalExecutor) and not changed:
            executor.start()  # workers import while the clients are validated and ingested
        try:
            plans = plan_clients(slugs, data_dir, nbs, reports_dir, changed)
        except BaseException:
            if isinstance(executor, LocalExecutor):
                executor.close()
            raise
    runnable, outcomes = plans
    outcomes = list(outcomes)
    if not runnable and isinstance(executor, LocalExecutor):
        executor.close()
    kmc = executor.kernel_manager_class
    kernels = "warm" if kmc else "fresh"
    tasks = longest_first([t for plan in runnable for t in _tasks(plan, cell_timeout, kmc)],
                          previous_seconds(reports_dir, [p.slug for p in runnable]))
    for i, o in enumerate(outcomes):
        if o.status == "invalid":
            outcomes[i] = _record_invalid(o, run_id, data_dir, reports_dir)
    runs = {plan.slug: _ClientRun(plan, run_id, reports_dir) for plan in runnable}
    bar = None
    if progress and tasks:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(tasks), unit="nb", desc="notebooks", file=sys.stderr,
                   dynamic_ncols=True)
    try:
        for result in executor.map(tasks):
            run = runs[result.client]
            run.add(result)
            if bar is not None:
                bar.update(1)
            if run.complete:
                outcome = run.finish(executor.describe(), kernels, cell_timeout)
                del runs[result.client]
                outcomes.append(outcome)
                if on_client is not None:
                    if bar is not None:
                        with bar.external_write_mode():
                            on_client(outcome)
                    else:
                        on_client(outcome)
    finally:
        if bar is not None:
            bar.close()
        for run in runs.values():  # interrupted: nothing half-written stays behind
            run.abandon()
    order = {s: i for i, s in enumerate(slugs)}
    outcomes.sort(key=lambda o: order.get(o.client, len(order)))
    if write_index:
        from smm_nb.report.index import write_index as _write_index

        _write_index(reports_dir)
    return BatchResult(run_id, outcomes, reports_dir, time.perf_counter() - t0)


def _record_invalid(o: ClientOutcome, run_id: str, data_dir: Path,
                    reports_dir: Path) -> ClientOutcome:
    """Keep a client that could not run in ``failed/<run-id>/manifest.json`` so the
    portfolio index shows it; a slug with no client folder (a typo) leaves no trace."""
    if not (data_dir / "clients" / o.client / "client.yaml").is_file():
        return o
    client_reports = reports_dir / o.client
    work = staging_dir(client_reports, run_id)
    now = _now()
    manifest = build_manifest(client=o.client, run_id=run_id, status="invalid",
                              parameters={"client": o.client}, hashes={}, notebooks=[],
                              started=now, finished=now, executor="-", kernels="-",
                              extra={"error": o.error})
    (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                 encoding="utf-8")
    o.run_id, o.folder = run_id, keep_failed(work, client_reports, run_id)
    return o


def run_client(ws: Workspace, notebooks: tuple[str, ...] = NOTEBOOKS, run_id: str | None = None,
               reports_dir: Path | None = None, **kwargs) -> ClientOutcome:
    """Run one client (a batch of one)."""
    result = run_batch([ws.slug], ws.data_dir, notebooks, run_id=run_id,
                       reports_dir=reports_dir, progress=False, **kwargs)
    return result.clients[0]


def failure_table(failures: list[Failure]) -> str:
    """A plain-text table: client, notebook, cell, error."""
    head = ("client", "notebook", "cell", "error")
    rows = [head] + [(f.client, f.notebook, f.cell, f.error) for f in failures]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for r in rows:
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3])
        if r is head:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    return "\n".join(lines)
