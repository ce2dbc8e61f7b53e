"""Shared chart helpers: a figure with a finding as title and the definition under it,
percent axes, platform colours and names, interval markers."""
from __future__ import annotations

import re
import textwrap
import warnings

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
import matplotlib.ticker as mticker

from smm_nb.viz.theme import PALETTE, PLATFORM_COLORS
from smm_nb.viz.ticks_once import ticks_once

PLATFORM_NAMES = {"instagram": "Instagram", "facebook": "Facebook", "x": "X",
                  "linkedin": "LinkedIn", "tiktok": "TikTok", "youtube": "YouTube"}
WEEKDAY_SHORT = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
                 "tr": ("Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz")}


def name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, str(platform))


def color(platform: str, i: int = 0) -> str:
    return PLATFORM_COLORS.get(platform, PALETTE[i % len(PALETTE)])


def code(lang) -> str:
    return getattr(lang, "code", "en") if lang is not None else "en"


def text(lang, en: str, tr: str) -> str:
    return lang.text(en=en, tr=tr) if lang is not None else en


def _language(lang):
    from smm_nb.report.language import Language

    return lang if hasattr(lang, "number") else Language(code(lang))


def num(lang, x: float, digits: int = 0) -> str:
    """A number as the report's language writes it (``1,234.5`` / ``1.234,5``)."""
    return _language(lang).number(x, digits)


def pct(lang, x: float, digits: int = 0, signed: bool = False) -> str:
    """A ratio as a percent (``+21.4%`` / ``+%21,4``); ``signed`` shows a plus sign."""
    out = _language(lang).percent(x, digits)
    return "+" + out if signed and x is not None and x > 0 else out


def word(lang, value: object) -> str:
    """A category level (``reel``, ``business``) as the report's tables name it."""
    from smm_nb.report.table_labels import value_label

    return str(value_label(str(value), code(lang)))


def capital(lang, phrase: str) -> str:
    """``phrase`` with a capital first letter; Turkish dots its capital i (``İçerik``)."""
    first = phrase[:1]
    if code(lang) == "tr":
        first = {"i": "İ", "ı": "I"}.get(first, first)
    return first.upper() + phrase[1:]


def said(lang, phrase: str) -> str:
    """A sentence an analysis wrote (a reason, a note) in the report's language, through
    the phrase catalogue of :mod:`smm_nb.report.phrases` (unknown phrases stay as they are)."""
    from smm_nb.report.phrases import translate_generated

    return translate_generated(phrase, code(lang)) if phrase else phrase


def day(lang, d) -> str:
    """A date as the report writes it: ISO in English (``2026-01-14``, as before), the
    Turkish way in Turkish (``14 Ocak 2026``)."""
    return _language(lang).date(d) if code(lang) == "tr" else str(d)


DEFINITION_TR = (
    ("public engagements (likes + comments + shares + saves)",
     "herkese açık etkileşimler (beğeni + yorum + paylaşım + kaydetme)"),
    ("followers at posting", "paylaşım anındaki takipçi"),
    ("median of post rates", "gönderi oranlarının medyanı"),
    ("mean of post rates", "gönderi oranlarının ortalaması"),
    ("ratio of sums", "toplamların oranı"),
    ("rate ratio of post counts model", "sayım modelinden oran oranı"),
    ("adjusted for", "şuna göre düzeltilmiş:"),
    ("/ reach", "/ erişim"), ("/ impressions", "/ gösterim"),
    ("per post", "gönderi başına"),
)
DIMENSION_TR = {"age": "yaş", "gender": "cinsiyet", "country": "ülke", "city": "şehir",
                "language": "dil"}


def defn(definition: str, lang=None) -> str:
    """An engagement-rate definition in the report's language."""
    if code(lang) != "tr":
        return definition
    out = definition
    for en, tr in DEFINITION_TR:
        out = out.replace(en, tr)
    return out


