"""Warm kernels: every notebook still gets a kernel (and a process) of its own.

The notebooks in ``warm_fixtures/`` leave state behind (``leak_set``), report the state
they find (``leak_check``), or kill their own kernel (``crash``).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import nbformat
import pytest

from smm_nb.run import warm

pytestmark = pytest.mark.skipif(not warm.fork_supported(), reason="needs os.fork")

FIXTURES = Path(__file__).parent / "warm_fixtures"
WARM = "smm_nb.run.warm.WarmKernelManager"


def run(name: str, out_dir: Path, cwd: Path | None = None, manager: str = WARM,
        **parameters) -> nbformat.NotebookNode:
    """Execute a fixture notebook as the batch runner does and return it."""
    import papermill as pm

    out = out_dir / f"{name}-{time.monotonic_ns()}.ipynb"
    pm.execute_notebook(str(FIXTURES / f"{name}.ipynb"), str(out), parameters=parameters,
                        kernel_name="python3", progress_bar=False,
                        cwd=str(cwd or FIXTURES), kernel_manager_class=manager,
                        shutdown_kernel="immediate")
    return nbformat.read(out, as_version=4)


def state(nb: nbformat.NotebookNode) -> dict:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout" and output["text"].startswith("{"):
                return json.loads(output["text"])
    raise AssertionError("leak_check printed no state")


@pytest.fixture
def probe_env(monkeypatch):
    # Set in the launching process after the zygote started: a kernel must get the
    # environment of the launch, not the zygote's.
    monkeypatch.setenv("SMM_NB_WARM_PROBE", "from-the-worker")


def test_state_set_in_one_notebook_is_absent_in_the_next(tmp_path, probe_env):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    before = state(run("leak_check", tmp_path))
    run("leak_set", tmp_path, scratch=str(scratch))
    after = state(run("leak_check", tmp_path))

    assert after["variable"] is False
    assert after["module"] is False
    assert after["rc"] == before["rc"]
    assert after["rc"]["lines.linewidth"] != "7.25"
    assert after["figures"] == []
    assert after["cwd"] == before["cwd"] == os.path.realpath(FIXTURES)
    assert after["env"] is None
    assert after["probe"] == "from-the-worker"
    # Fresh random state: not the seeded sequence, and not the zygote's shared state.
    import random

    import numpy as np
    random.seed(1)
    np.random.seed(1)
    assert after["random"] != random.random()
    assert after["numpy_random"] != float(np.random.rand())
    assert after["random"] != before["random"]
    assert after["numpy_random"] != before["numpy_random"]
    # A process of its own, that looks like ipykernel_launcher's.
    assert after["pid"] != before["pid"]
    assert after["argv0"] == "ipykernel_launcher.py"
    assert "" in after["path"]
    assert warm.get_zygote().pid not in (after["pid"], before["pid"])


def test_warm_kernel_matches_a_fresh_kernel(tmp_path, probe_env):
    warm_state = state(run("leak_check", tmp_path))
    fresh_state = state(run("leak_check", tmp_path, manager="jupyter_client.AsyncKernelManager"))
    for key in ("variable", "module", "figures", "cwd", "env", "probe", "argv0", "path"):
        assert warm_state[key] == fresh_state[key], key
    assert warm_state["rc"]["backend"] == fresh_state["rc"]["backend"]


def test_crash_fails_alone_and_the_next_notebook_runs(tmp_path):
    from nbclient.exceptions import DeadKernelError

    with pytest.raises(DeadKernelError, match="Kernel died"):
        run("crash", tmp_path)
    assert state(run("leak_check", tmp_path))["variable"] is False


def test_dead_zygote_is_replaced(tmp_path):
    old = warm.get_zygote()
    first = state(run("leak_check", tmp_path))
    os.kill(old.pid, signal.SIGKILL)
    old.proc.wait(timeout=10)
    second = state(run("leak_check", tmp_path))
    assert warm.get_zygote().pid != old.pid
    assert second["pid"] != first["pid"]


def test_kernel_is_interrupted_and_killed_by_its_manager():
    async def scenario():
        km = warm.WarmKernelManager(kernel_name="python3")
        await km.start_kernel(cwd=str(FIXTURES))
        assert km.provisioner.warm
        pid = km.provisioner.pid
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            msg_id = kc.execute("import time; time.sleep(60)")
            time.sleep(0.5)
            await km.interrupt_kernel()
            reply = await kc.get_shell_msg(timeout=30)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = await kc.get_shell_msg(timeout=30)
            assert reply["content"]["status"] == "error"
            assert reply["content"]["ename"] == "KeyboardInterrupt"
            assert await km.is_alive()
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
        assert not await km.is_alive()
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)

    import asyncio
    asyncio.run(scenario())


def test_other_kernels_fall_back_to_a_normal_launch():
    assert warm.ipykernel_args([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"]) \
        == ["-f", "c.json"]
    assert warm.ipykernel_args(["/opt/other/python", "-m", "ipykernel_launcher", "-f", "c"]) \
        is None
    assert warm.ipykernel_args(["R", "--slave", "-e", "IRkernel::main()"]) is None


def test_zygote_is_per_process():
    z = warm.get_zygote()
    assert warm.get_zygote() is z
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # a worker forked from this process must not share the parent's socket
        os.close(r)
        os.write(w, b"1" if not z.alive() else b"0")
        os._exit(0)
    os.close(w)
    assert os.read(r, 1) == b"1"
    os.close(r)
    os.waitpid(pid, 0)


# One notebook per demo client (kept few: each runs twice, once in a fresh kernel).
REAL = [("kahve-kosesi", "01_audit"), ("nordwind-shop", "04_management_tests"),
        ("ledgerline", "05_improvement")]


def _real_run(name: str, client: str, data_dir: Path, out_dir: Path, manager: str):
    import papermill as pm

    root = Path(__file__).resolve().parents[2]
    out = out_dir / f"{client}-{name}.ipynb"
    findings = out_dir / f"{client}-{name}.findings.json"
    out_dir.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(root / "notebooks" / f"{name}.ipynb"), str(out),
                        parameters={"client": client, "data_dir": str(data_dir),
                                    "findings_path": str(findings)},
                        kernel_name="python3", progress_bar=False, cwd=str(root / "notebooks"),
                        kernel_manager_class=manager, shutdown_kernel="immediate")
    nb = nbformat.read(out, as_version=4)
    shown = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") in ("display_data", "execute_result"):
                shown.append({k: o["data"].get(k) for k in ("text/html", "image/svg+xml",
                                                            "text/plain")})
            elif o.get("name") == "stdout":
                shown.append(o["text"])
    record = json.loads(findings.read_text(encoding="utf-8")) if findings.exists() else None
    return shown, record


@pytest.mark.e2e
@pytest.mark.parametrize("client,name", REAL)
def test_real_notebook_outputs_identical_to_a_fresh_kernel(client, name, demo_data_dir,
                                                           tmp_path):
    fresh = _real_run(name, client, demo_data_dir, tmp_path / "fresh",
                      "jupyter_client.AsyncKernelManager")
    warm_ = _real_run(name, client, demo_data_dir, tmp_path / "warm", WARM)
    assert warm_[0] == fresh[0]  # tables (HTML), charts (PNG bytes), text
    assert warm_[1] == fresh[1]  # findings record


def _leak_check_in_worker(out_dir: str) -> dict:
    return state(run("leak_check", Path(out_dir)))


@pytest.mark.e2e
def test_each_dask_worker_keeps_its_own_zygote(tmp_path):
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        first, second = client.gather([client.submit(_leak_check_in_worker, str(tmp_path),
                                                     pure=False) for _ in range(2)])
    # Kernels are forked by the worker's zygote (their parent), reused for both notebooks,
    # and not this test process's zygote.
    assert first["ppid"] == second["ppid"]
    assert first["pid"] != second["pid"]
    assert first["variable"] is False and second["variable"] is False
    z = warm._zygote
    assert z is None or z.pid != first["ppid"]


def test_zygote_that_cannot_start_falls_back_to_a_fresh_kernel(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise warm.ZygoteDied("simulated: zygote failed to start")

    monkeypatch.setattr(warm, "_zygote", None)
    monkeypatch.setattr(warm, "Zygote", broken)
    monkeypatch.setattr(warm, "_failed_at", None)
    assert state(run("leak_check", tmp_path))["variable"] is False


def test_zygote_is_replaced_when_preloaded_code_changes(tmp_path, monkeypatch):
    from smm_nb.dev.nbbuild import code, write_notebook

    pkg = tmp_path / "lib" / "warmprobe"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "lib"))
    monkeypatch.setenv("SMM_NB_WARM_PRELOAD", "warmprobe")
    nb = write_notebook(tmp_path / "probe.ipynb",
                        [code("import warmprobe\nprint(warmprobe.VALUE)")])

    def value() -> str:
        import papermill as pm

        out = pm.execute_notebook(str(nb), str(tmp_path / "out.ipynb"), kernel_name="python3",
                                  progress_bar=False, cwd=str(tmp_path),
                                  kernel_manager_class=WARM, shutdown_kernel="immediate")
        return out.cells[0].outputs[0]["text"].strip()

    old = warm.get_zygote(restart=True)  # started with the probe package preloaded
    assert value() == "1"
    assert warm.get_zygote() is old
    (pkg / "__init__.py").write_text("VALUE = 2\n", encoding="utf-8")
    later = time.time() + 5  # a modification time the file system cannot round away
    os.utime(pkg / "__init__.py", (later, later))
    assert value() == "2"  # as a fresh kernel would import it
    assert warm.get_zygote().pid != old.pid
    monkeypatch.delenv("SMM_NB_WARM_PRELOAD")
    warm.get_zygote(restart=True)  # leave a zygote without the probe for later tests
