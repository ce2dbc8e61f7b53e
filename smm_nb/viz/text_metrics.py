"""Faster text layout for the report's charts: each font's line metrics read once.

matplotlib 3.11 lays out every text (each tick label, at each layout, measuring and
drawing pass) by looking its font up again and reading two of the font file's tables
(``Text._get_layout``): about 60 µs a text, ~5% of a chart-heavy notebook. It asks the
renderer first (``renderer._get_font_height_metrics``, the hook the PDF and PS backends
use for their built-in fonts); here the Agg and SVG renderers answer from a cache with
the very numbers matplotlib would compute (tests/viz/test_text_metrics.py compares).
"""
from __future__ import annotations

import functools

import matplotlib

#: The matplotlib versions whose ``Text._get_layout`` has been checked against this.
CHECKED = ((3, 11),)


@functools.lru_cache(maxsize=256)
def _line_metrics(prop, dpi: float) -> tuple[float | None, float | None, float | None]:
    from matplotlib.font_manager import fontManager, get_font

    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap, ascent, descent in (
            ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
            ("hhea", "lineGap", "ascent", "descent")):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() \
            * dpi / 72
        return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None


def _agg_metrics(self, prop):
    return _line_metrics(prop.copy(), float(self.dpi))


def _svg_metrics(self, prop):
    return _line_metrics(prop.copy(), 72.0)  # an SVG is laid out at 72 dpi


def install() -> bool:
    """Let the Agg and SVG renderers answer line metrics from the cache, on the
    matplotlib versions in :data:`CHECKED`; returns whether it did."""
    version = tuple(int(p) for p in matplotlib.__version__.split(".")[:2] if p.isdigit())
    if version not in CHECKED:
        return False
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_svg import RendererSVG

    RendererAgg._get_font_height_metrics = _agg_metrics
    RendererSVG._get_font_height_metrics = _svg_metrics
    return True
