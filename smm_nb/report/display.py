"""``show``: put a result, table, chart or sentence into the notebook, safely.

All text that may come from an export (captions, names, hashtags) is escaped here:
tables go through ``DataFrame.to_html(escape=True)`` and sentences through
``html.escape``, so a caption ``<script>`` shows as text in the report.
"""
from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

from smm_nb.report.phrases import translate_generated
from smm_nb.report.table_labels import header_label, value_label

#: The report language of the current notebook (set by ``open_notebook``).
_LANGUAGE = "en"


def set_language(code: str) -> None:
    """Make tables shown from now on use ``code``'s headers and words."""
    global _LANGUAGE
    _LANGUAGE = code


#: Columns holding the client's own words (post texts, names, links): shown as written.
_CLIENT_TEXT = {"text", "caption", "handle", "name", "account", "campaign", "source_file", "url",
                "profile_url", "hypothesis"}
# Every other text column was written by the workbook: a whole cell that is a known word
# is translated, else its known phrases (``report/phrases.py``); citations and names
# inside a sentence are kept.


def _number(v: float, language: str) -> str | None:
    """Locale-aware: ``1,234.5`` / ``1.234,5``; small values keep two significant digits
    (a p-value of 0.00012 must not print as 0)."""
    import math

    from babel.numbers import format_decimal

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    locale = "tr_TR" if language == "tr" else "en_US"
    if not math.isfinite(v):
        return str(v)
    if v != 0 and abs(v) < 0.01:
        return format_decimal(float(f"{v:.2g}"), format="0.##########", locale=locale)
    return format_decimal(round(v, 3), format="#,##0.###", locale=locale)


def localize_table(df: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """Headers humanised and translated, known one-word cells translated (a new frame)."""
    language = language or _LANGUAGE
    columns = {}
    for i, name in enumerate(df.columns):
        col = df.iloc[:, i]
        wordy = col.dtype == object or pd.api.types.is_string_dtype(col.dtype) \
            or pd.api.types.is_bool_dtype(col.dtype)
        if wordy and str(name) not in _CLIENT_TEXT:
            col = col.astype(object).map(lambda v: value_label(v, language))
        elif pd.api.types.is_float_dtype(col.dtype):
            col = col.map(lambda v: _number(v, language))
        columns[i] = col
    out = pd.DataFrame(columns, index=df.index)
    # pd.NA and None in text columns print as the table's dash, never as "<NA>" or "None"
    # (to_html's na_rep covers float NaN and NaT only)
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype) \
                or pd.api.types.is_extension_array_dtype(col.dtype):
            out.isetitem(i, col.astype(object).where(col.notna(), "–"))
    if isinstance(df.columns, pd.MultiIndex):
        out.columns = df.columns.map(lambda t: tuple(header_label(x, language) for x in t))
    else:
        out.columns = [header_label(c, language) for c in df.columns]
    if df.index.name is not None:
        out.index.name = header_label(df.index.name, language)
    return out


def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # outside IPython: print a plain version
        print(obj)
        return
    display(obj)


def figure_alt(fig) -> str:
    """The chart's text alternative: its title (which states the finding)."""
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    if not title and fig.axes:
        title = fig.axes[0].get_title(loc="left") or fig.axes[0].get_title()
    return " ".join(title.split()) or "chart"


#: What a browser without DejaVu Sans (the charts' font) should use instead: Verdana has
#: nearly the same widths, so labels measured with DejaVu still fit.
FONT_FALLBACK = ", Verdana, 'Bitstream Vera Sans', sans-serif"
_SVG_ROOT = re.compile(r'<svg ([^>]*?)width="[^"]*" height="[^"]*" viewBox="[^"]*"')
_FONT_FAMILY = re.compile(r"(font-family: ?)('DejaVu Sans'|DejaVu Sans)(?=[;\"])")


