"""End to end at a moderate scale: the five real notebooks on a large_client (20,000 posts,
two years, five platforms, Parquet exports) run through `smm-nb run` and publish a report.
bench/scale.py runs the same path at 1,000,000 posts; no timing is asserted here."""
import json
import shutil
from pathlib import Path

import pytest

from smm_nb.cli import main
from smm_nb.demo import large_client

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ("01_audit", "02_audience", "03_launch_baseline", "04_management_tests",
             "05_improvement")


def test_five_notebooks_publish_a_report_for_a_large_client(tmp_path):
    data = tmp_path / "data"
    large_client(data, "bigco", posts=20_000, years=2, seed=11)
    shutil.copytree(ROOT / "data" / "reference", data / "reference")
    reports = tmp_path / "reports"
    code = main(["--data-dir", str(data), "run", "bigco", "--run-id", "r1", "--workers", "2",
                 "--reports-dir", str(reports), "--quiet"])
    assert code == 0
    run = reports / "bigco" / "r1"
    assert (reports / "bigco" / "latest").resolve() == run.resolve()
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert [n["status"] for n in manifest["notebooks"]] == ["ok"] * 5
    assert set(manifest["inputs"]["files"]) >= {f"exports/posts_{p}.parquet" for p in
                                               ("instagram", "facebook", "x", "linkedin",
                                                "tiktok")}
    findings = json.loads((run / "findings.json").read_text(encoding="utf-8"))
    assert set(findings["notebooks"]) == set(NOTEBOOKS)
    for nb in NOTEBOOKS:
        assert findings["notebooks"][nb]["status"] == "ok"
        assert findings["notebooks"][nb]["findings"], nb
        assert (run / f"{nb}.html").is_file()
    report = (run / "report.html").read_text(encoding="utf-8")
    assert "BigCo Outdoor Group" in report and str(data) not in report
    assert not list((reports / "bigco").glob(".run-*"))  # no staging folder left behind
