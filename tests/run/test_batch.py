"""The batch run: failures stay with their client, good reports survive, reruns are skipped
when nothing changed, the same inputs give the same findings. Small fixture notebooks keep
these fast; the real notebooks run in test_e2e_foundation.py."""
import hashlib
import json
import shutil

import pandas as pd
import pytest

from smm_nb.cli import main
from smm_nb.run.batch import run_batch
from smm_nb.run.executor import DaskExecutor, NotebookTask, default_kernel_manager_class, \
    execute_task

DEMO = ["kahve-kosesi", "nordwind-shop", "ledgerline"]


def _tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(data_dir, reports, *args):
    return main(["--data-dir", str(data_dir), "run", *args, "--reports-dir", str(reports),
                 "--fresh-kernels", "--workers", "2"])


def test_failures_are_isolated_and_last_good_report_survives(data_dir, tmp_path, summary_nb,
                                                              fault_nb, capsys):
    reports = tmp_path / "reports"
    assert _run(data_dir, reports, *DEMO, "--notebooks", summary_nb, "--run-id", "good",
                "--quiet") == 0
    good = {slug: _tree(reports / slug / "good") for slug in DEMO}
    capsys.readouterr()

    # a fourth client whose posts export lost its post_id column
    broken = data_dir / "clients" / "broken-cafe"
    shutil.copytree(data_dir / "clients" / "kahve-kosesi", broken)
    cfg = broken / "client.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("slug: kahve-kosesi",
                                                           "slug: broken-cafe"), encoding="utf-8")
    posts = broken / "exports" / "posts.csv"
    pd.read_csv(posts, dtype=str).drop(columns=["post_id"]).to_csv(posts, index=False)

    code = _run(data_dir, reports, "--all", "--notebooks", summary_nb, fault_nb,
                "--run-id", "bad")
    out, err = capsys.readouterr()
    assert code == 1
    table = err[err.index("failures:"):]
    rows = [ln.split(None, 3) for ln in table.splitlines()[3:] if ln.strip()]
    assert sorted(r[0] for r in rows) == ["broken-cafe", "ledgerline", "nordwind-shop"]
    by_client = {r[0]: r for r in rows}
    assert "posts.csv" in by_client["broken-cafe"][3] and "post_id" in by_client["broken-cafe"][3]
    assert by_client["nordwind-shop"][1:3] == ["fault", "cell-04"]
    assert "ValueError: planted failure" in by_client["nordwind-shop"][3]
    assert by_client["ledgerline"][1:3] == ["fault", "cell-04"]
    assert "kernel died" in by_client["ledgerline"][3]
    assert "cannot run" in err and "broken-cafe" in err  # validation problem reported up front

    # the client without faults published; the others kept their good report untouched
    assert (reports / "kahve-kosesi" / "latest").resolve() == (reports / "kahve-kosesi" / "bad")
    published = reports / "kahve-kosesi" / "bad"
    for page in ("report.html", "summary.html", "fault.html"):
        html = (published / page).read_text(encoding="utf-8")
        # nothing of the machine, of the parameters or of the other clients
        for leak in (str(data_dir), str(tmp_path), "findings_path", "data_dir", "nordwind",
                     "ledgerline", "broken-cafe", "Traceback", "warning must not",
                     "stderr noise"):
            assert leak not in html, (page, leak)
    for slug in ("nordwind-shop", "ledgerline"):
        assert (reports / slug / "latest").resolve() == (reports / slug / "good")
        assert _tree(reports / slug / "good") == good[slug]
        failed = reports / slug / "failed" / "bad"
        manifest = json.loads((failed / "manifest.json").read_text())
        assert manifest["status"] == "failed"
        status = {n["notebook"]: n["status"] for n in manifest["notebooks"]}
        assert status == {"summary": "ok", "fault": "failed"}
        partial = json.loads((failed / "fault.ipynb").read_text())  # kept for debugging
        assert partial["cells"]
        assert not (failed / "report.html").exists()
    raised = json.loads((reports / "nordwind-shop" / "failed" / "bad" / "fault.ipynb").read_text())
    assert any(o.get("ename") == "ValueError" for c in raised["cells"]
               for o in c.get("outputs", []))
    # the invalid client left only a record for the index, no report
    assert sorted(p.name for p in (reports / "broken-cafe").iterdir()) == ["failed"]
    invalid = json.loads((reports / "broken-cafe" / "failed" / "bad" / "manifest.json").read_text())
    assert invalid["status"] == "invalid" and "post_id" in invalid["error"]
    assert not list(reports.glob("*/.run-*"))  # no staging folder left behind
    index = (reports / "index.html").read_text()
    assert "nordwind-shop" in index and "failed" in index and "<script" not in index
    assert "broken-cafe" in index and "post_id" in index