def figure_svg(fig) -> str | None:
    """The chart as SVG text, cropped to its content as ``savefig(bbox_inches="tight")``
    crops; ``None`` for an empty figure (as the inline backend shows nothing).

    Why SVG and not the inline backend's PNG: text stays text (sharp on a phone and in
    print, searchable, 2-3x smaller files), and it costs about half as much: no glyph
    rasterising and no PNG compression. Why not ``bbox_inches="tight"``: that draws the
    whole figure twice. Here the tight box is measured once on the figure's own Agg
    renderer (whose text sizes ``tight_layout`` has already cached), the figure is drawn
    once as SVG, and the crop is the root element's ``viewBox``; content beyond the
    figure's edge (a legend outside the axes) is kept, as savefig keeps it.

    Output is deterministic: no date in the metadata, element ids from a fixed salt. Text
    reaches the SVG through matplotlib's XML escaping; the report shows it in an ``<img>``,
    where an SVG can neither run scripts nor load anything.
    """
    import io

    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    if not fig.axes and not fig.lines and not fig.texts:
        return None
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    engine = fig.get_layout_engine()
    if engine is not None:
        if not isinstance(engine, PlaceHolderLayoutEngine):
            engine.execute(fig)  # lay out before measuring, as savefig's draw would
        # with any layout engine set (tight_layout leaves a placeholder) savefig draws
        # the whole figure once more first, to lay it out: it is laid out already.
        # set_layout_engine("none") would leave a placeholder, hence the attribute.
        fig._layout_engine = None
    try:
        box = _crop_box(fig, canvas)
        out = io.StringIO()
        with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "smm-nb",
                             "savefig.bbox": "standard"}):
            fig.savefig(out, format="svg", metadata={"Date": None},
                        facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor())
    finally:
        if engine is not None:
            fig._layout_engine = engine
    svg = out.getvalue()
    height = fig.bbox_inches.height * 72  # SVG user units are points, y downwards
    x, y, w, h = box.x0 * 72, height - box.y1 * 72, box.width * 72, box.height * 72
    svg = _SVG_ROOT.sub(lambda m: f'<svg {m.group(1)}width="{w:.2f}pt" height="{h:.2f}pt" '
                                  f'viewBox="{x:.2f} {y:.2f} {w:.2f} {h:.2f}"', svg, count=1)
    return _FONT_FAMILY.sub(lambda m: m.group(1) + "'DejaVu Sans'" + FONT_FALLBACK, svg)


#: Set (to anything) to measure charts laid out to fit their figure anyway, and fail if
#: their content reaches beyond it (the test suite sets it for every notebook it runs).
CHECK_FIT_ENV = "SMM_NB_CHECK_CHART_FIT"


def _crop_box(fig, canvas):
    """The part of ``fig`` to show, in inches.

    - A chart laid out with margins known to hold its labels (``fig._smm_fits``, see
      ``viz.improvement._layout``): the figure itself.
    - A chart laid out by ``tight_layout`` (``fig._smm_laid_out``, see
      ``viz.common.tight_layout``): the figure, widened to the few texts that layout does
      not keep inside it (:func:`_laid_out_box`).
    - Any other figure: its content plus ``savefig.pad_inches``, measured.

    Measuring a whole figure lays out every tick label again, as much work as drawing
    it; the first two are not measured. With :data:`CHECK_FIT_ENV` set (the test suite)
    they are, and a chart whose content reaches beyond the box shown raises; the box
    shown is the same either way."""
    import os

    import matplotlib as mpl
    from matplotlib.transforms import Bbox

    fits = getattr(fig, "_smm_fits", False)
    laid_out = getattr(fig, "_smm_laid_out", False)
    renderer = canvas.get_renderer()
    if fits:
        box = Bbox.from_bounds(0, 0, *fig.get_size_inches())
    elif laid_out:
        box = _laid_out_box(fig, renderer)
    else:
        return fig.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
    if os.environ.get(CHECK_FIT_ENV):
        tight = fig.get_tightbbox(renderer)
        slack = 1 / 72  # a point
        if tight.x0 < box.x0 - slack or tight.y0 < box.y0 - slack or \
                tight.x1 > box.x1 + slack or tight.y1 > box.y1 + slack:
            how = "to fit its" if fits else "by tight_layout in its"
            w, h = fig.get_size_inches()
            raise ValueError(f"chart {figure_alt(fig)!r} is laid out {how} {w:g} x {h:g} in "
                             f"figure, but its content spans {tight.x0:.2f} to "
                             f"{tight.x1:.2f} x {tight.y0:.2f} to {tight.y1:.2f} in, beyond "
                             f"the {box.x0:.2f} to {box.x1:.2f} x {box.y0:.2f} to "
                             f"{box.y1:.2f} in shown")
    return box


