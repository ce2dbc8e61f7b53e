"""``show``: put a result, table, chart or sentence into the notebook, safely.

All text that may come from an export (captions, names, hashtags) is escaped here:
tables go through ``DataFrame.to_html(escape=True)`` and sentences through
``html.escape``, so a caption ``<script>`` shows as text in the report.
"""
from __future__ import annotations

import html
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


def figure_png(fig) -> bytes | None:
    """The PNG the inline backend shows for ``fig`` (``savefig(bbox_inches="tight")`` at
    the figure's dpi), drawn once; the same pixels.

    ``savefig(bbox_inches="tight")`` lays the figure out three times: a draw without
    rendering, the tight box, then the real draw on a new, cropped canvas, whose text
    sizes are measured again. Here the tight box is measured on the figure's own
    renderer (the one ``tight_layout`` used, so text sizes are cached), the figure is
    shifted exactly as savefig shifts it but kept at its own size (so the renderer and
    its cache are reused), drawn once, and the box's pixels are cut out. A box larger
    than the figure (an artist beyond its edge) or a layout engine still to run take
    matplotlib's own path. Returns None for an empty figure, as the inline backend does.
    """
    import io

    import matplotlib as mpl
    import numpy as np
    try:  # matplotlib's own helper for bbox_inches="tight" (private: fall back if it moves)
        from matplotlib import _tight_bbox
    except ImportError:  # pragma: no cover - depends on the matplotlib version
        _tight_bbox = None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.layout_engine import PlaceHolderLayoutEngine
    from matplotlib.transforms import Bbox

    if not fig.axes and not fig.lines:
        return None
    out = io.BytesIO()
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    engine = fig.get_layout_engine()
    dpi = fig.dpi
    size = fig.bbox_inches.size
    box = None
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        renderer = canvas.get_renderer()
        box = fig.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
    if _tight_bbox is not None and box is not None and box.width <= size[0] \
            and box.height <= size[1]:
        # savefig draws on a canvas int(box px) high whose rows count down from its
        # top: keep that top row where it is on a canvas of the figure's own height
        rows, height = int(box.height * dpi), int(size[1] * dpi)
        cols = int(box.width * dpi)
        y0 = box.y0 + (rows - height) / dpi
        restore = _tight_bbox.adjust_bbox(fig, Bbox.from_bounds(box.x0, y0, *size), renderer)
        try:
            canvas.draw()
            pixels = np.asarray(canvas.buffer_rgba())[:rows, :cols]
        finally:
            restore()
        mpl.image.imsave(out, pixels, format="png", origin="upper", dpi=dpi)
        return out.getvalue()
    fig.savefig(out, format="png", dpi=dpi, bbox_inches="tight",
                facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor())
    return out.getvalue()


def _display_png(png: bytes, alt: str) -> None:
    try:
        from IPython.display import display
    except ImportError:  # outside IPython there is nowhere to show a picture
        print(alt)
        return
    import base64

    display({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt}, raw=True)


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
            png = figure_png(obj)
            if png is not None:
                _display_png(png, figure_alt(obj))
        finally:
            plt.close(obj)
        return
    if hasattr(obj, "summary_frame"):
        _display(table_html(obj.summary_frame(), caption or getattr(obj, "title", None)))
        return
    _display(obj)
