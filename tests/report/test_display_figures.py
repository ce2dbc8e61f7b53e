"""Charts in the report: drawn once as SVG, cropped as ``savefig(bbox_inches="tight")`` crops."""
import io
import re
import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from smm_nb.report import display
from smm_nb.report.display import figure_alt, figure_svg
from smm_nb.report.html import render_output, sanitize
from smm_nb.viz.common import figure, finish, month_axis, percent_axis
from smm_nb.viz.theme import apply_theme

SVG = "{http://www.w3.org/2000/svg}"


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


def _size(svg: str) -> tuple[float, float]:
    root = ET.fromstring(svg.encode("utf-8"))
    return tuple(float(root.get(k).removesuffix("pt")) for k in ("width", "height"))


def _tight_size(fig) -> tuple[float, float]:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight")
    return _size(out.getvalue())


def _assert_same_crop(ours, savefigs):
    """The crop is measured with Agg's (hinted) text metrics, savefig's with the SVG
    renderer's: hinted text is up to ~0.5% wider. Never clip (not smaller than savefig's
    box by more than a pixel), never more than 1% larger."""
    for a, b in zip(ours, savefigs):
        assert b - 1.0 <= a <= b * 1.01 + 1.0, (ours, savefigs)


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_svg_has_the_tight_crop_of_savefig():
    fig = _chart()
    fig._smm_laid_out = False  # any figure that smm_nb did not lay out is measured
    svg = figure_svg(fig)
    _assert_same_crop(_size(svg), _tight_size(fig))
    root = ET.fromstring(svg.encode("utf-8"))
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    assert (w, h) == pytest.approx(_size(svg), abs=0.01)
    plt.close(fig)


def test_text_stays_text_escaped_and_with_a_fallback_font():
    fig = _chart(title="Instagram: <script>alert(1)</script> & reels")
    svg = figure_svg(fig)
    plt.close(fig)
    assert "<script>" not in svg and "&lt;script&gt;" in svg  # XML-escaped by matplotlib
    texts = _texts(svg)
    assert "Instagram: <script>alert(1)</script> & reels" in texts  # as text, not markup
    assert "engagement rate (%)" in texts
    families = set(re.findall(r"font-family: ?([^;\"]+)", svg))
    assert families == {"'DejaVu Sans'" + display.FONT_FALLBACK}


def test_the_same_figure_gives_the_same_bytes():
    a, b = _chart(), _chart()
    assert figure_svg(a) == figure_svg(b)  # no date, fixed ids: reports are reproducible
    plt.close(a)
    plt.close(b)


def test_artist_beyond_the_edge_is_kept_in_the_crop():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    fig.text(1.3, 0.5, "a note placed right of the figure")  # widens the tight box
    svg = figure_svg(fig)
    w, h = _size(svg)
    assert w > 4 * 72
    _assert_same_crop((w, h), _tight_size(fig))
    assert "a note placed right of the figure" in _texts(svg)
    plt.close(fig)


def test_constrained_layout_figure_is_laid_out_before_the_crop():
    fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
    ax.bar(["a", "b"], [1, 2])
    ax.set_xlabel("format")
    expected = _tight_size(fig)
    fig2, ax2 = plt.subplots(figsize=(5, 3), layout="constrained")
    ax2.bar(["a", "b"], [1, 2])
    ax2.set_xlabel("format")
    _assert_same_crop(_size(figure_svg(fig2)), expected)
    plt.close(fig)
    plt.close(fig2)


def test_empty_figure_shows_nothing():
    fig = plt.figure()
    assert figure_svg(fig) is None
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


def test_show_publishes_the_svg_with_its_title_and_closes_the_figure(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display",
                        lambda obj, raw=False: shown.append((obj, raw)))
    fig = _chart()
    expected = figure_svg(fig)
    display.show(fig)
    (bundle, raw), = shown
    assert raw and bundle["image/svg+xml"] == expected
    # the title is untrusted-ish text: it reaches HTML only through the exporter's escaping
    assert bundle["text/plain"] == "Instagram: <b>reels</b> engage 1.6× as much"
    assert not plt.fignum_exists(fig.number)


def test_report_embeds_the_svg_as_an_image_with_escaped_alt_text():
    fig = _chart()
    svg = figure_svg(fig)
    plt.close(fig)
    out = render_output({"output_type": "display_data",
                         "data": {"image/svg+xml": svg, "text/plain": "<b>reels</b> \"x\""}})
    assert sanitize(out) == out  # passes the report's allow-list unchanged
    assert out.startswith('<img alt="&lt;b&gt;reels&lt;/b&gt; &quot;x&quot;" '
                          'src="data:image/svg+xml;base64,')
    assert "<svg" not in out  # never inline: inside <img> an SVG runs no script


