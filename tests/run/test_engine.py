"""The batch engine writes the executed notebook at the start and the end of a run only,
and keeps papermill's per-cell bookkeeping and its partial notebook on failure."""
import sys

import nbformat
import pytest

from smm_nb.run.engine import register


@pytest.fixture
def counted_writes(monkeypatch):
    import papermill.engines

    writes = []
    write = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb",
                        lambda nb, path: writes.append(path) or write(nb, path))
    return writes


def _notebook(path, sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _run(source, out):
    import papermill as pm

    return pm.execute_notebook(str(source), str(out), kernel_name="python3",
                               progress_bar=False, engine_name=register(),
                               shutdown_kernel="immediate")


def test_writes_twice_and_keeps_cell_timings(tmp_path, counted_writes):
    src = _notebook(tmp_path / "a.ipynb", ["x = 1", "print(x + 1)", "x * 3"])
    nb = _run(src, tmp_path / "out.ipynb")
    assert len(counted_writes) == 2  # papermill's own engine: 2 + 2 per cell = 8
    cells = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    assert [c.metadata.papermill.status for c in cells] == ["completed"] * 3
    assert all(c.metadata.papermill.duration is not None for c in cells)
    assert cells[1].outputs[0].text == "2\n" and nb.cells[2].outputs[0].data["text/plain"] == "3"


def test_a_failing_run_still_leaves_its_partial_notebook(tmp_path, counted_writes):
    import papermill as pm

    src = _notebook(tmp_path / "b.ipynb", ["print('before')", "1 / 0", "print('never')"])
    with pytest.raises(pm.PapermillExecutionError):
        _run(src, tmp_path / "out.ipynb")
    cells = [c for c in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
             if c.cell_type == "code"]  # papermill adds a markdown note on the error
    assert cells[0].outputs[0].text == "before\n"
    assert cells[1].metadata.papermill.status == "failed"
    assert cells[1].metadata.papermill.exception is True
    assert cells[2].metadata.papermill.status == "pending"
    assert len(counted_writes) == 2


@pytest.mark.skipif(sys.platform == "win32", reason="kills the kernel with a signal")
def test_a_dead_kernel_still_leaves_its_partial_notebook(tmp_path):
    src = _notebook(tmp_path / "c.ipynb", ["print('before')",
                                           "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"])
    with pytest.raises(Exception):
        _run(src, tmp_path / "out.ipynb")
    cells = [c for c in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
             if c.cell_type == "code"]
    assert cells[0].outputs[0].text == "before\n"
