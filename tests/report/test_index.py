"""The portfolio index: every client, its last good run, the state of its latest attempt."""
import json

from smm_nb.report.index import client_rows, write_index


def _run(folder, status, finished, findings=None, **extra):
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({
        "status": status, "run_id": folder.name, "finished": finished,
        "client_name": "<b>Acme</b>", "parameters": {"language": "tr"}, "currency": "TRY",
        "notebooks": [{"notebook": "04_management_tests", "status": "failed"}]
        if status == "failed" else [], **extra}))
    if findings is not None:
        (folder / "findings.json").write_text(json.dumps(findings))


def test_index_rows_and_escaping(tmp_path):
    acme = tmp_path / "acme"
    _run(acme / "r1", "ok", "2026-11-20T10:00:00", {"notebooks": {"04_management_tests": {
        "findings": [{"key": "roi.roas.all", "value": 5.34, "unit": "ratio",
                      "text": "<script>x</script>"}]}}})
    (acme / "latest").symlink_to("r1")
    _run(acme / "failed" / "r2", "failed", "2026-11-21T10:00:00")
    fine = tmp_path / "fine"
    _run(fine / "r1", "ok", "2026-11-21T10:00:00", {"notebooks": {}})
    (fine / "latest").symlink_to("r1")
    _run(fine / "failed" / "r0", "failed", "2026-11-19T10:00:00")  # older than the good one
    _run(tmp_path / "new" / "failed" / "r1", "invalid", "2026-11-21T10:00:00",
         error="posts.csv: column 'post_id': missing")

    rows = {r["slug"]: r for r in client_rows(tmp_path)}
    assert rows["acme"]["status"] == "failed" and rows["acme"]["good_run"] == "r1"
    assert rows["fine"]["status"] == "ok"
    assert rows["new"]["status"] == "failed" and rows["new"]["good_run"] is None
    html = write_index(tmp_path).read_text()
    assert "&lt;b&gt;Acme&lt;/b&gt;" in html and "<script>" not in html
    assert "5,34×" in html  # headline KPI in the client's language
    assert 'href="acme/latest/report.html"' in html and "post_id" in html
