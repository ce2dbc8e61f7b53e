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