def test_tight_layout_charts_leave_no_empty_title_band():
    """finish() keeps room for the title and note once (matplotlib would add the title's
    height a second time)."""
    fig = _chart()
    top_of_axes = fig.axes[0].get_position().y1 * fig.get_figheight()
    room = fig._smm_top * fig.get_figheight()
    # only tight_layout's own padding (~0.15 in) between the room's edge and the axes;
    # with the title counted twice it was ~0.35 in more
    assert room - 0.25 < top_of_axes <= room
    plt.close(fig)


def test_a_laid_out_chart_is_drawn_once(monkeypatch):
    """savefig draws a figure with a layout engine twice (a dry run to lay it out); the
    chart is laid out already, so it is drawn once."""
    import functools

    from matplotlib.backends.backend_svg import FigureCanvasSVG

    calls = []
    draw = FigureCanvasSVG.print_svg

    @functools.wraps(draw)
    def counted(self, *args, **kwargs):
        calls.append(1)
        return draw(self, *args, **kwargs)

    monkeypatch.setattr(FigureCanvasSVG, "print_svg", counted)
    fig = _chart()
    engine = fig.get_layout_engine()
    assert engine is not None  # tight_layout leaves a placeholder engine
    figure_svg(fig)
    assert len(calls) == 1
    assert fig.get_layout_engine() is engine  # put back
    plt.close(fig)


def test_a_chart_laid_out_to_fit_is_shown_unmeasured_and_checked_in_tests(monkeypatch):
    from smm_nb.report.display import CHECK_FIT_ENV

    def chart(note_x):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], [0, 1])
        fig.subplots_adjust(left=0.2, bottom=0.2)
        fig.text(note_x, 0.5, "a note")
        fig._smm_fits = True  # as viz.improvement._layout marks its charts
        return fig

    monkeypatch.delenv(CHECK_FIT_ENV, raising=False)
    fig = chart(0.5)
    assert _size(figure_svg(fig)) == (288.0, 216.0)  # the whole 4 x 3 in figure
    monkeypatch.setenv(CHECK_FIT_ENV, "1")
    assert _size(figure_svg(chart(0.5))) == (288.0, 216.0)  # checked, and shown the same
    with pytest.raises(ValueError, match="laid out to fit its 4 x 3 in figure"):
        figure_svg(chart(0.95))  # "a note" reaches beyond the right edge
    plt.close("all")


def test_a_tight_layout_chart_is_shown_whole_without_measuring(monkeypatch):
    from matplotlib.figure import Figure

    from smm_nb.report.display import CHECK_FIT_ENV

    monkeypatch.delenv(CHECK_FIT_ENV, raising=False)
    fig = _chart()
    assert fig._smm_laid_out
    measured = []
    monkeypatch.setattr(Figure, "get_tightbbox",
                        lambda self, *a, **k: measured.append(1) or 1 / 0)
    svg = figure_svg(fig)
    assert measured == []  # tight_layout has kept the axes inside: not measured again
    assert _size(svg) == pytest.approx((7.5 * 72, 3.8 * 72))  # the figure, tight_layout's
    assert "engagement rate (%)" in _texts(svg)                # padding as its margin
    plt.close(fig)


def test_a_tight_layout_chart_is_widened_to_a_title_longer_than_the_figure():
    apply_theme()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title much longer than this small figure is wide, on purpose")
    finish(fig)
    w, h = _size(figure_svg(fig))
    assert w > 3 * 72  # the title is not cut off at the figure's edge
    tight = _tight_size(fig)[0]
    assert tight - 1 <= w <= tight + 0.4 * 72  # the figure's left margin kept, padded
    assert h >= 2 * 72
    plt.close(fig)


def test_tests_catch_a_tight_layout_chart_whose_content_is_cut_off(monkeypatch):
    from smm_nb.report.display import CHECK_FIT_ENV

    fig = _chart()
    # a line drawn unclipped far outside the axes: tight_layout and the texts it does
    # not place miss it, the full measurement of the test suite does not
    fig.axes[0].plot([0, 1], [0, 5], transform=fig.axes[0].transAxes, clip_on=False)
    monkeypatch.delenv(CHECK_FIT_ENV, raising=False)
    figure_svg(fig)  # reports show the figure as laid out
    monkeypatch.setenv(CHECK_FIT_ENV, "1")
    with pytest.raises(ValueError, match="laid out by tight_layout"):
        figure_svg(fig)
    plt.close(fig)


def test_a_figure_matplotlib_could_not_lay_out_is_measured():
    import warnings

    from smm_nb.viz.common import tight_layout

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.set_ylabel("a y label far too long for a one inch figure\n" * 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tight_layout(fig)
    assert any("tight" in str(w.message).lower() for w in caught)  # passed on
    assert not fig._smm_laid_out
    (w, h), (tw, th) = _size(figure_svg(fig)), _tight_size(fig)
    assert w >= tw - 1 and h >= th - 1  # measured: the label is not cut off
    assert h > 1.5 * 72
    plt.close(fig)
