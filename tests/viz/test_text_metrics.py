"""The cached line metrics give the layout matplotlib itself computes."""
import io

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_svg import RendererSVG

from smm_nb.report.display import figure_svg
from smm_nb.viz import text_metrics
from smm_nb.viz.common import figure, finish
from smm_nb.viz.theme import apply_theme


def _uninstall(monkeypatch):
    for cls in (RendererAgg, RendererSVG):
        if "_get_font_height_metrics" in vars(cls):
            monkeypatch.delattr(cls, "_get_font_height_metrics")


def _chart():
    fig, ax = figure("Instagram: reels engage 1.6× as much as images\non two lines",
                     "public engagements / reach, median of post rates")
    ax.plot([0, 1, 2], [3, 1, 2], label="çok satırlı\netiket")
    ax.set_ylabel("engagement rate (%)", fontsize=11, fontweight="bold")
    ax.set_title("Instagram", fontsize=10, fontstyle="italic")
    ax.text(0.5, 0.5, "a note\nover two lines", fontsize=7, family="serif")
    ax.legend()
    return finish(fig)


def _layouts(fig):
    renderer = fig.canvas.get_renderer()
    return [(box.bounds, lines) for box, lines, _ in
            (t._get_layout(renderer) for t in fig.findobj(matplotlib.text.Text)
             if t.get_text())]


def test_layouts_and_pictures_are_those_of_matplotlib(monkeypatch):
    if not text_metrics.install():
        pytest.skip(f"matplotlib {matplotlib.__version__} is not one the cache was checked on")
    apply_theme()
    cached = _chart()
    ours = (_layouts(cached), figure_svg(cached))
    _uninstall(monkeypatch)
    plain = _chart()
    assert (_layouts(plain), figure_svg(plain)) == ours
    plt.close("all")


def test_svg_of_savefig_is_unchanged(monkeypatch):
    if not text_metrics.install():
        pytest.skip(f"matplotlib {matplotlib.__version__} is not one the cache was checked on")
    apply_theme()

    def svg():
        fig = _chart()
        out = io.StringIO()
        with matplotlib.rc_context({"svg.hashsalt": "x"}):
            fig.savefig(out, format="svg", metadata={"Date": None})
        return out.getvalue()

    ours = svg()
    _uninstall(monkeypatch)
    assert svg() == ours


def test_other_matplotlib_versions_are_left_alone(monkeypatch):
    _uninstall(monkeypatch)
    monkeypatch.setattr(matplotlib, "__version__", "3.12.0")
    assert not text_metrics.install()
    assert not hasattr(RendererAgg, "_get_font_height_metrics")
