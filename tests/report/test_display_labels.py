"""Tables in the report: escaped, headers humanised, Turkish words and number formats."""
import pandas as pd
import pytest

from smm_nb.report import display
from smm_nb.report.display import localize_table, table_html


@pytest.fixture(autouse=True)
def _english_again():
    yield
    display.set_language("en")


def _frame():
    return pd.DataFrame({"platform": ["instagram"], "share_of_posts": [1234.5],
                         "p_value": [0.000123], "status": ["watch"], "text": ["no"],
                         "paid": [True]})


def test_english_headers_are_humanised_and_numbers_grouped():
    out = localize_table(_frame(), "en")
    assert list(out.columns) == ["Platform", "Share of posts", "P value", "Status", "Text", "Paid"]
    assert out.iloc[0, 1] == "1,234.5" and out.iloc[0, 2] == "0.00012"


def test_turkish_headers_words_and_numbers():
    out = localize_table(_frame(), "tr")
    assert list(out.columns)[:4] == ["Platform", "Gönderi payı", "P değeri", "Durum"]
    row = out.iloc[0].tolist()
    assert row[1] == "1.234,5" and row[2] == "0,00012"
    assert row[3] == "izle" and row[5] == "evet"
    assert row[4] == "no"  # free text (captions) is never translated


def test_untrusted_text_is_escaped_in_both_languages():
    for code in ("en", "tr"):
        display.set_language(code)
        df = pd.DataFrame({"text": ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]})
        markup = table_html(df).markup
        assert "<script>" not in markup and "<img" not in markup
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup


def _tricky_frames():
    import datetime as dt

    import numpy as np

    text = ["<script>alert(1)</script>", "a & b > c", " padded ", "line\nbreak\tand\rtab",
            "", "–", "\u00a0nbsp\u2003", "'quotes' \"too\"", "Çalışan ürün", "x" * 300]
    n = len(text)
    yield pd.DataFrame({"text": text, "status": ["watch", "act"] * (n // 2),
                        "paid": [True, False] * (n // 2), "posts": np.arange(n) - 3,
                        "rate": np.linspace(-0.004, 1234.5, n)})
    yield pd.DataFrame({"platform": pd.array(["instagram", None] * (n // 2), dtype="str"),
                        "n": pd.array([1, None] * (n // 2), dtype="Int64"),
                        "value": [np.nan, 0.5] * (n // 2), "empty": [""] * n,
                        "day": [dt.date(2026, 1, 1 + i) for i in range(n)],
                        "mixed": [None, "yes", 3, True, np.int64(7)] * (n // 5)})
    yield pd.DataFrame({"note": ["–", None]})  # the only column is kept, empty or not
    yield pd.DataFrame({"when": pd.to_datetime(["2026-01-01", None]), "x": [1.0, 2.0]})
    yield pd.DataFrame({"as float": pd.Series([0.1234567, "a"], dtype=object)})
    yield pd.DataFrame(columns=["a", "b"])
    yield pd.DataFrame({" spaced header ": [1], "two\nlines": [2]})


@pytest.mark.parametrize("language", ["en", "tr"])
def test_tables_written_from_lists_are_those_of_pandas(language, monkeypatch):
    monkeypatch.delenv(display.CHECK_TABLES_ENV, raising=False)
    display.set_language(language)
    fast = 0
    for df in _tricky_frames():
        ours = display._table_html_fast(df)
        if ours is not None:  # None: pandas writes it (dates and times, floats in text)
            fast += 1
            assert ours == display._table_html_pandas(df, False), df.columns.tolist()
        assert table_html(df).markup == display._table_html_pandas(df, False)
    assert fast >= 3


def test_tables_are_checked_against_pandas_in_the_test_suite(monkeypatch):
    monkeypatch.setenv(display.CHECK_TABLES_ENV, "1")
    df = pd.DataFrame({"status": ["watch"]})
    table_html(df)  # equal: fine
    monkeypatch.setattr(display, "_table_html_fast", lambda df: "<table>other</table>")
    with pytest.raises(ValueError, match="differs from pandas"):
        table_html(df, caption="Scorecard")
