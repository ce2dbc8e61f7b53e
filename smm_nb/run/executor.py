"""Execute notebooks: one papermill call and one kernel per notebook, on a pool.

A :class:`NotebookTask` says what to run; :func:`execute_task` runs it and returns a
:class:`TaskResult` holding everything the batch publishes (the executed notebook, its
HTML, its findings). The task writes nothing the caller has to find on disk, so the
same function runs in a local process pool (:class:`LocalExecutor`) or on any worker
of a Dask cluster (:class:`DaskExecutor`); only the data folder and the notebooks
have to be reachable from the workers (a shared file system on a real cluster).

Costs measured on a 2-core machine and designed around here:

- ``jupyterlab`` installs ``rfc3987-syntax``; jsonschema imports it when nbformat is
  imported, and it compiles a grammar for ~0.9 s in every process. nbformat never
  validates IRIs, so workers mark the module absent before importing papermill
  (:func:`skip_slow_optional_imports`).
- nbclient's default graceful kernel shutdown costs ~0.4 s per notebook and now and
  then stalls ~4 s; a batch kernel has nothing to save, so it is shut down
  ``"immediate"``.
- papermill's ``cwd=`` does ``os.chdir`` in the calling process, which races between
  threads of a Dask worker; the kernel's working directory is passed to nbclient as
  ``resources`` instead.
- HTML is exported in the worker, in process, by :mod:`smm_nb.report.html` (no
  nbconvert subprocess, no template machinery).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

#: seconds a single cell may run before the notebook counts as timed out
DEFAULT_CELL_TIMEOUT = 600


def skip_slow_optional_imports() -> None:
    """Make ``import nbformat`` ~1 s cheaper in this process (see module docstring).

    Only an optional jsonschema format checker ("iri") is lost, which nbformat's
    schema does not use. Does nothing when the module is already imported.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class NotebookTask:
    """One notebook to execute for one client. Picklable, paths absolute."""

    client: str
    notebook: str  # e.g. "01_audit"
    source: str  # path of the source .ipynb
    parameters: dict[str, Any]  # besides findings_path, which the task sets itself
    language: str = "en"
    title: str = ""
    cwd: str | None = None
    cell_timeout: int | None = DEFAULT_CELL_TIMEOUT
    kernel_name: str = "python3"
    kernel_manager_class: str | None = None  # e.g. "smm_nb.run.warm.WarmKernelManager"
    start_timeout: int = 60
    #: notebooks of the same client whose findings this one reads (as the sibling file
    #: "<name>.findings.json" beside its own findings_path); it starts after them
    needs: tuple[str, ...] = ()
    #: file name -> findings record, written beside findings_path before the run
    siblings: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.client, self.notebook)


@dataclass
class TaskResult:
    """What one executed notebook produced, ok or not."""

    client: str
    notebook: str
    status: str  # "ok" | "failed"
    seconds: float
    notebook_json: str | None = None  # the executed (possibly partial) notebook
    html: str | None = None  # the notebook's own HTML page
    body: str | None = None  # its HTML body, for the combined report
    findings: dict[str, Any] | None = None
    error: str | None = None  # one line: "ValueError: bad thing"
    cell: str | None = None  # id (or index) of the failing cell
    kind: str | None = None  # "cell-error" | "kernel-died" | "timeout" | "export" | "worker"
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.client, self.notebook)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _one_line(text: str, limit: int = 300) -> str:
    lines = [ln.strip() for ln in str(text).strip().splitlines() if ln.strip()]
    line = lines[0] if lines else ""
    return line[:limit]


def _failing_cell(nb: dict | None) -> str | None:
    """The cell papermill marked as failed; for a dead kernel or a timeout (papermill
    marks the interrupted cell "completed"), the last cell that started."""
    if not nb:
        return None
    last = None
    for i, cell in enumerate(nb.get("cells", [])):
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        name = cell.get("id") or f"#{i}"
        if status == "failed":
            return name
        if status in ("running", "completed") and cell.get("cell_type") == "code":
            last = name
    return last


