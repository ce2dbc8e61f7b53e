"""Warm kernels against the plain loop and a fresh-kernel pool, in one run.

    .venv/bin/python bench/warm.py [--notebooks 20] [--workers 2] [--skip-plain] [--skip-real]
                                   [--json results.json]

Light notebooks (the workbook's imports: numpy, pandas, matplotlib, seaborn, statsmodels,
smm_nb; then 10,000 rows, a groupby, a seaborn chart, an OLS fit) are executed and
exported to HTML three ways:

* ``plain``: a loop of the ``papermill`` CLI and ``jupyter nbconvert --to html`` per
  notebook (what an analyst's shell script does);
* ``fresh``: a process pool (``--workers``) of papermill API calls with
  ``shutdown_kernel="immediate"`` and in-process HTML export, one fresh kernel per notebook;
* ``warm``: the same pool with ``kernel_manager_class=WarmKernelManager``: each worker
  keeps a pre-started zygote (its start-up is inside the measured time) and forks it
  for every notebook's kernel.

It prints wall time and notebooks per second of each, their ratios, the fresh-kernel
floor (a fresh kernel's start plus the notebook's imports, per notebook, x notebooks /
workers) and the per-notebook fixed overhead (a notebook's wall time minus its own cells
after the imports, median of sequential runs). Then the real notebooks on the three demo
clients, fresh pool against warm pool.

Targets on 2 cores: warm overhead < 0.5 s; warm >= 10x the plain loop and <= 0.5x the
fresh floor; real notebooks >= 1.8x faster warm than fresh. Timings depend on the machine
and its load; tests never assert them.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WARM = "smm_nb.run.warm.WarmKernelManager"
FRESH = "jupyter_client.AsyncKernelManager"
CLIENTS = ("kahve-kosesi", "nordwind-shop", "ledgerline")
NOTEBOOKS = ("01_audit", "02_audience", "03_launch_baseline", "04_management_tests",
             "05_improvement")

IMPORTS = """import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
import seaborn as sns
import statsmodels.formula.api as smf
from smm_nb import show"""
WORK = ["""rng = np.random.default_rng(seed)
df = pd.DataFrame({"x": rng.normal(size=10_000), "g": rng.choice(list("abcde"), 10_000)})
df["y"] = 2 * df["x"] + rng.normal(size=10_000)
show(df.groupby("g")["y"].agg(["mean", "std", "count"]))""",
        """fig, ax = plt.subplots()
sns.barplot(data=df, x="g", y="y", errorbar=None, ax=ax)
show(fig)""",
        """fit = smf.ols("y ~ x + C(g)", data=df).fit()
show(fit.summary2().tables[1].round(3))"""]


def write_light(path: Path) -> Path:
    from smm_nb.dev.nbbuild import code, md, write_notebook

    return write_notebook(path, [md("# A light notebook"),
                                 code("seed = 1", tags=("parameters",)),
                                 code(IMPORTS), *[code(c) for c in WORK]])


# --- what one pool worker does -------------------------------------------------------------

def _worker_init(log: str, warm: bool) -> None:
    # The kernels' start-up chatter (they inherit the worker's stderr) goes to a log file.
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(fd, 2)
    os.close(fd)
    # As the batch runner's workers: nbformat's optional "iri" checker costs ~0.9 s to import.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import papermill  # noqa: F401 - paid once per worker, as in the batch runner
    from nbconvert import HTMLExporter  # noqa: F401

    if warm:
        from smm_nb.run import warm as w

        w.prestart()


def run_one(src: str, out: str, parameters: dict, manager: str, cwd: str) -> dict:
    """Execute one notebook and export it to HTML; its wall time and cell durations."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    t0 = time.perf_counter()
    nb = pm.execute_notebook(src, out, parameters=parameters, kernel_name="python3",
                             progress_bar=False, cwd=cwd, kernel_manager_class=manager,
                             shutdown_kernel="immediate")
    t1 = time.perf_counter()
    html, _ = HTMLExporter().from_notebook_node(nbformat.from_dict(nb))
    Path(out).with_suffix(".html").write_text(html, encoding="utf-8")
    t2 = time.perf_counter()
    cells = [c.metadata.get("papermill", {}).get("duration") or 0.0
             for c in nb.cells if c.cell_type == "code"]
    return {"wall": t2 - t0, "execute": t1 - t0, "html": t2 - t1, "cells": cells}


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished descendants: the pool workers,
    and through them their zygotes and kernels. Less sensitive to a busy machine than wall
    time."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def pool_batch(jobs: list[tuple], workers: int, manager: str, log: Path) -> dict:
    """Wall and CPU time of ``jobs`` on a fresh pool of ``workers`` (start-up included),
    with the per-notebook means of papermill's execution, the cells and the HTML export."""
    t0, c0 = time.perf_counter(), children_cpu()
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"),
                             initializer=_worker_init,
                             initargs=(str(log), manager == WARM)) as pool:
        futures = [pool.submit(run_one, *job[:2], job[2], manager, job[3]) for job in jobs]
        done = [f.result() for f in futures]
    n = len(done)
    # The median leaves out the first notebook of each worker, which waits for its zygote.
    overhead = statistics.median(r["execute"] - sum(r["cells"][-len(WORK):]) for r in done)
    return {"wall": time.perf_counter() - t0, "cpu": children_cpu() - c0,
            "median_overhead": overhead,
            "execute": sum(r["execute"] for r in done) / n,
            "cells": sum(sum(r["cells"]) for r in done) / n,
            "html": sum(r["html"] for r in done) / n}


