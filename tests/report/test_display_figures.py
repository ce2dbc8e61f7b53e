"""Charts in the report: drawn once, the same PNG the inline backend would show."""
import base64

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.core.pylabtools import print_figure

from smm_nb.report import display
from smm_nb.report.display import figure_alt, figure_png
from smm_nb.viz.common import figure, finish, month_axis, percent_axis
from smm_nb.viz.theme import apply_theme


def _chart(title="Instagram: <b>reels</b> engage 1.6× as much"):
    apply_theme()
    fig, ax = figure(title, "public engagements / reach, median of post rates")
    days = pd.date_range("2026-01-01", periods=120, freq="D")
    ax.plot(days, np.linspace(0.01, 0.05, len(days)), label="instagram")
    month_axis(ax)
    percent_axis(ax)
    ax.set_ylabel("engagement rate (%)")
    ax.legend(loc="upper left")
    return finish(fig)


def test_png_is_byte_identical_to_the_inline_backend():
    fig = _chart()
    expected = print_figure(fig, "png", bbox_inches="tight")
    plt.close(fig)
    fig = _chart()
    assert figure_png(fig) == expected
    plt.close(fig)


def test_plain_tight_layout_and_colorbar_figures_match_too():
    apply_theme()
    for with_colorbar in (False, True):
        pngs = []
        for render in (lambda f: print_figure(f, "png", bbox_inches="tight"), figure_png):
            fig, ax = plt.subplots(figsize=(7.8, 2.1))
            im = ax.imshow(np.arange(24.0).reshape(4, 6), aspect="auto")
            ax.set_title("Content tests: lift of each arm", loc="left")
            ax.set_yticks(range(4), ["hook_first / standard", "b", "c", "d"])
            if with_colorbar:
                fig.colorbar(im, ax=ax, label="share of peak")
            fig.tight_layout()
            pngs.append(render(fig))
            plt.close(fig)
        assert pngs[0] == pngs[1]


def test_artist_beyond_the_edge_takes_matplotlibs_path():
    pngs = []
    for render in (lambda f: print_figure(f, "png", bbox_inches="tight"), figure_png):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], [0, 1])
        fig.text(1.3, 0.5, "a note placed right of the figure")  # widens the tight box
        pngs.append(render(fig))
        plt.close(fig)
    assert pngs[0] == pngs[1]


def test_constrained_layout_figure_matches():
    pngs = []
    for render in (lambda f: print_figure(f, "png", bbox_inches="tight"), figure_png):
        fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
        ax.bar(["a", "b"], [1, 2])
        ax.set_xlabel("format")
        pngs.append(render(fig))
        plt.close(fig)
    assert pngs[0] == pngs[1]


def test_empty_figure_shows_nothing():
    fig = plt.figure()
    assert figure_png(fig) is None
    plt.close(fig)


def test_alt_text_is_the_title_in_one_line():
    fig = _chart("A long title that states the finding of the chart and wraps onto a second "
                 "line because it is long")
    alt = figure_alt(fig)
    assert "\n" not in alt and alt.startswith("A long title") and alt.endswith("it is long")
    plt.close(fig)
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    assert figure_alt(fig) == "chart"
    plt.close(fig)


def test_show_publishes_the_png_with_its_title_and_closes_the_figure(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display",
                        lambda obj, raw=False: shown.append((obj, raw)))
    fig = _chart()
    expected = print_figure(fig, "png", bbox_inches="tight")
    display.show(fig)
    (bundle, raw), = shown
    assert raw and base64.b64decode(bundle["image/png"]) == expected
    # the title is untrusted-ish text: it reaches HTML only through the exporter's escaping
    assert bundle["text/plain"] == "Instagram: <b>reels</b> engage 1.6× as much"
    assert not plt.fignum_exists(fig.number)
