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
