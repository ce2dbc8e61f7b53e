"""Chart helpers: wrapped titles, translated definitions."""
from __future__ import annotations

from smm_nb.analysis.metrics import definition
from smm_nb.report.language import Language
from smm_nb.viz import common


def test_definition_is_translated_for_turkish():
    d = definition("followers", "median")
    tr = common.defn(d, Language("tr"))
    assert "takipçi" in tr and "medyan" in tr
    assert common.defn(d, Language("en")) == d


def test_long_titles_wrap():
    fig, _ = common.figure("word " * 60, "note " * 80)
    assert "\n" in fig._suptitle.get_text()
    common.finish(fig)


def test_format_table_by_hand():
    import numpy as np
    import pandas as pd

    df = pd.DataFrame({"name": ["<b>a</b>", "b"], "rate": [0.0446, np.nan], "rr": [1.6734, 2.0],
                       "hours": [2.345, 1.0], "n": [3, 4]})
    tr = common.format_table(df, Language("tr"), percent=["rate"], ratio=["rr"],
                             digits={"hours": 1})
    assert list(tr["rate"]) == ["%4,46", "–"]  # Turkish puts the sign first
    assert list(tr["rr"]) == ["1,67×", "2,00×"]
    assert list(tr["hours"]) == ["2,3", "1,0"]
    assert list(tr["n"]) == [3, 4] and tr.loc[0, "name"] == "<b>a</b>"
    assert df.loc[0, "rate"] == 0.0446  # the input is not changed