def _classify(exc: BaseException) -> tuple[str, str]:
    """(kind, one-line message) for an exception raised by papermill / nbclient."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    name = type(exc).__name__
    if name == "PapermillExecutionError":
        return "cell-error", _one_line(f"{exc.ename}: {exc.evalue}")  # type: ignore[attr-defined]
    if isinstance(exc, DeadKernelError):
        return "kernel-died", "kernel died (crashed, killed or out of memory) in this cell"
    if isinstance(exc, (CellTimeoutError, TimeoutError)):
        return "timeout", _one_line(f"timeout: {exc}")
    return "error", _one_line(f"{name}: {exc}")


def execute_task(task: NotebookTask) -> TaskResult:
    """Run ``task`` with papermill in a fresh kernel and export its HTML.

    Never raises for a failing notebook: the result says what failed where, and
    carries the partial executed notebook for debugging.
    """
    skip_slow_optional_imports()
    import papermill as pm

    _quiet_logs()

    from smm_nb.report.html import export_parts

    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f"smm-nb-{task.client}-{task.notebook}-"))
    out = work / f"{task.notebook}.ipynb"
    findings_path = work / f"{task.notebook}.findings.json"
    params = dict(task.parameters, findings_path=str(findings_path))
    for name, record in task.siblings.items():
        (work / Path(name).name).write_text(json.dumps(record, ensure_ascii=False),
                                            encoding="utf-8")
    from smm_nb.run.engine import register

    engine_kwargs: dict[str, Any] = {"shutdown_kernel": "immediate", "engine_name": register()}
    if task.cwd:
        engine_kwargs["resources"] = {"metadata": {"path": task.cwd}}
    if task.kernel_manager_class:
        engine_kwargs["kernel_manager_class"] = task.kernel_manager_class
    result = TaskResult(task.client, task.notebook, "failed", 0.0)
    try:
        try:
            pm.execute_notebook(str(task.source), str(out), parameters=params,
                                kernel_name=task.kernel_name, progress_bar=False,
                                log_output=False, start_timeout=task.start_timeout,
                                execution_timeout=task.cell_timeout, **engine_kwargs)
            result.status = "ok"
        except BaseException as exc:  # noqa: BLE001 - a failing notebook is data, not a crash
            if isinstance(exc, KeyboardInterrupt):
                raise
            result.kind, result.error = _classify(exc)
        result.timings["execute"] = time.perf_counter() - t0
        nb = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else None
        if nb is not None:
            result.notebook_json = json.dumps(nb, ensure_ascii=False, indent=1)
        if findings_path.is_file():
            result.findings = json.loads(findings_path.read_text(encoding="utf-8"))
        if result.status != "ok":
            result.cell = _failing_cell(nb)
        elif nb is not None:
            t1 = time.perf_counter()
            try:
                result.body, result.html = export_parts(nb, task.title or task.notebook,
                                                        task.language)
            except Exception as exc:  # noqa: BLE001 - reported like any other failure
                result.status, result.kind = "failed", "export"
                result.error = _one_line(f"HTML export: {type(exc).__name__}: {exc}")
            result.timings["html"] = time.perf_counter() - t1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        result.seconds = time.perf_counter() - t0
    return result


def _quiet_logs() -> None:
    """papermill warns about every parameter it cannot type-infer; the batch reports
    failures itself, so only errors are logged."""
    import logging

    logging.getLogger("papermill").setLevel(logging.ERROR)


def _redirect_output(log_path: str | None) -> None:
    """Send this worker's stdout/stderr, and so its kernels' (they inherit the file
    descriptors), to ``log_path``: kernel start-up warnings would garble the progress
    bar and are of no use to the analyst unless something fails."""
    if not log_path:
        return
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _worker_init(kernel_manager_class: str | None = None, log_path: str | None = None) -> None:
    """Pay the imports once per worker, before the first notebook."""
    # One BLAS thread per kernel: the pool already keeps every core busy, and threaded
    # BLAS on top of it oversubscribes (measured: a driver-model fit 0.52 s -> 0.14 s).
    # Set before any kernel or warm process starts, so all of them inherit it.
    for var in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(var, "1")
    _redirect_output(log_path)
    skip_slow_optional_imports()
    _quiet_logs()
    import nbclient  # noqa: F401
    import papermill  # noqa: F401

    import smm_nb.report.html  # noqa: F401
    if kernel_manager_class:
        import importlib

        try:
            module = importlib.import_module(kernel_manager_class.rpartition(".")[0])
            prestart = getattr(module, "prestart", None)
            if callable(prestart):
                prestart()  # warm kernels: start this worker's pre-imported process now
        except Exception:  # noqa: BLE001 - execute_task reports it on the first notebook
            pass


def _ready() -> None:
    """A task that does nothing: getting it done means the worker has started."""


class TaskQueue:
    """Tasks in submission order; a task is ready once the notebooks it ``needs`` (of the
    same client, in this batch) are done, and then carries their findings as siblings.
    A failed need still releases its dependants: they see whatever was recorded."""

    def __init__(self, tasks: Iterable[NotebookTask]):
        self.pending = list(tasks)
        in_batch = {t.key for t in self.pending}
        self.pending = [replace(t, needs=tuple(n for n in t.needs
                                               if (t.client, n) in in_batch))
                        for t in self.pending]
        self.results: dict[tuple[str, str], TaskResult] = {}

    def __bool__(self) -> bool:
        return bool(self.pending)

    def next_ready(self) -> NotebookTask | None:
        for i, t in enumerate(self.pending):
            if all((t.client, n) in self.results for n in t.needs):
                del self.pending[i]
                siblings = dict(t.siblings)
                for n in t.needs:
                    found = self.results[(t.client, n)].findings
                    if found is not None:
                        siblings[f"{n}.findings.json"] = found
                return replace(t, siblings=siblings)
        return None

    def done(self, result: TaskResult) -> None:
        self.results[result.key] = result


def _failed(task: NotebookTask, kind: str, error: str, seconds: float = 0.0) -> TaskResult:
    return TaskResult(task.client, task.notebook, "failed", seconds, error=error, kind=kind)


class LocalExecutor:
    """A pool of worker processes on this machine, one notebook at a time per worker.

    Workers are started with ``forkserver`` (``spawn`` where fork is missing), so
    they hold no threads or sockets of the caller. A worker that dies (killed, out of
    memory) fails only the notebooks it was running; the pool is rebuilt for the rest.
    """

    def __init__(self, workers: int | None = None, kernel_manager_class: str | None = None,
                 log_path: str | Path | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.kernel_manager_class = kernel_manager_class
        self.log_path = str(log_path) if log_path else None
        self._started: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the workers (their imports, and their warm-kernel processes' imports)
        now, in the background, so that they overlap what the caller does next: the batch
        validates and ingests its clients meanwhile (a large client: ~4 s each way)."""
        if self._started is not None:
            return
        pool = self._pool()
        # one no-op per worker, submitted at once: each finds no idle worker and spawns one
        for _ in range(self.workers):
            pool.submit(_ready)
        self._started = pool

    def close(self) -> None:
        """Stop workers started by :meth:`start` and never used."""
        pool, self._started = self._started, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def describe(self) -> str:
        return f"local pool, {self.workers} worker{'s' if self.workers != 1 else ''}"

    def _pool(self) -> ProcessPoolExecutor:
        import multiprocessing as mp

        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        return ProcessPoolExecutor(self.workers, mp_context=mp.get_context(method),
                                   initializer=_worker_init,
                                   initargs=(self.kernel_manager_class, self.log_path))

    def map(self, tasks: Iterable[NotebookTask]) -> Iterator[TaskResult]:
        """Yield one result per task, in completion order."""
        queue = TaskQueue(tasks)
        while queue:
            pool, self._started = self._started, None
            if pool is None or getattr(pool, "_broken", False):
                pool = self._pool()  # never started, or a worker died before any task
            running: dict[Any, NotebookTask] = {}
            broken = False
            try:
                while queue or running:
                    # no more tasks than workers: a worker that dies takes down only what
                    # was running (the pool fails every future it holds)
                    while len(running) < self.workers and (task := queue.next_ready()):
                        running[pool.submit(execute_task, task)] = task
                    if not running:
                        break  # cannot happen: needs only point at tasks of this batch
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        task = running.pop(fut)
                        try:
                            result = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            result = _failed(task, "worker", "worker process died")
                        except Exception as exc:  # noqa: BLE001
                            result = _failed(task, "worker", _one_line(
                                f"{type(exc).__name__}: {exc}"))
                        queue.done(result)
                        yield result
                    if broken:
                        for fut, task in running.items():
                            result = _failed(task, "worker", "worker process died")
                            queue.done(result)
                            yield result
                        running.clear()
                        break
            finally:
                pool.shutdown(wait=not broken, cancel_futures=True)