def figure(title: str, note: str = "", size: tuple[float, float] | None = None,
           nrows: int = 1, ncols: int = 1, **kw):
    """A figure whose title states the finding and whose note (under the title) states
    the definition and source. Both are wrapped to the figure's width."""
    size = size or (7.5, 3.8)
    fig, ax = plt.subplots(nrows, ncols, figsize=size, **kw)
    title = "\n".join(textwrap.wrap(title, int(size[0] * 9.5))) or title
    note = "\n".join(textwrap.wrap(note, int(size[0] * 13.5)))
    head = 0.32 + 0.2 * title.count("\n") + 0.16 * (note.count("\n") + 1 if note else 0)
    fig.suptitle(title, x=0.01, y=0.99, ha="left", va="top", fontsize=12, fontweight="bold")
    if note:
        fig.text(0.01, 1 - (0.3 + 0.2 * title.count("\n")) / size[1], note, ha="left",
                 va="top", fontsize=8.5, color="#555555")
    fig._smm_top = max(0.4, 1 - (head + 0.1) / size[1])  # room kept for title and note
    return fig, ax


def tight_layout(fig: Figure, rect: tuple[float, float, float, float] | None = None) -> None:
    """``fig.tight_layout(rect=rect)``, measuring each Axes once.

    With a ``rect`` matplotlib measures the tight box of every Axes twice at the same
    positions (once for the margins, once more with the rect shifted by them); the
    second measurement is the first one repeated, and measuring means laying out every
    tick label. Each Axes' measurement is kept for the length of this one call, and
    within it each axis lays out its ticks once (:mod:`smm_nb.viz.ticks_once`), so the
    layout and the picture are exactly those of ``fig.tight_layout``.

    The figure is marked as laid out (``fig._smm_laid_out``) unless matplotlib warned
    that it could not lay it out: the report then shows it without measuring it again.
    """
    kept: dict[tuple[int, int], object] = {}

    def measured(ax):
        measure = ax.get_tightbbox

        def get_tightbbox(*args, **kwargs):
            if len(args) == 1 and kwargs == {"for_layout_only": True}:
                key = (id(ax), id(args[0]))
                if key not in kept:
                    with ticks_once([ax]):
                        kept[key] = measure(*args, **kwargs)
                return kept[key]
            return measure(*args, **kwargs)
        return get_tightbbox

    patched = [ax for ax in fig.axes if "get_tightbbox" not in vars(ax)]
    for ax in patched:
        ax.get_tightbbox = measured(ax)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.tight_layout(rect=rect)
    finally:
        for ax in patched:
            del ax.get_tightbbox
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=2)
    # the report may then show the figure without measuring it again
    # (report.display._crop_box), unless matplotlib could not lay it out
    fig._smm_laid_out = not any("tight" in str(w.message).lower() for w in caught)


def finish(fig: Figure, top: float | None = None, lang=None) -> Figure:
    """Lay the axes out below the title and note that :func:`figure` made room for.

    matplotlib's ``tight_layout`` would also lower the axes by the suptitle's height,
    although ``rect`` already keeps that room: a second, empty title's height between the
    note and the chart. The title is left out of that one measurement.

    Tick numbers are put in the report's language first (:func:`local_ticks`), so that
    the layout measures the labels that will be drawn."""
    local_ticks(fig, lang)
    sup = getattr(fig, "_suptitle", None)
    own_head = sup is not None and hasattr(fig, "_smm_top") and sup.get_in_layout()
    if own_head:
        sup.set_in_layout(False)
    try:
        tight_layout(fig, rect=(0, 0, 1, top if top is not None
                                else getattr(fig, "_smm_top", 0.8)))
    finally:
        if own_head:
            sup.set_in_layout(True)
    return fig


