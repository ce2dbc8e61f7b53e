import codecs

import numpy as np
import pandas as pd
import pytest

from smm_nb.errors import ExportError
from smm_nb.ingest.base import probe_file
from smm_nb.ingest.readers import (read_table, sniff_delimiter, to_count, to_date, to_number,
                                   to_timestamp)


def _table(tmp_path, data: bytes, name="f.csv", **kw):
    p = tmp_path / name
    p.write_bytes(data)
    return read_table(probe_file(p), **kw)


@pytest.mark.parametrize("enc, bom", [("utf-8", b""), ("utf-8", codecs.BOM_UTF8),
                                      ("utf-16-le", codecs.BOM_UTF16_LE), ("cp1254", b""),
                                      ("cp1252", b"")])
def test_encodings(tmp_path, enc, bom):
    word = "Kış kampanyası" if enc in ("utf-8", "utf-16-le", "cp1254") else "Café Malmö"
    t = _table(tmp_path, bom + f"name,value\n{word},1\n".encode(enc))
    assert t.columns == ["name", "value"]
    assert t.frame["name"].tolist() == [word]


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiter_sniffed(sep):
    assert sniff_delimiter(f'"a{sep}b"{sep}c{sep}d\n1{sep}2{sep}3') == sep


def test_quoted_newlines_blank_lines_and_rows(tmp_path):
    t = _table(tmp_path, b'id,text,n\n1,"two\nlines",5\n\n2,plain,6\n,,\n')
    assert t.frame["text"].tolist() == ["two\nlines", "plain"]
    assert t.skipped == 2  # the empty line and the row of empty cells
    assert list(t.rows) == [2, 4]  # records of the raw file, header = 1


def test_numbers_in_their_many_spellings(tmp_path):
    t = _table(tmp_path, 'v\n215.0\n"1,234"\n-\n\n12.5%\n1.2K\n3\n'.encode())
    got = to_number(t, "v").tolist()
    assert got[:2] == [215.0, 1234.0] and np.isnan(got[2])
    assert got[3:] == [0.125, 1200.0, 3.0]
    assert t.skipped == 1


def test_semicolon_files_use_comma_decimals(tmp_path):
    t = _table(tmp_path, "a;b\n1.234,50;45.000\n2,5;7\n".encode("cp1254"))
    assert to_number(t, "a").tolist() == [1234.5, 2.5]
    assert to_number(t, "b").tolist() == [45000.0, 7.0]


def test_counts_read_215_point_0_and_reject_fractions(tmp_path):
    t = _table(tmp_path, b"n\n215.0\n-\n2.5\n")
    with pytest.raises(ExportError) as e:
        to_count(t, "n")
    assert (e.value.row, e.value.column, e.value.value) == (4, "n", "2.5")
    assert "f.csv" in str(e.value)


def test_bad_number_names_file_row_column_value(tmp_path):
    t = _table(tmp_path, b"id,likes\na,1\nb,lots\n")
    with pytest.raises(ExportError) as e:
        to_number(t, "likes")
    assert (e.value.row, e.value.column, e.value.value) == (3, "likes", "lots")


def test_dates_including_excel_serials(tmp_path):
    t = _table(tmp_path, b'd\n2026-03-01\n3/2/2026\n"Fri, Mar 21, 2025"\nThu Mar 20 2025\n'
                         b'"Apr 29, 2020"\n46113\n')
    got = to_date(t, "d").dt.strftime("%Y-%m-%d").tolist()
    assert got == ["2026-03-01", "2026-03-02", "2025-03-21", "2025-03-20", "2020-04-29",
                   "2026-04-01"]


def test_timestamps_converted_across_dst(tmp_path):
    # US DST starts 2026-03-08 02:00 in Los Angeles; Istanbul has no DST
    t = _table(tmp_path, b"t\n03/08/2026 01:30\n03/08/2026 03:30\n2026-03-29 01:30 +0000\n")
    ts = to_timestamp(t, "t", "America/Los_Angeles", "Europe/Istanbul")
    assert [str(x) for x in ts] == ["2026-03-08 12:30:00+03:00", "2026-03-08 13:30:00+03:00",
                                    "2026-03-29 04:30:00+03:00"]
    # the autumn hour that happens twice is read as its first occurrence (PDT)
    t = _table(tmp_path, b"t\n11/01/2026 01:30\n", name="g.csv")
    assert str(to_timestamp(t, "t", "America/Los_Angeles", "UTC")[0]) == \
        "2026-11-01 08:30:00+00:00"


