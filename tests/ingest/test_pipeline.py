import pytest

from smm_nb.errors import ExportError


def test_unknown_file_lists_formats_and_header(tmp_path, ingest):
    p = tmp_path / "mystery.csv"
    p.write_text("foo,bar,baz\n1,2,3\n")
    with pytest.raises(ExportError) as e:
        ingest(p)
    msg = str(e.value)
    assert "foo,bar,baz" in msg
    for name in ("x-tweet-activity", "meta-business-suite-content", "tiktok-studio-content",
                 "youtube-studio-table", "linkedin-page", "meta-ads-manager",
                 "facebook-insights-posts", "canonical"):
        assert name in msg


def test_collect_errors_reports_and_continues(tmp_path, fixtures, ingest):
    bad = tmp_path / "tweet_activity_metrics_bad.csv"
    src = (fixtures / "x" / "tweet_activity_metrics_nordwind_20260301_20260401_en.csv").read_text()
    bad.write_text(src.replace('"1215.0"', '"lots"'))
    r = ingest(bad, fixtures / "tiktok" / "Content.csv", collect_errors=True)
    assert not r.ok and len(r.tables["posts"]) == 2
    assert "row 2" in r.errors[0] and "'impressions'" in r.errors[0] and "lots" in r.errors[0]


def test_same_post_twice_later_export_wins(tmp_path, fixtures, ingest):
    src = fixtures / "tiktok" / "Content.csv"
    early = tmp_path / "a.csv"
    early.write_text(src.read_text())
    later = tmp_path / "b.csv"
    later.write_text(src.read_text().replace('"18,400"', '"20,000"').replace(",15000,", ",,"))
    r = ingest(early, later)
    p = r.tables["posts"].set_index("post_id").loc["7412345678901234567"]
    assert p.video_views == 20000  # later export's lifetime metric
    assert p.reach == 15000  # only the earlier export reported it: kept
    assert len(r.tables["posts"]) == 2


def test_typed_fast_path_equals_conform(fixtures):
    """The pipeline's shortcut for already-typed frames gives exactly what conform gives."""
    import pandas as pd

    from smm_nb.ingest import IngestContext, export_files
    from smm_nb.ingest.base import find_adapter, probe_file
    from smm_nb.ingest.pipeline import conform_typed
    from smm_nb.model.schemas import TABLES, conform

    ctx = IngestContext("Europe/Istanbul", "TRY")
    n = 0
    for path in export_files(fixtures):
        probe = probe_file(path)
        out = find_adapter(probe).read(probe, ctx)
        for table, df in out.tables.items():
            df = df.assign(source_file=path.name)
            a = conform(df, TABLES[table], tz=ctx.timezone, source=path.name)
            b = conform_typed(df, TABLES[table], tz=ctx.timezone, source=path.name)
            pd.testing.assert_frame_equal(a, b, check_dtype=True)
            n += 1
    assert n >= 20


@pytest.mark.parametrize("values", [
    ["9", "10", "1", "100", "0", "18000000000", "2", "12", "120", "10"],  # decimal ids
    ["9", "010", "b", None, "A", "ä", "10", "b"],  # text, leading zero, missing
])
def test_merge_sort_keys_order_like_pandas(values):
    """The integer sort keys give exactly pandas' order of the text (missing last)."""
    import numpy as np
    import pandas as pd

    from smm_nb.ingest.pipeline import _sort_keys

    s = pd.Series(values, dtype="string")
    order = np.lexsort(_sort_keys(s)[::-1])
    want = s.sort_values(kind="stable", na_position="last").index.to_numpy()
    assert list(order) == list(want)


