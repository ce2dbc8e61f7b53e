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