def test_changed_reruns_only_changed_clients_with_same_findings(data_dir, tmp_path, summary_nb,
                                                               capsys):
    reports = tmp_path / "reports"
    assert _run(data_dir, reports, "kahve-kosesi", "--notebooks", summary_nb, "--run-id", "r1",
                "--quiet") == 0
    assert _run(data_dir, reports, "kahve-kosesi", "--notebooks", summary_nb, "--run-id", "r2",
                "--changed") == 0
    assert "unchanged since r1" in capsys.readouterr().out
    assert not (reports / "kahve-kosesi" / "r2").exists()

    cfg = data_dir / "clients" / "kahve-kosesi" / "client.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert _run(data_dir, reports, "kahve-kosesi", "--notebooks", summary_nb, "--run-id", "r3",
                "--changed", "--quiet") == 0
    assert (reports / "kahve-kosesi" / "latest").resolve() == reports / "kahve-kosesi" / "r3"

    def findings(run):
        doc = json.loads((reports / "kahve-kosesi" / run / "findings.json").read_text())
        doc.pop("run_id")
        return doc
    assert findings("r1") == findings("r3")
    assert findings("r1")["notebooks"]["summary"]["findings"][0]["value"] > 0
    m = json.loads((reports / "kahve-kosesi" / "r3" / "manifest.json").read_text())
    assert m["parameters"]["notebooks"] == ["summary"] and m["notebooks"][0]["seconds"] > 0
    assert "client.yaml" in m["inputs"]["files"] and m["versions"]["papermill"]


def test_warm_kernels_give_the_same_findings(data_dir, tmp_path, summary_nb):
    if default_kernel_manager_class() is None:
        pytest.skip("warm kernels unavailable here")
    reports = tmp_path / "reports"
    common = ["--data-dir", str(data_dir), "run", "nordwind-shop", "--notebooks", summary_nb,
              "--reports-dir", str(reports), "--quiet", "--workers", "1"]
    assert main(common + ["--run-id", "warm"]) == 0
    assert main(common + ["--run-id", "fresh", "--fresh-kernels"]) == 0
    docs = {}
    for run in ("warm", "fresh"):
        folder = reports / "nordwind-shop" / run
        docs[run] = json.loads((folder / "findings.json").read_text())["notebooks"]
        assert json.loads((folder / "manifest.json").read_text())["kernels"] == run
    assert docs["warm"] == docs["fresh"]


def test_scheduler_option_runs_on_a_dask_cluster(data_dir, tmp_path, summary_nb):
    distributed = pytest.importorskip("distributed")
    from jupyter_core.utils import ensure_event_loop

    # as after an in-process papermill run: this thread's context holds an event loop,
    # which the in-process worker's two threads inherit (they failed with "This event
    # loop is already running" before each notebook got a context of its own)
    ensure_event_loop()
    reports = tmp_path / "reports"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        code = main(["--data-dir", str(data_dir), "run", "kahve-kosesi", "ledgerline",
                     "--notebooks", summary_nb, "--run-id", "d1", "--reports-dir", str(reports),
                     "--scheduler", cluster.scheduler_address, "--fresh-kernels", "--quiet"])
    assert code == 0
    for slug in ("kahve-kosesi", "ledgerline"):
        m = json.loads((reports / slug / "latest" / "manifest.json").read_text())
        assert m["status"] == "ok" and m["executor"].startswith("dask")


