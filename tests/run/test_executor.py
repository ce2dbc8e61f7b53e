"""Executor pieces that need no kernel: the dependency queue, failure locating."""
import json
import sys

from smm_nb.run.batch import notebook_needs
from smm_nb.run.executor import NotebookTask, TaskQueue, TaskResult, _failing_cell, \
    skip_slow_optional_imports


def _task(client, nb, needs=()):
    return NotebookTask(client, nb, f"/nb/{nb}.ipynb", {}, needs=needs)


def test_queue_holds_dependants_until_their_needs_are_done():
    q = TaskQueue([_task("a", "03"), _task("a", "04", needs=("03",)), _task("a", "05"),
                   _task("b", "04", needs=("03",))])  # b runs no 03: the need is dropped
    first = [q.next_ready(), q.next_ready(), q.next_ready()]
    assert [(t.client, t.notebook) for t in first] == [("a", "03"), ("a", "05"), ("b", "04")]
    assert q.next_ready() is None and q  # a/04 waits
    q.done(TaskResult("a", "03", "failed", 1.0, findings={"findings": [{"key": "targets.x"}]}))
    t = q.next_ready()
    assert (t.client, t.notebook) == ("a", "04")
    assert t.siblings == {"03.findings.json": {"findings": [{"key": "targets.x"}]}}
    assert not q and q.next_ready() is None


def test_notebook_needs_reads_the_sources(tmp_path):
    (tmp_path / "03.ipynb").write_text(json.dumps({"cells": []}))
    (tmp_path / "04.ipynb").write_text(json.dumps({"cells": [
        {"source": 'Path(findings_path).with_name("03.findings.json")'}]}))
    nbs = {"03": tmp_path / "03.ipynb", "04": tmp_path / "04.ipynb"}
    assert notebook_needs(nbs) == {"03": (), "04": ("03",)}


def test_failing_cell_is_the_failed_or_last_started_code_cell():
    def cell(i, status, kind="code"):
        return {"id": f"c{i}", "cell_type": kind, "metadata": {"papermill": {"status": status}}}
    assert _failing_cell({"cells": [cell(1, "completed"), cell(2, "failed"),
                                    cell(3, "pending")]}) == "c2"
    # a dead kernel: papermill marks the interrupted cell "completed", later ones "pending"
    assert _failing_cell({"cells": [cell(1, "completed"), cell(2, "completed"),
                                    cell(3, "pending")]}) == "c2"
    assert _failing_cell(None) is None


def test_skip_slow_optional_imports_never_hides_a_loaded_module(monkeypatch):
    sentinel = object()
    monkeypatch.setitem(sys.modules, "rfc3987_syntax", sentinel)
    skip_slow_optional_imports()
    assert sys.modules["rfc3987_syntax"] is sentinel


def test_started_workers_are_the_ones_that_run_the_notebooks(tmp_path, monkeypatch):
    import time

    import nbformat

    from smm_nb.run.executor import LocalExecutor

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1 + 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    ex = LocalExecutor(workers=2)
    ex.start()
    pool = ex._started
    deadline = time.time() + 60
    while len(pool._processes) < 2 and time.time() < deadline:
        time.sleep(0.1)
    assert len(pool._processes) == 2  # both workers spawned up front

    def no_new_pool():
        raise AssertionError("map() started a second pool")

    monkeypatch.setattr(ex, "_pool", no_new_pool)
    results = list(ex.map([NotebookTask("c", "tiny", str(path), {})]))
    assert [r.status for r in results] == ["ok"], results[0].error
    assert ex._started is None

    idle = LocalExecutor(workers=1)
    idle.start()
    procs = list(idle._started._processes.values())
    idle.close()
    for p in procs:
        p.join(30)
        assert not p.is_alive()
