"""manifest.json: relative input names, content hashes, a fingerprint that follows content."""
from pathlib import Path

from smm_nb.model.workspace import load_client
from smm_nb.run.manifest import build_manifest, fingerprint, input_hashes, package_versions

ROOT = Path(__file__).resolve().parents[2]


def test_input_hashes_are_relative_and_follow_content(data_dir):
    ws = load_client("kahve-kosesi", data_dir)
    nbs = {"01_audit": ROOT / "notebooks" / "01_audit.ipynb"}
    hashes = input_hashes(ws, nbs)
    assert "client.yaml" in hashes and "notebooks/01_audit.ipynb" in hashes
    assert any(k.startswith("exports/") for k in hashes)
    assert not any(str(data_dir) in k or k.startswith("/") for k in hashes)
    before = fingerprint(hashes)
    assert fingerprint(input_hashes(ws, nbs)) == before  # same inputs, same fingerprint
    cfg = ws.config_path
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert fingerprint(input_hashes(ws, nbs)) != before


def test_manifest_has_versions_and_timings():
    m = build_manifest(client="c", run_id="r", status="ok", parameters={"client": "c"},
                       hashes={"client.yaml": "ab"}, notebooks=[{"notebook": "x", "seconds": 1}],
                       started="s", finished="f", executor="local", kernels="fresh")
    assert m["inputs"]["fingerprint"] == fingerprint({"client.yaml": "ab"})
    assert {"python", "pandas", "papermill"} <= set(m["versions"])
    assert package_versions()["pandas"]