def test_bad_timestamp_is_reported(tmp_path):
    t = _table(tmp_path, b"t\n2026-01-01 10:00\nsoon\n")
    with pytest.raises(ExportError) as e:
        to_timestamp(t, "t", "UTC", "UTC")
    assert e.value.row == 3 and e.value.value == "soon"


def test_sep_line_and_title_row(tmp_path):
    data = codecs.BOM_UTF16_LE + 'sep=,\n"Reach"\n"Date","Primary"\n"2026-11-01T00:00:00","5"'.encode(
        "utf-16-le")
    t = _table(tmp_path, data, header_row=2)
    assert t.columns == ["Date", "Primary"] and list(t.rows) == [4]
    assert to_date(t, "Date")[0] == pd.Timestamp("2026-11-01")


def test_hashtags_match_findall_and_keep_the_index():
    import re

    import pandas as pd

    from smm_nb.ingest.readers import hashtags

    caps = ["Yeni #kahve_1 #Çay", "plain #a1 #b-c", None, "#x#y", "no tags", "#ğüş #ok",
            "#A #a"] * 3  # repeated captions take the distinct-values path
    s = pd.Series(caps, dtype="string", index=range(100, 100 + len(caps)))
    want = [" ".join("#" + w.lower() for w in re.findall(r"#(\w+)", c)) or None
            if isinstance(c, str) else None for c in caps]
    for sub in (s, s.iloc[[1, 3, 4]], s.iloc[:7]):
        got = hashtags(sub)
        assert list(got.index) == list(sub.index)
        assert [None if pd.isna(v) else v for v in got] == [want[i - 100] for i in sub.index]


@pytest.mark.parametrize("cells", [
    # Pacific: the spring-forward gap (02:30 moves to 03:00) and the autumn hour twice
    ["03/10/2024 02:30", "11/03/2024 01:30", "12/31/2025 23:59", "1/2/2024 3:04"],
    ["03/10/2024 02:30", "2024-11-03 01:30 +0000"],  # a cell with its own offset
    ["2024-03-31 02:30:00", "2024-10-27 02:30:00"],  # another format Arrow reads
    ["03/10/2024 02:30", "-", "11/03/2024 01:30"],  # a missing cell: the general path
    ["03/10/2024 2:30 PM", "11/03/2024 1:30 AM"],  # a format only pandas reads
])
def test_timestamp_fast_path_equals_general(tmp_path, cells):
    """Arrow-backed cells all in one Arrow format take a shortcut that gives exactly
    what the general path (object cells) gives, DST gap and repeated hour included."""
    from smm_nb.ingest.readers import RawTable

    t = _table(tmp_path, ("t\n" + "\n".join(cells) + "\n").encode())
    assert isinstance(t.frame["t"].array, pd.arrays.ArrowStringArray)
    slow = RawTable(t.path, t.frame.astype({"t": object}), t.rows)
    for zone in ("Europe/Berlin", "America/Los_Angeles"):
        fast = to_timestamp(t, "t", "America/Los_Angeles", zone)
        pd.testing.assert_series_equal(fast, to_timestamp(slow, "t", "America/Los_Angeles",
                                                          zone))
    # (a time in the gap moves to the gap's end, 03:00)
    assert str(fast.iloc[0]) in ("2024-03-10 03:00:00-07:00", "2024-03-31 02:30:00-07:00",
                                 "2024-03-10 14:30:00-07:00")


def test_blank_text_equals_strip_then_empty():
    import pyarrow as pa
    import pyarrow.compute as pc

    from smm_nb.ingest.readers import _blank_text

    a = pa.array(["", " ", "\t\n", "x", " x ", "\u00a0", "\u2003", "\ufeff", None],
                 pa.large_string())
    want = pc.equal(pc.binary_length(pc.utf8_trim_whitespace(a)), 0)
    assert _blank_text(a).to_pylist() == want.to_pylist()
