"""The smm-nb command as a user meets it: one-line errors, exit code 2, no traceback."""
import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from smm_nb.cli import main


def run_cli(*args):
    proc = subprocess.run([sys.executable, "-m", "smm_nb.cli", *args], capture_output=True,
                          text=True)
    return proc.returncode, proc.stdout, proc.stderr


def test_new_client_scaffolds_valid_commented_config(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "new-client", "acme-bakery"]) == 0
    cfg = tmp_path / "clients" / "acme-bakery" / "client.yaml"
    assert (tmp_path / "clients" / "acme-bakery" / "exports").is_dir()
    assert "# " in cfg.read_text()
    assert yaml.safe_load(cfg.read_text())["slug"] == "acme-bakery"
    # and it validates (with a warning that there is no data yet)
    assert main(["--data-dir", str(tmp_path), "validate", "acme-bakery"]) == 0
    assert "no export files yet" in capsys.readouterr().out
    # never overwritten
    assert main(["--data-dir", str(tmp_path), "new-client", "acme-bakery"]) == 2


def test_validate_summary_lists_tables(data_dir, capsys):
    assert main(["--data-dir", str(data_dir), "validate", "nordwind-shop"]) == 0
    out = capsys.readouterr().out
    assert "posts:" in out and "instagram" in out and "spend:" in out


def test_validate_json(data_dir, capsys):
    assert main(["--data-dir", str(data_dir), "validate", "ledgerline", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["client"] == "ledgerline"
    assert {"path", "adapter", "rows_read", "rows_skipped", "start", "end"} <= \
        set(report["files"][0])
    raw = pd.read_csv(data_dir / "clients" / "ledgerline" / "exports" / "spend.csv")
    assert report["tables"]["spend"]["totals"]["spend"] == pytest.approx(raw.spend.sum())


@pytest.mark.parametrize("breakage, expected", [
    ("bad_date", "client.yaml: phases.management_start: '2025-13-01' is not a date"),
    ("unknown_slug", "no such client"),
    ("no_exports", "exports folder is missing"),
    ("missing_column", "posts.csv: column 'post_id': missing required column"),
])
def test_bad_input_is_one_line_exit_2(data_dir, breakage, expected):
    slug = "kahve-kosesi"
    client = data_dir / "clients" / slug
    if breakage == "bad_date":
        text = (client / "client.yaml").read_text(encoding="utf-8")
        text = text.replace("phases:\n", "phases:\n  management_start: '2025-13-01'\n")
        (client / "client.yaml").write_text(text, encoding="utf-8")
    elif breakage == "unknown_slug":
        slug = "no-such-client"
    elif breakage == "no_exports":
        import shutil

        shutil.rmtree(client / "exports")
    elif breakage == "missing_column":
        p = client / "exports" / "posts.csv"
        pd.read_csv(p, dtype=str).drop(columns=["post_id"]).to_csv(p, index=False)
    for command in (["validate", slug],
                    ["run", slug, "--notebooks", "01_audit", "--reports-dir", str(data_dir)]):
        code, out, err = run_cli("--data-dir", str(data_dir), *command)
        assert code == 2, (command, out, err)
        assert "Traceback" not in err + out
        text = err if command[0] == "run" else out + err
        assert expected in text, (command, text)
        if command[0] == "run":
            assert len(err.strip().splitlines()) <= 2  # "cannot run:" + the one line


def test_debug_shows_traceback(data_dir):
    code, _, err = run_cli("--debug", "--data-dir", str(data_dir), "validate", "x", "--json")
    # validate reports its own errors; --debug matters for run
    code, _, err = run_cli("--debug", "--data-dir", str(data_dir), "run", "nope")
    assert "Traceback" in err
