import hashlib

import pandas as pd
import pytest

from smm_nb.errors import ClientNotFound, ConfigError, ExportError
from smm_nb.model.workspace import Workspace, load_client


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_tables_load_and_raw_exports_are_untouched(data_dir):
    ws = load_client("nordwind-shop", data_dir)
    before = _hashes(ws.exports_dir)
    posts = ws.posts
    assert set(posts.platform.unique()) == {"instagram", "facebook", "x", "tiktok"}
    assert str(posts.published_at.dt.tz) == "Europe/Berlin"
    assert _hashes(ws.exports_dir) == before


def test_cache_is_reused_and_refreshed_on_change_add_remove(data_dir):
    ws = load_client("kahve-kosesi", data_dir)
    n = len(ws.posts)
    digest = ws.inputs_digest()
    assert (ws.cache_root / digest / "complete").is_file()
    # reused: a second workspace reads the parquet cache
    assert len(load_client("kahve-kosesi", data_dir).posts) == n

    posts_csv = ws.exports_dir / "posts.csv"
    df = pd.read_csv(posts_csv, dtype=str)
    df.iloc[:10].to_csv(posts_csv, index=False)  # change
    ws2 = load_client("kahve-kosesi", data_dir)
    assert ws2.inputs_digest() != digest and len(ws2.posts) == 10

    extra = df.iloc[10:15].copy()
    extra.to_csv(ws.exports_dir / "more_posts.csv", index=False)  # add
    assert len(load_client("kahve-kosesi", data_dir).posts) == 15

    (ws.exports_dir / "more_posts.csv").unlink()  # remove
    assert len(load_client("kahve-kosesi", data_dir).posts) == 10
    assert len([p for p in ws.cache_root.iterdir() if p.is_dir()]) == 1  # old caches pruned


def test_overlapping_exports_keep_later_values(data_dir):
    ws = Workspace("kahve-kosesi", data_dir)
    df = pd.read_csv(ws.exports_dir / "posts.csv", dtype=str)
    later = df.sort_values("published_at").tail(3).copy()  # a later export reaches later
    later["likes"] = "999"
    later.to_csv(ws.exports_dir / "posts_again.csv", index=False)
    posts = load_client("kahve-kosesi", data_dir).posts
    assert len(posts) == len(df)
    assert (posts.set_index("post_id").loc[later.post_id, "likes"] == 999).all()


def test_unknown_client(data_dir):
    with pytest.raises(ClientNotFound, match="no such client .*known clients: kahve-kosesi"):
        load_client("nope", data_dir)


def test_missing_exports_folder(data_dir):
    import shutil

    shutil.rmtree(data_dir / "clients" / "ledgerline" / "exports")
    with pytest.raises(ConfigError, match="exports folder is missing"):
        load_client("ledgerline", data_dir).posts


def test_export_missing_required_column_names_file_and_column(data_dir):
    p = data_dir / "clients" / "ledgerline" / "exports" / "spend.csv"
    df = pd.read_csv(p, dtype=str).drop(columns=["campaign"])
    df.to_csv(p, index=False)
    with pytest.raises(ExportError) as e:
        load_client("ledgerline", data_dir).tables()
    assert (e.value.path, e.value.column) == ("spend.csv", "campaign")
    assert str(e.value).startswith("spend.csv: column 'campaign': missing required column")


def test_release_forgets_tables_and_reloads_the_same_from_cache(data_dir):
    ws = load_client("nordwind-shop", data_dir)
    before = ws.posts
    ws.release()
    assert ws._tables is None
    pd.testing.assert_frame_equal(ws.posts, before)


def test_export_digests_are_remembered_by_stat_and_redone_on_change(data_dir, monkeypatch):
    import os

    from smm_nb.model import workspace as wsmod
    from smm_nb.model.workspace import file_digest

    ws = load_client("nordwind-shop", data_dir)
    first = ws.export_digests()
    assert first == {p.relative_to(ws.exports_dir).as_posix(): file_digest(p)
                     for p in ws.export_paths()}
    calls = []
    monkeypatch.setattr(wsmod, "file_digest", lambda p: calls.append(p) or file_digest(p))
    fresh = load_client("nordwind-shop", data_dir)  # another process would see the same
    assert fresh.export_digests() == first and calls == []

    # same size, new content and time: hashed again, and the cache key follows
    target = ws.exports_dir / "spend.csv"
    text = target.read_text(encoding="utf-8")
    digest = fresh.inputs_digest()
    target.write_text(text.replace("2026-", "2027-", 1), encoding="utf-8")
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    again = load_client("nordwind-shop", data_dir).export_digests()
    assert calls == [target] and again["spend.csv"] != first["spend.csv"]
    assert load_client("nordwind-shop", data_dir).inputs_digest() != digest


def test_cache_build_leaves_other_writers_alone_and_replaces_a_damaged_cache(data_dir):
    import os
    import time

    ws = Workspace("ledgerline", data_dir)
    ws.cache_root.mkdir(parents=True)
    writing = ws.cache_root / ".tmp-other-process"  # another process writing right now
    writing.mkdir()
    abandoned = ws.cache_root / ".tmp-killed-writer"
    abandoned.mkdir()
    os.utime(abandoned, (time.time() - 7200,) * 2)
    damaged = ws.cache_root / ws.inputs_digest()  # a folder never completed
    damaged.mkdir()
    (damaged / "posts.parquet").write_text("half")

    n = len(ws.posts)
    assert (damaged / "complete").is_file()
    assert writing.is_dir() and not abandoned.exists()
    assert len(Workspace("ledgerline", data_dir).posts) == n  # read back from the cache


def test_validate_leaves_a_cache_the_notebooks_read(data_dir, monkeypatch):
    import shutil

    from smm_nb.model.workspace import Workspace, load_client
    from smm_nb.validate import validate_client

    shutil.rmtree(data_dir / "cache", ignore_errors=True)
    report = validate_client("kahve-kosesi", data_dir)
    assert report.ok

    def no_second_read(self, collect_errors=False):
        raise AssertionError("exports read again after validate")

    monkeypatch.setattr(Workspace, "ingest", no_second_read)
    posts = load_client("kahve-kosesi", data_dir).posts
    assert len(posts) == report.tables["posts"]["rows"] > 0