def _mbs_files(folder, n=4, rows=30, seed=5):
    """Small Meta Business Suite content exports written like the bench's."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "bench_ingest", Path(__file__).resolve().parents[2] / "bench" / "ingest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.write_files(folder, rows * n, n, seed=seed)


def _rows(path):
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write(path, rows):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _per_file(monkeypatch):
    from smm_nb.ingest.meta_business_suite import MetaBusinessSuiteContent

    monkeypatch.setattr(MetaBusinessSuiteContent, "read_many", None)


def _same(a, b):
    import pandas as pd

    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)
    assert [vars(f) for f in a.files] == [vars(f) for f in b.files]
    assert (a.warnings, a.errors) == (b.warnings, b.errors)


def test_batch_of_one_header_equals_file_by_file(tmp_path, ingest, monkeypatch):
    """Files converted in one pass give exactly what reading them one by one gives:
    tables, reports (rows, skipped, dates), warnings, the later export winning."""
    paths = _mbs_files(tmp_path / "in", rows=600)  # more than the 64 KB head
    # blank lines in one file, and a later export of some of the first file's posts
    paths[1].write_text(paths[1].read_text().replace("\n", "\n\n", 3))
    third = _rows(paths[2])
    third[550][third[0].index("Reach")] = "1,234"  # text in a count column past the head
    third[551][third[0].index("Post ID")] = ""  # blank in the columns read, not in the file
    third[551][third[0].index("Publish time")] = ""
    _write(paths[2], third)
    rows = _rows(paths[0])[:6]
    for r in rows[1:]:
        r[rows[0].index("Likes")] = "9999"
    later = _write(tmp_path / "in" / "zz_later.csv", rows)
    paths.append(later)

    calls = _spy_batches(monkeypatch)
    with pytest.raises(ExportError, match="row 552: column 'post_id'"):
        ingest(*paths, tz="Europe/Berlin")
    assert calls and calls[0] is None  # the batch gave way to file by file
    third[551] = [""] * len(third[0])  # now a truly blank row: skipped
    _write(paths[2], third)
    calls.clear()
    batch = ingest(*paths, tz="Europe/Berlin")
    assert calls and calls[0] is not None  # the batch path was taken
    assert batch.files[2].rows_skipped == 1
    assert batch.files[1].rows_skipped == 3 and "appeared in more than one" in batch.warnings[-1]
    _per_file(monkeypatch)
    _same(batch, ingest(*paths, tz="Europe/Berlin"))


def test_batch_with_a_bad_value_names_its_file_and_row(tmp_path, ingest, monkeypatch):
    paths = _mbs_files(tmp_path / "in")
    rows = _rows(paths[2])
    rows[4][rows[0].index("Shares")] = "0x1F"  # Arrow's integer parser would take it
    _write(paths[2], rows)
    with pytest.raises(ExportError) as e:
        ingest(*paths)
    assert (e.value.row, e.value.column, e.value.value) == (5, "Shares", "0x1F")
    assert paths[2].name in str(e.value)
    batch = ingest(*paths, collect_errors=True)
    assert len(batch.errors) == 1 and paths[2].name in batch.errors[0]
    _per_file(monkeypatch)
    _same(batch, ingest(*paths, collect_errors=True))


def test_duplicated_keys_like_pandas(rng):
    """The hashed duplicate check flags exactly the rows pandas flags."""
    import numpy as np
    import pandas as pd

    from smm_nb.ingest.pipeline import _duplicated

    for n, hi in [(0, 1), (1, 1), (50, 3), (5000, 40), (5000, 10**18)]:
        keys = [rng.integers(0, hi, n).astype(np.int64), rng.integers(0, 3, n).astype(np.int64)]
        want = pd.DataFrame({i: k for i, k in enumerate(keys)}).duplicated(keep=False)
        assert list(_duplicated(keys)) == list(want.to_numpy())


def test_take_text_dictionary_path_equals_take(rng):
    import pyarrow as pa

    from smm_nb.ingest.pipeline import _take_text

    n = 40_000
    few = pa.array(rng.choice(["instagram", "facebook", None, "x"], n), pa.large_string())
    many = pa.array([f"id{i}" for i in rng.permutation(n)], pa.large_string())
    order = pa.array(rng.permutation(n))
    one = pa.array(["instagram"] * n, pa.large_string())
    for arr in (few, many, one, pa.nulls(n, pa.large_string())):
        assert _take_text(arr, order).equals(arr.take(order))


@pytest.mark.parametrize("unit, zone", [("ns", "America/Los_Angeles"), ("s", "UTC"),
                                        ("ns", None)])
def test_spans_per_file_equal_coverage(unit, zone):
    """Per-file date ranges of a batch, from one pass: what _coverage gives per slice."""
    import numpy as np
    import pandas as pd

    from smm_nb.ingest.pipeline import _coverage, _spans

    t = pd.to_datetime(["2024-03-10 03:00", None, "2024-01-01 00:30", "2025-01-01 00:00",
                        None, None]).astype(f"datetime64[{unit}]")
    s = pd.Series(t.tz_localize(zone) if zone else t)
    bounds = np.array([0, 2, 2, 4, 6])  # an empty file and a file of missing times
    want = [(None, None) if a == b else
            _coverage({"posts": s.iloc[a:b].to_frame("published_at")}, "Europe/Berlin")
            for a, b in zip(bounds[:-1], bounds[1:])]
    assert _spans(s, bounds, "Europe/Berlin") == want


def test_batch_of_native_fixtures_equals_file_by_file(tmp_path, fixtures, ingest, monkeypatch):
    """Instagram (BOM, DST edge times, '-' cells) and Facebook (Title and Description,
    a quoted header cell, funded status, labels) content exports, three of each with
    other post ids: the batch gives what reading them one by one gives."""

    paths = []
    for name, enc in [("Nov-01-2026_Nov-20-2026_1234567890.csv", "utf-8-sig"),
                      ("Facebook_content_Nov-01-2026_Nov-20-2026.csv", "utf-8")]:
        src = (fixtures / "meta_business_suite" / name).read_text(encoding=enc)
        header, body = src.split("\n", 1)
        for k in range(3):
            p = tmp_path / f"{k}_{name}"
            p.write_text(header + "\n" + body.replace("180", f"18{k}").replace(
                "1220_", f"122{k}_"), encoding=enc)
            paths.append(p)
    calls = _spy_batches(monkeypatch)
    batch = ingest(*paths)
    assert len(calls) == 2 and all(c is not None for c in calls)
    assert set(batch.tables["posts"].platform) == {"instagram", "facebook"}
    _per_file(monkeypatch)
    _same(batch, ingest(*paths))


def _spy_batches(monkeypatch) -> list:
    """What every call of the pipeline's one-pass batch reader returned (None: declined)."""
    import smm_nb.ingest.pipeline as pipeline

    calls = []
    real = pipeline._read_batch
    monkeypatch.setattr(pipeline, "_read_batch",
                        lambda *a: calls.append(real(*a)) or calls[-1])
    return calls


def test_empty_file_is_called_empty(tmp_path, ingest):
    p = tmp_path / "export.csv"
    p.write_bytes(b"")
    with pytest.raises(ExportError, match="the file is empty"):
        ingest(p)


def test_batch_of_x_tweet_activity_equals_file_by_file(tmp_path, fixtures, ingest,
                                                       monkeypatch):
    """Monthly legacy X exports (own offsets, '215.0' counts, '-' promoted cells)."""
    from smm_nb.ingest.x_twitter import XLegacyPosts

    src = (fixtures / "x" / "tweet_activity_metrics_nordwind_20260301_20260401_en.csv"
           ).read_text()
    header, body = src.split("\n", 1)
    paths = []
    for k in range(3):
        p = tmp_path / f"tweet_activity_metrics_nordwind_2026030{k}_en.csv"
        p.write_text(header + "\n" + body.replace('"17', f'"{k}7'))  # other tweet ids
        paths.append(p)
    calls = _spy_batches(monkeypatch)
    batch = ingest(*paths)
    assert calls and calls[0] is not None and len(batch.tables["posts"]) >= 3
    monkeypatch.setattr(XLegacyPosts, "read_many", None)
    _same(batch, ingest(*paths))