class LocalDateFormatter(mticker.Formatter):
    """Date ticks in the report's language with Babel (strftime would say ``Oct`` in a
    Turkish chart): ``Eki`` on month starts, ``9 Eki`` otherwise; the year under the
    first tick and under January."""

    def __init__(self, locale: str):
        self.locale = locale

    def format_ticks(self, values):
        from babel.dates import format_date

        days = [mdates.num2date(v).date() for v in values]
        monthly = all(d.day == 1 for d in days)
        if monthly and len(days) > 1 and all(d.month == 1 for d in days):
            return [str(d.year) for d in days]  # yearly ticks
        out = []
        for i, d in enumerate(days):
            label = format_date(d, "MMM" if monthly else "d MMM", locale=self.locale)
            out.append(f"{label}\n{d.year}" if i == 0 or (monthly and d.month == 1) else label)
        return out

    def __call__(self, x, pos=None):
        return self.format_ticks([x])[0]


def month_axis(ax, lang=None) -> None:
    """Readable date ticks (at most 8, never overlapping), month names in the report's
    language (Babel), the year under the first tick and under January.

    The ticks are fixed from the plotted span when this is called (after plotting):
    matplotlib's AutoDateLocator and ConciseDateFormatter decide again at every layout,
    measuring and drawing pass, which made a date chart cost about twice a plain one.
    """
    import math

    locale = "tr_TR" if code(lang) == "tr" else "en_US"
    lo, hi = ax.dataLim.intervalx
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:  # nothing plotted yet
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
        ax.xaxis.set_major_formatter(LocalDateFormatter(locale))
        return
    first, last = mdates.num2date(lo), mdates.num2date(hi)
    months = (last.year - first.year) * 12 + last.month - first.month
    if months >= 3:
        step = next((s for s in (1, 2, 3, 4, 6, 12) if months / s <= 7), None)
        loc = (mdates.MonthLocator(bymonth=range(1, 13, step)) if step is not None
               else mdates.YearLocator(max(1, math.ceil(months / 12 / 7))))
    else:  # a few weeks: days, every 1-14 days
        days = max(1.0, hi - lo)
        step = next((s for s in (1, 2, 3, 7, 14) if days / s <= 7), 14)
        loc = (mdates.WeekdayLocator(byweekday=mdates.MO, interval=step // 7) if step >= 7
               else mdates.DayLocator(interval=step))
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(LocalDateFormatter(locale))


class PercentFormatter(mticker.Formatter):
    """Percent ticks with one number of decimals for the whole axis, the fewest that
    show the tick step (5%, 2.5%, 0.25%): not "0.00%" under "10%"; Turkish puts the sign
    first and a decimal comma (%4,5, −%2)."""

    def __init__(self, digits: int | None = None, turkish: bool = False):
        self.digits, self.turkish = digits, turkish

    def _digits(self, values) -> int:
        if self.digits is not None:
            return self.digits
        steps = np.diff(np.sort(np.asarray(values, dtype=float) * 100))
        steps = steps[steps > 1e-12]
        if not len(steps):
            v = abs(float(values[0]) * 100) if len(values) else 0.0
            return 0 if v >= 10 or v == 0 else 1 if v >= 1 else 2
        step = steps.min()
        return next((d for d in range(3) if abs(round(step, d) - step) < 1e-9 * max(1, step)), 3)

    def _one(self, v: float, d: int) -> str:
        text = f"{v * 100:.{d}f}"
        if not self.turkish:
            return f"{text}%"
        # the sign before the percent sign, as the titles write it (-%4,2), with the
        # minus of the other ticks; -0 (a rounding) is 0
        sign = "−" if text.startswith("-") and float(text) != 0 else ""
        return f"{sign}%{text.lstrip('-').replace('.', ',')}"

    def format_ticks(self, values):
        d = self._digits(values)
        return [self._one(v, d) for v in values]

    def __call__(self, x, pos=None):
        return self._one(x, self._digits([x]))


def percent_axis(ax, axis: str = "y", digits: int | None = None, lang=None) -> None:
    """Percent tick labels; with a Turkish ``lang`` they read %4,5 (sign first, comma)."""
    turkish = code(lang) == "tr" if lang is not None else _current_language() == "tr"
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(
        PercentFormatter(digits, turkish))


def _current_language() -> str:
    from smm_nb.report import display

    return display._LANGUAGE


class RatioFormatter(mticker.Formatter):
    """Ratio ticks written as English numbers, ``0.5×`` (or ``×0.5`` with ``before``);
    a Turkish chart reads them through :class:`TurkishNumbers` (``0,5×``)."""

    def __init__(self, before: bool = False):
        self.before = before

    def __call__(self, x, pos=None):
        return f"×{x:g}" if self.before else f"{x:g}×"


#: Tick formatters whose labels are English numbers (``2.5``, ``−0.4``, ``0.5×``):
#: matplotlib's defaults and :class:`RatioFormatter`. Formatters that already write the
#: report's language (:class:`PercentFormatter`, :class:`LocalDateFormatter`, a
#: ``FuncFormatter`` around :func:`num`) are not among them and are left alone.
ENGLISH_NUMBER_FORMATTERS = (mticker.ScalarFormatter, mticker.LogFormatter, RatioFormatter)
_EN_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?")


def turkish_number_text(label: str) -> str:
    """A tick label with English numbers written the Turkish way: decimal comma and
    thousands dot, as :func:`num` writes them (``2.5`` -> ``2,5``, ``12500`` ->
    ``12.500``, ``0.25×`` -> ``0,25×``); matplotlib's minus sign ``−`` is kept."""
    def fix(m: re.Match[str]) -> str:
        whole = m[1] if len(m[1]) < 4 else f"{int(m[1]):,}".replace(",", ".")
        return whole if m[2] is None else f"{whole},{m[2]}"

    return _EN_NUMBER.sub(fix, label)


class TurkishNumbers(mticker.Formatter):
    """Another formatter's tick labels with Turkish numbers (:func:`turkish_number_text`).

    It wraps the formatter rather than replacing it, so the ticks, their number of
    decimals and the offset (``1e6``) stay matplotlib's own choice; only the writing of
    each number changes."""

    def __init__(self, inner: mticker.Formatter):
        self.inner = inner

    def set_axis(self, axis) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs) -> None:
        self.inner.set_locs(locs)

    def format_ticks(self, values):
        return [turkish_number_text(t) for t in self.inner.format_ticks(values)]

    def __call__(self, x, pos=None):
        return turkish_number_text(self.inner(x, pos))

    def get_offset(self) -> str:
        return turkish_number_text(self.inner.get_offset())

    def format_data(self, value) -> str:
        return turkish_number_text(self.inner.format_data(value))

    def format_data_short(self, value) -> str:
        return turkish_number_text(self.inner.format_data_short(value))


