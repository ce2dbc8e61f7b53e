"""Ticks laid out once per pass: the same pictures, fewer tick layouts."""
import contextlib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axis import Axis

from smm_nb.report.display import figure_svg
from smm_nb.viz import common, ticks_once
from smm_nb.viz.common import figure, finish, month_axis, percent_axis
from smm_nb.viz.theme import apply_theme


def _chart():
    apply_theme()
    fig, (a, b) = figure("Instagram engages most", "public engagements / reach",
                         nrows=1, ncols=2)
    days = pd.date_range("2026-01-01", periods=150, freq="D")
    a.plot(days, np.linspace(0.01, 0.05, len(days)))
    month_axis(a)
    percent_axis(a)
    a.set_title("Instagram", fontsize=10)
    b.barh(["reel vs image", "carousel vs image"], [1.6, 1.2])
    b.set_xlabel("rate ratio")
    return finish(fig)


def _counted(monkeypatch):
    calls = []
    update = Axis._update_ticks

    def counting(self):
        calls.append(self)
        return update(self)
    monkeypatch.setattr(Axis, "_update_ticks", counting)
    return calls


def test_the_same_layout_and_svg_with_fewer_tick_layouts(monkeypatch):
    calls = _counted(monkeypatch)
    ours = _chart()
    once = (len(calls), [ax.get_position().bounds for ax in ours.axes], figure_svg(ours))
    n_ours = len(calls)

    @contextlib.contextmanager
    def every_time(axes):
        yield
    monkeypatch.setattr(ticks_once, "ticks_once", every_time)
    monkeypatch.setattr(common, "ticks_once", every_time)
    calls.clear()
    plain = _chart()
    again = ([ax.get_position().bounds for ax in plain.axes], figure_svg(plain))
    assert again == once[1:]
    assert n_ours * 2 < len(calls)  # ~4 tick layouts per axis and pass, now 1
    plt.close("all")


def test_nothing_is_kept_after_the_pass():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    with ticks_once.ticks_once(fig.axes):
        first = ax.xaxis._update_ticks()
        assert ax.xaxis._update_ticks() is first
    assert "_update_ticks" not in vars(ax.xaxis)
    ax.set_xlim(0, 100)
    labels = [t.label1.get_text() for t in ax.xaxis._update_ticks()]
    assert "100" in labels  # the new limits' ticks
    plt.close(fig)
