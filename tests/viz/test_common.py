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


def test_tight_layout_measures_once_with_the_same_result(monkeypatch):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.axes import Axes

    from smm_nb.viz.common import tight_layout

    def chart():
        fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.8))
        im = axes[1].imshow(np.arange(12.0).reshape(3, 4), aspect="auto")
        fig.colorbar(im, ax=axes[1], label="share of peak")
        axes[0].plot([1, 2, 3], [0.01, 0.03, 0.02])
        axes[0].set_ylabel("engagement rate (%)")
        fig.suptitle("A finding as the title", x=0.01, ha="left")
        return fig

    measure = Axes.get_tightbbox
    calls = []
    monkeypatch.setattr(Axes, "get_tightbbox",
                        lambda self, *a, **k: calls.append(self) or measure(self, *a, **k))
    for rect in (None, (0, 0, 1, 0.85), (0, 0.05, 1, 0.92)):
        a, b = chart(), chart()
        a.tight_layout(rect=rect)
        calls.clear()
        tight_layout(b, rect=rect)
        assert [x.get_position().bounds for x in a.axes] == \
            [x.get_position().bounds for x in b.axes]
        assert len(calls) == len(b.axes)  # each Axes measured once (matplotlib: twice with a rect)
        assert all("get_tightbbox" not in vars(ax) for ax in b.axes)
        plt.close(a)
        plt.close(b)


def test_date_ticks_in_turkish():
    import matplotlib.pyplot as plt
    import pandas as pd

    from smm_nb.report.language import Language
    from smm_nb.viz.common import month_axis

    fig, ax = plt.subplots()
    days = pd.date_range("2026-07-01", "2027-02-28", freq="D")
    ax.plot(days, range(len(days)))
    month_axis(ax, Language("tr"))
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0].endswith("2026") and any(lb.startswith("Oca") for lb in labels)
    assert not any(m in " ".join(labels) for m in ("Jan", "Oct", "Dec"))


def test_turkish_number_text():
    t = common.turkish_number_text
    assert [t(s) for s in ("2.5", "−0.4", "0.25×", "×1.5", "12500", "1000", "100", "1e6")] == \
        ["2,5", "−0,4", "0,25×", "×1,5", "12.500", "1.000", "100", "1e6"]


def _chart():
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    fig, (a, b, c, d, e) = plt.subplots(1, 5, figsize=(15, 3))
    a.plot([0, 1, 2], [0.0, 1.3, 2.5])  # matplotlib's own numbers: 0.0, 0.5, ... 2.5
    b.plot([0.3, 3], [0, 1])
    b.set_xscale("log")
    common.ratio_axis(b, "x", 0.3, 3)  # 0.5×, 1×, 2×
    common.percent_axis(c, "y", lang=Language("tr"))
    c.plot([0, 1], [0.0, 0.025])
    days = pd.date_range("2026-07-01", "2026-10-31", freq="D")
    d.plot(days, np.arange(len(days)) * 100.0)  # up to 12,200: thousands (10.000)
    common.month_axis(d, Language("tr"))
    fig.colorbar(e.imshow([[-0.4, 0.4]]), ax=e)
    return fig


def _labels(fig):
    fig.canvas.draw()
    return [[t.get_text() for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
            for ax in fig.axes]


def test_tick_numbers_read_turkish_in_a_turkish_chart():
    import matplotlib.pyplot as plt

    fig = _chart()
    common.finish(fig, lang=Language("tr"))
    a, b, c, d, _, bar = _labels(fig)
    assert "2,5" in a and "0,5" in a and not any("." in s for s in a)
    assert {"0,5×", "1×", "2×"} <= set(b)
    assert "%2" in c and "%1" in c  # already Turkish: left as it was
    assert "10.000" in d and "−5.000" in d and any(s.startswith("Ağu") for s in d)
    assert "−0,4" in bar and "0,0" in bar  # the colour bar too, with matplotlib's minus
    common.finish(fig, lang=Language("tr"))  # a second pass does not wrap twice
    assert _labels(fig)[0] == a
    plt.close(fig)


def test_tick_numbers_of_an_english_chart_are_not_touched():
    import matplotlib.pyplot as plt

    fig = _chart()
    before = [(ax.xaxis.get_major_formatter(), ax.yaxis.get_major_formatter())
              for ax in fig.axes]
    common.finish(fig, lang=Language("en"))
    assert [(ax.xaxis.get_major_formatter(), ax.yaxis.get_major_formatter())
            for ax in fig.axes] == before
    a, b = _labels(fig)[:2]
    assert "2.5" in a and "0.5×" in b
    plt.close(fig)


def test_tick_numbers_follow_the_notebook_language_without_lang():
    import matplotlib.pyplot as plt

    from smm_nb.report import display

    was = display._LANGUAGE
    display.set_language("tr")
    try:
        fig = _chart()
        common.finish(fig)
        assert "2,5" in _labels(fig)[0]
        plt.close(fig)
    finally:
        display.set_language(was)
