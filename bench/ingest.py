"""Ingest speed and memory for 1,000,000 post rows spread over many native export files.

    .venv/bin/python bench/ingest.py [--rows 1000000] [--files 100] [--dir /tmp/smm-bench]

Writes Meta Business Suite Instagram content exports (the widest common post
format: text with commas and quotes, ``MM/DD/YYYY HH:MM`` Pacific times, ``"12,400"``
thousands, ``-`` for missing), then measures, each in a fresh process so peak memory
is that run's own:

* ``plain``: ``pandas.read_csv`` of every file with default settings, concatenated
  (what "just load the CSVs" costs);
* ``ingest``: :func:`smm_nb.ingest.ingest_files` (probe, adapter, canonical
  conform, merge of overlapping exports) into the canonical ``posts`` table.

It prints rows per second for both, their ratio (wall clock and CPU time; the two
kinds run alternately ``--repeat`` times and the best of each counts, so that both
see the same load on a shared machine; the best wall time and the best CPU time
are taken separately), CPU time split into user and system (system time is mostly
the kernel handing out fresh memory pages, which a loaded machine makes slower and
more variable), and peak resident memory (max RSS, including the interpreter and
pandas, about 100-150 MB). Timings depend on the machine and its load; tests never
assert them.
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HEADER = ["Post ID", "Account ID", "Account username", "Account name", "Description",
          "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date",
          "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves"]
TYPES = ["IG image", "IG carousel", "IG reel", "IG story"]
CAPTIONS = ["New in: the Fjord parka, windproof to 90 km/h #jackets",
            'Three ways to layer a "merino" knit #knit', "Weekend sale: 20% off all bags",
            "Behind the seams, how we test our zips", "Customer photo of the week!"]


def write_files(folder: Path, rows: int, files: int, seed: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    per = rows // files
    paths = []
    start = np.datetime64("2024-01-01T00:00")
    for f in range(files):
        n = per if f < files - 1 else rows - per * (files - 1)
        ids = np.arange(f * per, f * per + n) + 18_000_000_000
        minutes = rng.integers(0, 2 * 365 * 24 * 60, n)
        times = (start + minutes.astype("timedelta64[m]")).astype("datetime64[m]")
        reach = rng.integers(50, 50_000, n)
        views = (reach * rng.uniform(1.1, 1.6, n)).astype(int)
        likes = rng.binomial(reach, 0.04)
        path = folder / f"Jan-01-2024_Dec-31-2025_{f:04d}.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            caps = rng.integers(0, len(CAPTIONS), n)
            types = rng.integers(0, len(TYPES), n)
            for i in range(n):
                t = times[i].item()
                w.writerow([ids[i], 1784, "nordwind", "Nordwind", CAPTIONS[caps[i]],
                            0, t.strftime("%m/%d/%Y %H:%M"),
                            f"https://www.instagram.com/p/{ids[i]}/", TYPES[types[i]], "",
                            "Lifetime", f"{views[i]:,}", reach[i], likes[i],
                            "-" if i % 17 == 0 else likes[i] // 10, i % 3, likes[i] // 20,
                            likes[i] // 8])
        paths.append(path)
    return paths


def _measure(kind: str, folder: Path) -> dict:
    import pandas as pd

    from smm_nb.ingest import IngestContext, ingest_files  # imports are not timed

    paths = sorted(folder.glob("*.csv"))
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    c0 = time.process_time()
    t0 = time.perf_counter()
    if kind == "plain":
        df = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
        rows = len(df)
    else:
        res = ingest_files(paths, IngestContext("Europe/Berlin", "EUR"))
        rows = len(res.tables["posts"])
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = r1.ru_maxrss / 1024
    return {"kind": kind, "rows": rows, "seconds": seconds, "cpu": cpu,
            "user": r1.ru_utime - r0.ru_utime, "sys": r1.ru_stime - r0.ru_stime,
            "peak_mb": peak_mb, "bytes": sum(p.stat().st_size for p in paths)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/smm-bench"))
    ap.add_argument("--repeat", type=int, default=2,
                    help="measure each this many times, alternating; report the best")
    ap.add_argument("--json", type=Path, help="write every run's figures to this file")
    ap.add_argument("--measure", choices=["plain", "ingest"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.measure, args.dir)))
        return 0
    existing = sorted(args.dir.glob("*.csv"))
    if len(existing) != args.files or not existing:
        for p in existing:
            p.unlink()
        t0 = time.perf_counter()
        write_files(args.dir, args.rows, args.files)
        print(f"wrote {args.rows:,} rows in {args.files} files to {args.dir} "
              f"({time.perf_counter() - t0:.1f} s)")
    runs: dict[str, list[dict]] = {"plain": [], "ingest": []}
    # alternate the two so that both see the same (shared, changing) machine load;
    # the best of the repeats is the least disturbed
    for _ in range(args.repeat):
        for kind in ("plain", "ingest"):
            out = subprocess.run([sys.executable, __file__, "--measure", kind, "--dir",
                                  str(args.dir)], capture_output=True, text=True, check=True)
            runs[kind].append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = {k: {m: min(r[m] for r in runs[k]) for m in ("seconds", "cpu", "user", "sys",
                                                         "peak_mb")} for k in runs}
    p, i = best["plain"], best["ingest"]
    rows, size = runs["plain"][0]["rows"], runs["plain"][0]["bytes"]
    print(f"data: {rows:,} rows, {size / 1e6:.0f} MB in {args.files} files; "
          f"best of {args.repeat}")
    for kind, r in best.items():
        print(f"{kind:>7}: {r['seconds']:6.2f} s  {rows / r['seconds']:>10,.0f} rows/s  "
              f"CPU {r['cpu']:6.2f} s (user {r['user']:.2f}, system {r['sys']:.2f})  "
              f"peak RSS {r['peak_mb']:,.0f} MB")
    print(f"ingest / plain read_csv: time x{i['seconds'] / p['seconds']:.2f}, "
          f"CPU time x{i['cpu'] / p['cpu']:.2f} (user x{i['user'] / p['user']:.2f}), "
          f"peak memory x{i['peak_mb'] / p['peak_mb']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