def plain_loop(light: Path, out_dir: Path, n: int, log: Path) -> dict:
    t0, c0 = time.perf_counter(), children_cpu()
    with open(log, "ab") as err:
        for i in range(n):
            out = out_dir / f"plain-{i}.ipynb"
            subprocess.run([str(BIN / "papermill"), str(light), str(out), "-k", "python3",
                            "-p", "seed", str(i), "--cwd", str(out_dir)], check=True,
                           stdout=subprocess.DEVNULL, stderr=err)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(out)],
                           check=True, stdout=subprocess.DEVNULL, stderr=err)
    return {"wall": time.perf_counter() - t0, "cpu": children_cpu() - c0}


def fixed_overhead(light: Path, out_dir: Path, manager: str, runs: int) -> tuple[float, float]:
    """Medians over sequential runs of the fixed overhead (papermill's execution time minus
    the cells after the imports: kernel start, imports, papermill, shutdown) and of the
    HTML export."""
    if manager == WARM:
        from smm_nb.run import warm

        warm.prestart(wait=True)  # the zygote's start is a per-worker, not per-notebook cost
    values, html = [], []
    for i in range(runs):
        r = run_one(str(light), str(out_dir / f"seq-{i}.ipynb"), {"seed": i}, manager,
                    str(out_dir))
        # cells: parameters, injected parameters, imports, then the work
        values.append(r["execute"] - sum(r["cells"][-len(WORK):]))
        html.append(r["html"])
    return statistics.median(values), statistics.median(html)


