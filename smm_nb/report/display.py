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


def _wordy(dtype) -> bool:
    """A column of words (text, flags): its known words are translated."""
    return dtype == object or pd.api.types.is_string_dtype(dtype) \
        or pd.api.types.is_bool_dtype(dtype)


def localize_table(df: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """Headers humanised and translated, known one-word cells translated (a new frame)."""
    language = language or _LANGUAGE
    columns = {}
    for i, name in enumerate(df.columns):
        col = df.iloc[:, i]
        wordy = _wordy(col.dtype)
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

    from smm_nb.viz.ticks_once import ticks_once

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
        with ticks_once(fig.axes):
            box = _crop_box(fig, canvas)
        out = io.StringIO()
        with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "smm-nb",
                             "savefig.bbox": "standard"}), ticks_once(fig.axes):
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


def _table_html_pandas(df: pd.DataFrame, index: bool) -> str:
    table = _drop_empty_columns(localize_table(df))
    return table.to_html(escape=True, index=index, border=0, classes="smm-table", na_rep="–")


# what DataFrame.to_html(escape=True) does to a cell's text: control characters written
# as \t \r \n, then &, <, > escaped (quotes are left), then surrounding space stripped
_CONTROL_AS_TEXT = str.maketrans({"\t": "\\t", "\r": "\\r", "\n": "\\n"})


def _html_cell(text: str) -> str:
    return text.translate(_CONTROL_AS_TEXT).replace("&", "&amp;").replace(
        "<", "&lt;").replace(">", "&gt;").strip()


def _is_missing(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _localized_cells(df: pd.DataFrame, language: str) -> list[list[str]] | None:
    """Each column's cells as :func:`localize_table` and ``to_html`` would write them,
    from plain lists; ``None`` for anything but text, bool, int and float columns (and
    object columns holding other values), which pandas then writes."""
    import datetime as dt

    import numpy as np

    columns = []
    for i, name in enumerate(df.columns):
        col = df.iloc[:, i]
        dtype = col.dtype
        if _wordy(dtype):
            values = col.astype(object).tolist()
            if str(name) not in _CLIENT_TEXT:
                values = [value_label(v, language) for v in values]
            cells = []
            for v in values:
                if _is_missing(v):
                    cells.append("–")
                elif isinstance(v, str):
                    cells.append(_html_cell(v))
                elif isinstance(v, (bool, int, np.bool_, np.integer)) or type(v) is dt.date:
                    cells.append(str(v))
                else:  # a float, a time, a list in an object column: pandas' format
                    return None
        elif isinstance(dtype, np.dtype) and dtype.kind == "f":
            cells = ["–" if t is None else _html_cell(t)
                     for t in (_number(v, language) for v in col.tolist())]
        elif isinstance(dtype, np.dtype) and dtype.kind in "iu":
            cells = [str(v) for v in col.tolist()]
        elif pd.api.types.is_integer_dtype(dtype):  # nullable Int64: <NA> shown as a dash
            cells = ["–" if _is_missing(v) else str(v) for v in col.astype(object).tolist()]
        else:
            return None
        columns.append(cells)
    return columns


def _table_html_fast(df: pd.DataFrame) -> str | None:
    """``_table_html_pandas(df, index=False)``, byte for byte, written from lists: pandas'
    frame building and HTML formatter cost ~7 ms a table, most of a table's time in a
    report. ``None`` when only pandas can write it. The two are compared on awkward
    frames (tests/report/test_display_labels.py) and, with :data:`CHECK_TABLES_ENV`, on
    every table of every notebook the test suite runs."""
    if isinstance(df.columns, pd.MultiIndex) or df.empty or df.shape[1] == 0:
        return None
    columns = _localized_cells(df, _LANGUAGE)
    if columns is None:
        return None
    headers = []
    for c in df.columns:
        label = str(header_label(c, _LANGUAGE))
        if label != label.strip() or any(ch in label for ch in "\t\r\n"):
            return None  # pandas writes such a header its own way
        headers.append(_html_cell(label))
    if len(columns) > 1:  # _drop_empty_columns
        keep = [i for i, cells in enumerate(columns) if any(v not in ("", "–") for v in cells)]
        if keep:
            columns = [columns[i] for i in keep]
            headers = [headers[i] for i in keep]
    out = ['<table class="dataframe smm-table">', "  <thead>",
           '    <tr style="text-align: right;">']
    out += [f"      <th>{h}</th>" for h in headers]
    out += ["    </tr>", "  </thead>", "  <tbody>"]
    for row in zip(*columns):
        out.append("    <tr>")
        out += [f"      <td>{v}</td>" for v in row]
        out.append("    </tr>")
    out += ["  </tbody>", "</table>"]
    return "\n".join(out)


#: Set (to anything) to write every table both ways and fail if they differ (the test
#: suite sets it for every notebook it runs).
CHECK_TABLES_ENV = "SMM_NB_CHECK_TABLES"


def table_html(df: pd.DataFrame, caption: str | None = None, index: bool = False) -> SafeHTML:
    import os

    body = None if index else _table_html_fast(df)
    if body is None:
        body = _table_html_pandas(df, index)
    elif os.environ.get(CHECK_TABLES_ENV) and body != _table_html_pandas(df, index):
        raise ValueError(f"table {caption!r}: written from lists, it differs from pandas' "
                         f"to_html")
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