def execute_task_in_own_context(task: NotebookTask) -> TaskResult:
    """:func:`execute_task` in an empty :mod:`contextvars` context, with its own event loop.

    jupyter_core keeps the event loop that drives nbclient in a context variable, and
    asyncio hands the context of the thread that schedules work to the work it schedules:
    a dask worker in the client's process (``LocalCluster(processes=False)``) can run two
    notebooks in two threads that inherit the *same* loop, and the second fails with
    "This event loop is already running". Each notebook gets a fresh context instead, and
    the loop made in it is closed afterwards.
    """
    import asyncio
    import contextvars

    context = contextvars.Context()
    try:
        return context.run(execute_task, task)
    finally:
        for value in context.values():
            if isinstance(value, asyncio.AbstractEventLoop) and not value.is_running():
                value.close()


class DaskExecutor:
    """Spread notebooks over a dask.distributed cluster.

    ``address`` is a scheduler address (``tcp://host:8786``) or an existing
    ``distributed.Client``. Each task runs :func:`execute_task` on a worker and sends
    back the executed notebook, its HTML and findings, so only the data folder and
    the notebooks must be on a file system that every worker sees.
    """

    def __init__(self, address: Any, kernel_manager_class: str | None = None):
        self.address = address
        self.kernel_manager_class = kernel_manager_class

    def describe(self) -> str:
        return f"dask cluster {getattr(self.address, 'scheduler', None) or self.address}"

    def map(self, tasks: Iterable[NotebookTask]) -> Iterator[TaskResult]:
        from distributed import Client, as_completed

        own = not isinstance(self.address, Client)
        client = Client(self.address) if own else self.address
        queue = TaskQueue(tasks)
        futures: dict[Any, NotebookTask] = {}

        def submit(task: NotebookTask) -> Any:
            fut = client.submit(execute_task_in_own_context, task, pure=False,
                                key=f"smm-nb-{task.client}-{task.notebook}-{os.urandom(4).hex()}")
            futures[fut] = task
            return fut

        try:
            running = as_completed([submit(t) for t in iter(queue.next_ready, None)])
            for fut in running:
                task = futures.pop(fut)
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker fails its notebook
                    result = _failed(task, "worker", _one_line(f"{type(exc).__name__}: {exc}"))
                queue.done(result)
                for t in iter(queue.next_ready, None):
                    running.add(submit(t))
                yield result
        finally:
            if own:
                client.close()


def default_kernel_manager_class(fresh: bool = False) -> str | None:
    """The warm kernel manager when it is available and wanted, else ``None`` (fresh
    kernels from jupyter_client's own manager)."""
    if fresh or not hasattr(os, "fork"):
        return None
    try:
        from smm_nb.run import warm  # noqa: F401 - built separately (issue 8)
    except Exception:  # noqa: BLE001 - any problem means: fresh kernels
        return None
    if not hasattr(warm, "WarmKernelManager"):
        return None
    return "smm_nb.run.warm.WarmKernelManager"


Executor = LocalExecutor | DaskExecutor
ProgressCallback = Callable[[TaskResult], None]
