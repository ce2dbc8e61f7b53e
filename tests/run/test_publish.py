"""Atomic publish: a good run replaces nothing until complete; a failed run touches nothing good."""
from smm_nb.run.publish import keep_failed, latest_run, publish, staging_dir


def _write(folder, text):
    (folder / "report.html").write_text(text)


def test_publish_then_failed_run_leaves_latest(tmp_path):
    client = tmp_path / "acme"
    work = staging_dir(client, "r1")
    assert work.parent == client and work.name.startswith(".run-r1-")
    _write(work, "good")
    dest = publish(work, client, "r1")
    assert dest == client / "r1" and not work.exists()
    assert (client / "latest").is_symlink() and latest_run(client) == dest.resolve()
    assert (client / "latest" / "report.html").read_text() == "good"

    bad = staging_dir(client, "r2")
    _write(bad, "partial")
    kept = keep_failed(bad, client, "r2")
    assert kept == client / "failed" / "r2"
    assert (client / "latest" / "report.html").read_text() == "good"
    assert sorted(p.name for p in client.iterdir()) == ["failed", "latest", "r1"]


def test_republishing_same_run_id_replaces_it(tmp_path):
    client = tmp_path / "acme"
    for text in ("one", "two"):
        work = staging_dir(client, "r1")
        _write(work, text)
        publish(work, client, "r1")
    assert (client / "latest" / "report.html").read_text() == "two"
    assert sorted(p.name for p in client.iterdir()) == ["latest", "r1"]


def test_latest_run_none_without_a_good_run(tmp_path):
    assert latest_run(tmp_path / "nobody") is None
