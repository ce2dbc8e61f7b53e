"""``smm-nb validate`` over native exports: each file, its adapter and its accounting."""
import json

from smm_nb.cli import main


def test_validate_lists_native_files(data_dir, capsys):
    assert main(["--data-dir", str(data_dir), "validate", "nordwind-shop", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    by_adapter = {}
    for f in report["files"]:
        by_adapter.setdefault(f["adapter"], []).append(f)
    assert {"meta-business-suite-content", "meta-business-suite-overview",
            "canonical"} <= set(by_adapter)
    content = by_adapter["meta-business-suite-content"]
    assert all(f["rows_read"] > 0 and f["tables"] == ["posts"] and f["start"] for f in content)
    assert report["tables"]["posts"]["platforms"] == ["facebook", "instagram", "tiktok", "x"]


def test_validate_counts_skipped_rows(data_dir, capsys, fixtures):
    exports = data_dir / "clients" / "ledgerline" / "exports"
    (exports / "Table data.csv").write_bytes((fixtures / "youtube" / "Table data.csv").read_bytes())
    assert main(["--data-dir", str(data_dir), "validate", "ledgerline"]) == 0
    out = capsys.readouterr().out
    assert "Table data.csv: youtube-studio-table, 2 rows read, 1 skipped" in out
    assert "skipped 1 row(s) (totals or blank lines)" in out