def fresh_floor_per_notebook(runs: int = 3) -> float:
    """A fresh kernel's start plus the light notebook's imports (median)."""
    import asyncio

    from jupyter_client.manager import start_new_async_kernel

    async def once() -> float:
        t0 = time.perf_counter()
        km, kc = await start_new_async_kernel(kernel_name="python3")
        try:
            reply = await kc.execute_interactive(IMPORTS, timeout=120)
            assert reply["content"]["status"] == "ok"
            return time.perf_counter() - t0
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    return statistics.median(asyncio.run(once()) for _ in range(runs))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notebooks", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5, help="sequential runs for the overhead")
    ap.add_argument("--skip-plain", action="store_true")
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    n, workers = args.notebooks, args.workers
    tmp = Path(tempfile.mkdtemp(prefix="smm-bench-warm-"))
    log = tmp / "kernels.log"
    results: dict = {"notebooks": n, "workers": workers, "cpus": os.cpu_count()}
    try:
        light = write_light(tmp / "light.ipynb")
        jobs = [(str(light), str(tmp / f"{m}-{i}.ipynb"), {"seed": i}, str(tmp))
                for m in ("x",) for i in range(n)]

        print(f"light notebooks: {n}, workers: {workers}, cpus: {os.cpu_count()}, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        floor1 = fresh_floor_per_notebook()
        floor = floor1 * n / workers
        results["fresh_kernel_plus_imports_s"] = floor1
        results["fresh_floor_s"] = floor
        print(f"  fresh kernel + imports: {floor1:.2f} s per notebook; "
              f"floor {floor:.1f} s for {n} notebooks on {workers} workers", flush=True)
        for label, manager in (("fresh", FRESH), ("warm", WARM)):
            oh, html = fixed_overhead(light, tmp, manager, args.runs)
            results[f"{label}_overhead_s"] = oh
            results[f"{label}_html_export_s"] = html
            print(f"  per-notebook fixed overhead, {label}: {oh:.2f} s (kernel start, imports, "
                  f"papermill, shutdown; HTML export another {html:.2f} s)", flush=True)

        walls = {}
        if not args.skip_plain:
            walls["plain"] = plain_loop(light, tmp, n, log)
        walls["fresh"] = pool_batch([(j[0], j[1].replace("x-", "fresh-"), j[2], j[3])
                                     for j in jobs], workers, FRESH, log)
        walls["warm"] = pool_batch([(j[0], j[1].replace("x-", "warm-"), j[2], j[3])
                                    for j in jobs], workers, WARM, log)
        results["load_average_after_light"] = os.getloadavg()[0]
        for k, r in walls.items():
            line = (f"  {k:>5}: {r['wall']:6.1f} s  {n / r['wall']:5.2f} notebooks/s  "
                    f"{r['wall'] / n:5.2f} s/notebook  (CPU {r['cpu']:6.1f} s")
            if "execute" in r:
                line += (f"; per notebook: papermill {r['execute']:.2f} s of which cells "
                         f"{r['cells']:.2f} s, HTML {r['html']:.2f} s; median overhead "
                         f"{r['median_overhead']:.2f} s")
            print(line + ")", flush=True)
        results["light"] = walls
        walls = {k: r["wall"] for k, r in walls.items()}
        ratios = {"warm_over_fresh_floor": walls["warm"] / floor,
                  "fresh_over_floor": walls["fresh"] / floor,
                  "fresh_speedup_vs_warm": walls["fresh"] / walls["warm"]}
        if "plain" in walls:
            ratios["warm_speedup_vs_plain"] = walls["plain"] / walls["warm"]
            ratios["fresh_speedup_vs_plain"] = walls["plain"] / walls["fresh"]
        cpu = {k: r["cpu"] for k, r in results["light"].items()}
        ratios["cpu_fresh_over_warm"] = cpu["fresh"] / cpu["warm"]
        if "plain" in cpu:
            ratios["cpu_plain_over_warm"] = cpu["plain"] / cpu["warm"]
        results["light_ratios"] = ratios
        print(f"  CPU seconds: warm uses {ratios['cpu_fresh_over_warm']:.1f}x less than the "
              f"fresh pool" + (f", {ratios['cpu_plain_over_warm']:.1f}x less than the plain loop"
                               if "plain" in cpu else ""), flush=True)
        if "plain" in walls:
            print(f"  warm is {ratios['warm_speedup_vs_plain']:.1f}x faster than the plain "
                  f"loop (target >= 10x); the fresh pool "
                  f"{ratios['fresh_speedup_vs_plain']:.1f}x", flush=True)
        print(f"  warm = {ratios['warm_over_fresh_floor']:.2f}x the fresh floor (target <= "
              f"0.5x); fresh pool = {ratios['fresh_over_floor']:.2f}x; warm overhead "
              f"{results['warm_overhead_s']:.2f} s (target < 0.5 s); load average "
              f"{results['load_average_after_light']:.1f}", flush=True)

        if not args.skip_real:
            from smm_nb.demo import generate_demo

            data = tmp / "data"
            generate_demo(data)
            if (ROOT / "data" / "reference").is_dir():
                shutil.copytree(ROOT / "data" / "reference", data / "reference")
            from smm_nb.model.workspace import load_client

            for c in CLIENTS:  # build the Parquet caches first, as a second run would find
                load_client(c, data).tables()
            real = {}
            for label, manager in (("fresh", FRESH), ("warm", WARM)):
                out = tmp / f"real-{label}"
                out.mkdir()
                real_jobs = [(str(ROOT / "notebooks" / f"{nb}.ipynb"),
                              str(out / f"{c}-{nb}.ipynb"),
                              {"client": c, "data_dir": str(data),
                               "findings_path": str(out / f"{c}-{nb}.findings.json")},
                              str(ROOT / "notebooks")) for c in CLIENTS for nb in NOTEBOOKS]
                real[label] = pool_batch(real_jobs, workers, manager, log)
            speed = real["fresh"]["wall"] / real["warm"]["wall"]
            results["real"] = real
            results["real_speedup"] = speed
            k = len(CLIENTS) * len(NOTEBOOKS)
            print(f"real notebooks ({len(CLIENTS)} demo clients x {len(NOTEBOOKS)} = {k}), "
                  f"load average {os.getloadavg()[0]:.1f}:", flush=True)
            for label, r in real.items():
                print(f"  {label:>5}: {r['wall']:6.1f} s  (CPU {r['cpu']:6.1f} s; per notebook: "
                      f"papermill {r['execute']:.2f} s of which cells {r['cells']:.2f} s, "
                      f"HTML {r['html']:.2f} s)", flush=True)
            print(f"  warm {speed:.1f}x faster than fresh (target >= 1.8x); CPU "
                  f"{real['fresh']['cpu'] / real['warm']['cpu']:.1f}x less", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