def local_ticks(fig: Figure, lang=None) -> Figure:
    """Tick numbers of every axes of ``fig`` (colour bars included) in the report's
    language: for Turkish, the formatters that write English numbers are wrapped in
    :class:`TurkishNumbers`; English charts are not touched. Called by :func:`finish` and
    by the charts that lay themselves out; costs no drawing (labels are formatted when the
    figure is drawn, once)."""
    if (code(lang) if lang is not None else _current_language()) != "tr":
        return fig
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            major, minor = axis.get_major_formatter(), axis.get_minor_formatter()
            if isinstance(major, ENGLISH_NUMBER_FORMATTERS):
                bar = getattr(ax, "_colorbar", None)  # a colour bar re-sets its formatter
                if bar is not None and axis is bar.long_axis:
                    bar.formatter = TurkishNumbers(major)
                else:
                    axis.set_major_formatter(TurkishNumbers(major))
            if isinstance(minor, ENGLISH_NUMBER_FORMATTERS):
                axis.set_minor_formatter(TurkishNumbers(minor))
    return fig


def ratio_axis(ax, axis: str = "x", lo: float | None = None, hi: float | None = None) -> None:
    """Log-scale rate-ratio axis with plain ticks (0.5×, 1×, 2×)."""
    from matplotlib.ticker import FixedLocator, NullFormatter

    a = ax.xaxis if axis == "x" else ax.yaxis
    ticks = [0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 10]
    if lo is not None and hi is not None and hi / max(lo, 1e-9) > 3:
        ticks = [0.1, 0.25, 0.5, 1, 2, 4, 10]
    if lo is not None and hi is not None:
        ticks = [t for t in ticks if lo * 0.9 <= t <= hi * 1.1] or [1]
    a.set_major_locator(FixedLocator(ticks))
    a.set_major_formatter(RatioFormatter())
    a.set_minor_formatter(NullFormatter())


