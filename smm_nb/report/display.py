"""``show``: put a result, table, chart or sentence into the notebook, safely.

All text that may come from an export (captions, names, hashtags) is escaped here:
tables go through ``DataFrame.to_html(escape=True)`` and sentences through
``html.escape``, so a caption ``<script>`` shows as text in the report.
"""
from __future__ import annotations

import html
from typing import Any

import pandas as pd


def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # outside IPython: print a plain version
        print(obj)
        return
    display(obj)


class SafeHTML:
    """HTML built by smm_nb from escaped parts; shown as is in notebooks."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.markup


def table_html(df: pd.DataFrame, caption: str | None = None, index: bool = False) -> SafeHTML:
    body = df.to_html(escape=True, index=index, border=0, classes="smm-table", na_rep="–")
    if caption:
        body = f'<p class="smm-caption"><strong>{html.escape(caption)}</strong></p>' + body
    return SafeHTML(body)


def sentence_html(text: str, kind: str = "finding") -> SafeHTML:
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
        items = "".join(f"<li>{html.escape(s)}</li>" for s in obj)
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

        _display(obj)
        plt.close(obj)
        return
    if hasattr(obj, "summary_frame"):
        _display(table_html(obj.summary_frame(), caption or getattr(obj, "title", None)))
        return
    _display(obj)
