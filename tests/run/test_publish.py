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


def _dead_pid():
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_staging_of_a_killed_run_is_removed_live_and_published_kept(tmp_path):
    import json
    import os
    import time

    from smm_nb.run.publish import OWNER, remove_stale_staging

    client = tmp_path / "acme"
    good = staging_dir(client, "r1")
    _write(good, "good")
    publish(good, client, "r1")
    assert not (client / "r1" / OWNER).exists()  # the owner file is never published
    failed = keep_failed(staging_dir(client, "r0"), client, "r0")

    live, killed, reused, remote = (staging_dir(client, r) for r in ("r2", "r3", "r4", "r7"))
    me = json.loads((live / OWNER).read_text())
    (killed / OWNER).write_text(json.dumps({**me, "pid": _dead_pid()}))
    (reused / OWNER).write_text(json.dumps({**me, "start": "1"}))  # same pid, started anew
    (remote / OWNER).write_text(json.dumps({"pid": 1, "start": "1", "host": "elsewhere"}))
    old_legacy = client / ".run-r5-abc"  # no owner file (older smm-nb), two days old
    old_legacy.mkdir()
    os.utime(old_legacy, (time.time() - 2 * 86400,) * 2)
    new_legacy = client / ".run-r6-abc"  # no owner file yet, just created: maybe starting
    new_legacy.mkdir()

    removed = remove_stale_staging(client)
    assert sorted(p.name for p in removed) == sorted(p.name for p in (killed, reused,
                                                                       old_legacy))
    assert live.is_dir() and new_legacy.is_dir() and remote.is_dir()
    assert (client / "latest" / "report.html").read_text() == "good"
    assert failed.is_dir() and (client / "r1").is_dir()
    later = remove_stale_staging(client, now=time.time() + 2 * 86400)
    assert sorted(p.name for p in later) == sorted([new_legacy.name, remote.name])
    assert live.is_dir()  # a live run is never stale, however old


def test_a_new_run_cleans_up_after_a_killed_one(tmp_path):
    import json

    from smm_nb.run.publish import OWNER

    client = tmp_path / "acme"
    killed = staging_dir(client, "r1")
    (killed / OWNER).write_text(json.dumps({**json.loads((killed / OWNER).read_text()),
                                            "pid": _dead_pid()}))
    work = staging_dir(client, "r2")
    assert not killed.exists() and work.is_dir()