def interval_dots(ax, y, value, low, high, colors, labels=None, horizontal: bool = True):
    """Point estimates with 95% interval whiskers (NaN intervals draw the point only)."""
    value, low, high = (np.asarray(a, dtype=float) for a in (value, low, high))
    lo = np.where(np.isfinite(low), value - low, 0)
    hi = np.where(np.isfinite(high), high - value, 0)
    yv = np.asarray(list(y), dtype=float)
    # one errorbar call per colour, not per point (each call builds a container of
    # artists; the picture is the same)
    colors = list(colors)
    for c in dict.fromkeys(colors):
        i = np.array([k for k, cc in enumerate(colors) if cc == c], dtype=int)
        err = [lo[i], hi[i]]
        if horizontal:
            ax.errorbar(value[i], yv[i], xerr=err, fmt="o", color=c, capsize=3, ms=6, lw=1.5)
        else:
            ax.errorbar(yv[i], value[i], yerr=err, fmt="o", color=c, capsize=3, ms=6, lw=1.5)
    if labels is not None:
        (ax.set_yticks if horizontal else ax.set_xticks)(list(y))
        (ax.set_yticklabels if horizontal else ax.set_xticklabels)(labels)


def empty(title: str, message: str, lang=None) -> Figure:
    """A small figure that says why there is no chart (keeps the report's flow).

    ``message`` may hold a reason an analysis wrote in English: with ``lang`` it is put
    in the report's language through the phrase catalogue (:func:`said`)."""
    message = said(lang, message) if lang is not None else message
    fig, ax = figure(title, size=(7.5, 1.6))
    ax.axis("off")
    ax.text(0.0, 0.5, "\n".join(textwrap.wrap(message, 100)), ha="left", va="center",
            fontsize=10, transform=ax.transAxes)
    return finish(fig, lang=lang)


def format_table(frame, lang=None, percent=(), ratio=(), digits: dict | None = None,
                 percent_digits: int = 2):
    """A copy of ``frame`` for display: ``percent`` columns as 4.46%, ``ratio`` columns as
    1.67×, ``digits`` columns with that many decimals, other floats with 2; numbers in the
    report's language (Turkish: 4,46%); missing values as "–". Text is left as is (the
    table is escaped when shown)."""
    import math

    import pandas as pd

    digits = dict(digits or {})
    out = frame.copy()

    def fmt(col, fn):
        out[col] = [("–" if v is None or (isinstance(v, float) and not math.isfinite(v))
                     or v is pd.NA else fn(v)) for v in frame[col]]

    num = (lambda x, d: lang.number(float(x), d)) if lang is not None else \
        (lambda x, d: f"{float(x):,.{d}f}")
    for c in out.columns:
        if c in percent:
            fmt(c, (lambda v: lang.percent(float(v), percent_digits)) if lang is not None
                else (lambda v: f"{float(v):.{percent_digits}%}"))
        elif c in ratio:
            fmt(c, lambda v: num(v, 2) + "×")
        elif c in digits:
            fmt(c, lambda v, d=digits[c]: num(v, d))
        elif pd.api.types.is_float_dtype(out[c]):
            fmt(c, lambda v: num(v, 2))
    return out