def test_run_batch_api_with_a_dask_client(data_dir, tmp_path, summary_nb):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        result = run_batch(["nordwind-shop"], data_dir, {"summary": summary_nb}, run_id="d2",
                           reports_dir=tmp_path / "reports", executor=DaskExecutor(client),
                           progress=False)
    assert result.ok and result.clients[0].status == "ok"


def test_a_cell_that_runs_too_long_times_out(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                             new_code_cell("import time\ntime.sleep(60)")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    src = tmp_path / "slow.ipynb"
    nbformat.write(nb, src)
    r = execute_task(NotebookTask("acme", "slow", str(src), {"x": 2}, cell_timeout=2))
    assert r.status == "failed" and r.kind == "timeout" and r.seconds < 50
    assert r.notebook_json is not None and r.cell is not None


def test_a_dying_worker_fails_only_its_notebook(data_dir, tmp_path, fault_nb):
    killer = data_dir / "clients" / "worker-killer"
    shutil.copytree(data_dir / "clients" / "kahve-kosesi", killer)
    cfg = killer / "client.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("slug: kahve-kosesi",
                                                           "slug: worker-killer"), encoding="utf-8")
    from smm_nb.run.executor import LocalExecutor

    result = run_batch(["worker-killer", "kahve-kosesi"], data_dir, {"fault": fault_nb},
                       run_id="w1", reports_dir=tmp_path / "reports",
                       executor=LocalExecutor(1), progress=False)
    status = {c.client: c for c in result.clients}
    assert status["worker-killer"].status == "failed"
    assert "worker process died" in status["worker-killer"].notebooks[0].error
    assert status["kahve-kosesi"].status == "ok"  # ran on the rebuilt pool


def test_planning_builds_the_cache_then_lets_go_of_the_tables(data_dir, tmp_path):
    """The runner validates and caches each client once, before any kernel starts, and
    does not hold the tables while the kernels run."""
    from smm_nb.run.batch import plan_clients, resolve_notebooks

    plans, others = plan_clients(["nordwind-shop"], data_dir, resolve_notebooks(["01_audit"]),
                                 tmp_path / "reports")
    assert not others and len(plans) == 1
    ws = plans[0].ws
    assert ws._tables is None
    assert (ws.cache_root / ws.inputs_digest() / "complete").is_file()
    assert plans[0].period is not None
    assert len(ws.posts) > 0  # loads again (from the cache) when asked


def test_notebooks_start_longest_first_from_the_last_run(tmp_path):
    from smm_nb.run.batch import longest_first, previous_seconds
    from smm_nb.run.publish import publish, staging_dir

    reports = tmp_path / "reports"
    work = staging_dir(reports / "big", "r1")
    (work / "manifest.json").write_text(json.dumps({"notebooks": [
        {"notebook": "01_audit", "seconds": 20.0}, {"notebook": "02_audience", "seconds": 5.0},
        {"notebook": "05_improvement", "seconds": 90.0}]}))
    publish(work, reports / "big", "r1")
    seconds = previous_seconds(reports, ["big", "new"])
    assert seconds == {("big", "01_audit"): 20.0, ("big", "02_audience"): 5.0,
                       ("big", "05_improvement"): 90.0}

    def task(client, nb):
        return NotebookTask(client=client, notebook=nb, source="x.ipynb", parameters={})

    tasks = [task("big", n) for n in ("01_audit", "02_audience", "04_management_tests",
                                      "05_improvement")] + [task("new", "01_audit")]
    order = [t.key for t in longest_first(tasks, seconds)]
    # no history first (in their order), then longest first
    assert order == [("big", "04_management_tests"), ("new", "01_audit"),
                     ("big", "05_improvement"), ("big", "01_audit"), ("big", "02_audience")]
    assert longest_first(tasks, {}) == tasks  # first run: the notebooks' own order
