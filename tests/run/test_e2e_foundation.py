"""End to end: the real notebooks run for a demo client and publish a code-free report."""
import json

import pytest

from smm_nb.cli import main

pytestmark = pytest.mark.e2e


def test_run_publishes_report_without_code(data_dir, tmp_path):
    reports = tmp_path / "reports"
    code = main(["--data-dir", str(data_dir), "run", "kahve-kosesi", "--run-id", "r1",
                 "--reports-dir", str(reports)])
    assert code == 0
    run = reports / "kahve-kosesi" / "r1"
    assert (reports / "kahve-kosesi" / "latest").resolve() == run.resolve()
    for nb in ("01_audit", "02_audience", "03_launch_baseline", "04_management_tests",
               "05_improvement"):
        html = (run / f"{nb}.html").read_text(encoding="utf-8")
        assert "open_notebook" not in html and "findings_path" not in html
        assert str(data_dir) not in html  # no local paths
        assert "<script" not in html.lower()
    report = (run / "report.html").read_text(encoding="utf-8")
    assert 'lang="tr"' in report and "Denetim" in report
    findings = json.loads((run / "findings.json").read_text(encoding="utf-8"))
    assert findings["client"] == "kahve-kosesi"
    assert set(findings["notebooks"]) >= {"01_audit", "05_improvement"}