def _laid_out_box(fig, renderer):
    """The box to show of a figure laid out by ``tight_layout``, in inches.

    ``tight_layout`` keeps every Axes with its tick labels inside the figure; what it
    cannot move or shrink may still reach beyond an edge: the figure's own texts (the
    title and note of ``viz.common.figure``), an Axes' title or axis label longer than
    the Axes, a legend placed outside, a text written past the Axes. Those are few and
    their sizes are already known from the layout, so only they are measured. The
    figure is shown whole when they fit (``tight_layout``'s padding is the margin), or
    widened to them, padded, when they do not."""
    import matplotlib as mpl
    from matplotlib.legend import Legend
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    w, h = fig.get_size_inches()
    figure_box = Bbox.from_bounds(0, 0, w, h)
    loose = [fig._suptitle, *fig.texts, *fig.legends]
    for ax in fig.axes:
        loose += [a for a in ax.get_children() if isinstance(a, (Text, Legend))]
        loose += [ax.xaxis.label, ax.yaxis.label]
    to_inches = fig.dpi_scale_trans.inverted()
    boxes = [a.get_window_extent(renderer).transformed(to_inches) for a in loose
             if a is not None and a.get_visible()
             and (not isinstance(a, Text) or a.get_text())]
    union = Bbox.union([figure_box, *boxes])
    if union.x0 >= 0 and union.y0 >= 0 and union.x1 <= w and union.y1 <= h:
        return figure_box
    return union.padded(mpl.rcParams["savefig.pad_inches"])


def _display_svg(svg: str, alt: str) -> None:
    try:
        from IPython.display import display
    except ImportError:  # outside IPython there is nowhere to show a picture
        print(alt)
        return
    display({"image/svg+xml": svg, "text/plain": alt}, raw=True)


class SafeHTML:
    """HTML built by smm_nb from escaped parts; shown as is in notebooks."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.markup


def _drop_empty_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Columns with nothing in any row (an interval no row has, an unused note) are noise."""
    if df.shape[1] <= 1 or df.empty:
        return df
    empty = [i for i in range(df.shape[1])
             if df.iloc[:, i].map(lambda v: v is None or v in ("", "–") or v != v).all()]
    return df.drop(columns=df.columns[empty]) if len(empty) < df.shape[1] else df


def table_html(df: pd.DataFrame, caption: str | None = None, index: bool = False) -> SafeHTML:
    table = _drop_empty_columns(localize_table(df))
    body = table.to_html(escape=True, index=index, border=0, classes="smm-table", na_rep="–")
    if caption:
        caption = translate_generated(caption, _LANGUAGE)
        body = f'<p class="smm-caption"><strong>{html.escape(caption)}</strong></p>' + body
    return SafeHTML(body)


def sentence_html(text: str, kind: str = "finding") -> SafeHTML:
    text = translate_generated(text, _LANGUAGE)
    return SafeHTML(f'<p class="smm-{html.escape(kind)}">{html.escape(text)}</p>')


def show(obj: Any, caption: str | None = None) -> None:
    """Display a result object, DataFrame, matplotlib Figure or sentence.

    Result objects are shown by their ``summary_frame()``; strings are escaped and
    shown as a paragraph; figures are displayed and then closed so they are neither
    shown twice nor kept in memory.
    """
    if obj is None:
        return
    if isinstance(obj, str):
        _display(sentence_html(obj))
        return
    if isinstance(obj, (list, tuple)) and all(isinstance(s, str) for s in obj):
        items = "".join(f"<li>{html.escape(translate_generated(s, _LANGUAGE))}</li>"
                        for s in obj)
        _display(SafeHTML(f'<ul class="smm-findings">{items}</ul>'))
        return
    if isinstance(obj, pd.DataFrame):
        _display(table_html(obj, caption))
        return
    if isinstance(obj, pd.Series):
        _display(table_html(obj.to_frame(), caption, index=True))
        return
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover
        Figure = ()  # type: ignore[assignment]
    if isinstance(obj, Figure):
        import matplotlib.pyplot as plt

        try:
            svg = figure_svg(obj)
            if svg is not None:
                _display_svg(svg, figure_alt(obj))
        finally:
            plt.close(obj)
        return
    if hasattr(obj, "summary_frame"):
        _display(table_html(obj.summary_frame(), caption or getattr(obj, "title", None)))
        return
    _display(obj)
