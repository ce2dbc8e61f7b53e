"""Charts of the improvement chapter: drivers, forecasts, budget response curves.

Each function takes a result object from :mod:`smm_nb.analysis` and returns a Figure
whose title states the finding and whose note says the definition and method.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from smm_nb.viz.common import (LocalDateFormatter, code, color, empty, figure, interval_dots,
                               local_ticks, name, ratio_axis, said, text)

TERM_LABELS = {"format": ("format", "biçim"), "window": ("window", "zaman dilimi"),
               "paid": ("paid", "ücretli"), "category": ("category", "kategori"),
               "hour_block": ("hour", "saat"), "weekday": ("day", "gün"),
               "platform": ("platform", "platform"), "test_arm": ("test arm", "test kolu")}


def _layout(fig: Figure, left: float, bottom: float = 0.5, right: float = 0.2,
            hspace: float = 0.0, wspace: float = 0.0, lang=None) -> Figure:
    """Margins and gaps in inches, set directly: ``tight_layout`` measures every tick
    label of every axes twice and was half of the time of drawing these charts; the
    margins here are known from the labels.
    Tick numbers are put in the report's language (:func:`local_ticks`)."""
    local_ticks(fig, lang)
    w, h = fig.get_size_inches()
    top = getattr(fig, "_smm_top", 0.8) - 0.22 / h  # room for the panels' own titles
    gs = fig.axes[0].get_subplotspec().get_gridspec() if fig.axes else None
    nrows, ncols = gs.get_geometry() if gs is not None else (1, 1)
    cell_h = ((top - bottom / h) * h - hspace * (nrows - 1)) / nrows
    cell_w = ((1 - (left + right) / w) * w - wspace * (ncols - 1)) / ncols
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=top,
                        hspace=hspace / max(cell_h, 1e-3), wspace=wspace / max(cell_w, 1e-3))
    # the report shows the figure as laid out, without measuring it again (the tests
    # check that nothing reaches beyond it: report.display.CHECK_FIT_ENV)
    fig._smm_fits = True
    return fig


def _date_axis(ax, first, last, lang=None) -> None:
    """Month ticks from a fixed locator (the auto date locator is re-run at every layout
    pass): every month, or every other one on spans over eight months; month names in
    the report's language, the year under January and under the first tick."""
    import matplotlib.dates as mdates

    months = (last.year - first.year) * 12 + last.month - first.month
    loc = mdates.MonthLocator(interval=1 if months <= 8 else 2)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(LocalDateFormatter("tr_TR" if code(lang) == "tr" else "en_US"))


def _word(lang, value: object) -> str:
    """A category level (``reel``, ``other``) as the report's tables name it."""
    from smm_nb.report.table_labels import value_label

    return str(value_label(str(value), code(lang)))


def _n(lang, x: float, digits: int = 0) -> str:
    """A number in the report's language (1.234,5 in Turkish)."""
    return lang.number(x, digits) if lang is not None else f"{x:,.{digits}f}"


OUTCOME_TR = {"public engagements": "herkese açık etkileşim", "reach": "erişim",
              "impressions": "gösterim", "clicks": "tıklama"}


def drivers_chart(res, lang=None, terms: tuple[str, ...] = ("format", "window", "paid",
                                                             "category", "hour_block",
                                                             "weekday")) -> Figure:
    """Rate ratios with 95% intervals of the driver model (log axis, 1 = reference)."""
    from smm_nb.analysis.drivers import OUTCOME_LABELS

    t0 = text(lang, "What drives results", "Sonuçları ne belirliyor")
    if not res.ok:
        return empty(t0, text(lang, f"No driver model: {res.reason}.",
                              f"Etken modeli yok: {said(lang, res.reason)}."), lang)
    eff = res.effects[res.effects["term"].isin(terms)]
    if eff.empty:
        return empty(t0, text(lang, "No content or timing effects could be estimated.",
                              "İçerik ya da zaman etkisi tahmin edilemedi."), lang)
    eff = eff.assign(_o=eff["term"].map({t: i for i, t in enumerate(terms)})) \
        .sort_values(["_o", "rate_ratio"], ascending=[True, False])
    # the headline names a real level: the pooled "other" is drawn but never the headline
    clear = eff[(eff["p_holm"] < 0.05) & (eff["level"] != "other")]
    outcome = OUTCOME_LABELS.get(res.outcome, res.outcome)
    per = f" per {res.exposure}" if res.exposure else ""
    per_tr = {"reach": " (erişim başına)", "impressions": " (gösterim başına)"}.get(
        res.exposure, "")
    if not clear.empty:
        # the largest clear gain, else the largest clear loss
        up = clear[clear["rate_ratio"] > 1]
        pick = up if not up.empty else clear
        top = pick.iloc[(np.log(pick["rate_ratio"]).abs()).argmax()]
        title = text(lang, f"{top['term'].replace('_', ' ')} {top['level']}: "
                     f"{top['rate_ratio']:.2f}× the {outcome}{per} of {top['reference']}, "
                     f"all else equal",
                     f"{TERM_LABELS.get(top['term'], (top['term'],) * 2)[1]} "
                     f"{_word(lang, top['level'])}: {_word(lang, top['reference'])} "
                     f"düzeyinin {_n(lang, top['rate_ratio'], 2)} katı "
                     f"{OUTCOME_TR.get(outcome, outcome)}{per_tr}, diğer her şey sabit")
    else:
        title = text(lang, "No content or timing effect is clear yet",
                     "Henüz hiçbir içerik ya da zaman etkisi net değil")
    note = text(lang, f"Rate ratio with 95% CI against each term's reference; negative "
                f"binomial model of {outcome}{per}, {res.n} posts, all terms adjusted for "
                f"each other; filled = clear after Holm correction",
                f"Her terimin referansına göre oran oranı ve %95 GA; "
                f"{OUTCOME_TR.get(outcome, outcome)}{per_tr} için negatif binom model, "
                f"{res.n} gönderi; dolu = Holm düzeltmesinden sonra net")
    h = max(3.0, 1.2 + 0.28 * len(eff))
    fig, ax = figure(title, note, size=(7.5, h))
    y = np.arange(len(eff))[::-1]
    tr = getattr(lang, "code", "en") == "tr"
    labels = [f"{TERM_LABELS.get(t, (t, t))[1 if tr else 0]}: "
              + (f"{_word(lang, lv)} (referans {_word(lang, ref)})" if tr
                 else f"{lv} (vs {ref})")
              for t, lv, ref in zip(eff["term"], eff["level"], eff["reference"])]
    cols = ["#1f4e79" if p < 0.05 else "#8c8c8c" for p in eff["p_holm"]]
    interval_dots(ax, y, eff["rate_ratio"], eff["low"], eff["high"], cols, labels)
    ax.axvline(1, color="#333333", lw=1)
    ax.set_xscale("log")
    ratio_axis(ax, "x", float(eff["low"].min()), float(eff["high"].max()))
    ax.set_xlabel(text(lang, f"rate ratio of {outcome}{per} (log scale)",
                       f"{OUTCOME_TR.get(outcome, outcome)}{per_tr} oran oranı (log ölçek)"))
    # left margin from the longest label (9 pt: about 0.065 inch a character)
    return _layout(fig, left=0.2 + 0.065 * max(len(x) for x in labels), bottom=0.6,
                   lang=lang)


def forecast_chart(res, metric: str = "followers", lang=None, history_days: int = 120,
                   kpis: bool = True) -> Figure:
    """History and forecast (median, 80% and 95% bands) per platform, with KPI targets."""
    words = {"followers": ("followers", "takipçi"), "net_adds": ("net follower adds a day",
                                                                 "günlük net takipçi artışı"),
             "reach": ("daily reach", "günlük erişim"),
             "impressions": ("daily impressions", "günlük gösterim")}[metric]
    label = text(lang, *words)
    series = [s for s in res.series if s.metric == metric and s.forecast is not None]
    t0 = text(lang, f"Forecast: {label}", f"Tahmin: {label}")
    if not series:
        why = "; ".join(sorted({f"{name(s.platform)}: {s.reason}" for s in res.series
                                if s.metric == metric}))
        why_tr = "; ".join(sorted({f"{name(s.platform)}: {said(lang, s.reason)}"
                                   for s in res.series if s.metric == metric}))
        return empty(t0, text(lang, f"No forecast ({why or 'no daily data'}).",
                              f"Tahmin yok ({why_tr or 'günlük veri yok'})."), lang)
    first = series[0]
    med, lo80, hi80, lo95, hi95 = first.total
    kp = [k for k in res.kpis if k.probability is not None]
    if metric == "followers" and kp:
        k = kp[0]
        pct = lang.percent(k.probability, 0) if lang is not None else f"{k.probability:.0%}"
        day = lang.date(k.by) if lang is not None else k.by.isoformat()
        title = text(lang, f"{name(k.platform or '')}: {pct} chance of "
                     f"{_n(lang, k.target)} followers by {day}",
                     f"{name(k.platform or '')}: {day} tarihine kadar {_n(lang, k.target)} "
                     f"takipçiye ulaşma olasılığı {pct}")
    elif metric == "followers":
        title = text(lang, f"{name(first.platform)}: about {_n(lang, med)} followers in "
                     f"{res.horizon} days (95% range {_n(lang, lo95)}-{_n(lang, hi95)})",
                     f"{name(first.platform)}: {res.horizon} gün sonra yaklaşık "
                     f"{_n(lang, med)} takipçi (%95 aralık {_n(lang, lo95)}-{_n(lang, hi95)})")
    else:
        title = text(lang, f"Forecast of {label} for the next {res.horizon} days",
                     f"Önümüzdeki {res.horizon} gün için {label} tahmini")
    note = text(lang, "Median forecast with 80% (dark) and 95% (light) prediction intervals "
                "from simulated paths; structural time series with weekly pattern",
                "Simüle edilmiş yollardan medyan tahmin, %80 (koyu) ve %95 (açık) tahmin "
                "aralıkları; haftalık örüntülü yapısal zaman serisi")
    n = len(series)
    # two columns from three platforms on: half the height, the same panels
    ncols = 1 if n <= 2 else 2
    nrows = -(-n // ncols)
    fig, axes = figure(title, note, size=(7.5, (2.6 if ncols == 1 else 2.2) * nrows + 0.9),
                       nrows=nrows, ncols=ncols, squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        fig.delaxes(ax)
    for i, (ax, s) in enumerate(zip(flat, series)):
        c = color(s.platform)
        hist = s.history.iloc[-history_days:]
        ax.plot(hist.index, hist.to_numpy(), color=c, lw=1.2)
        fc = s.forecast
        ax.fill_between(fc["date"], fc["lo95"], fc["hi95"], color=c, alpha=0.15, lw=0)
        ax.fill_between(fc["date"], fc["lo80"], fc["hi80"], color=c, alpha=0.3, lw=0)
        ax.plot(fc["date"], fc["median"], color=c, lw=1.5, ls="--")
        if kpis and metric == "followers":
            for k in res.kpis:
                if k.platform == s.platform and k.probability is not None:
                    ax.axhline(k.target, color="#b03a48", lw=1, ls=":")
                    ax.plot([pd.Timestamp(k.by)], [k.target], "o", color="#b03a48")
                    ax.annotate(text(lang, f"target {_n(lang, k.target)}: "
                                     f"{k.probability:.0%} chance",
                                     f"hedef {_n(lang, k.target)}: olasılık "
                                     f"%{k.probability * 100:.0f}"),
                                (pd.Timestamp(k.by), k.target), textcoords="offset points",
                                xytext=(-5, 6), ha="right", fontsize=8, color="#b03a48")
        if i % ncols == 0:
            ax.set_ylabel(label)
        # whole numbers in the report's language (12,500 / 12.500), never a "1e6" offset
        # that would sit on the panel's title
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _n(lang, v)))
        ax.set_title(name(s.platform), fontsize=10)
        _date_axis(ax, hist.index[0] if len(hist) else fc["date"].iloc[0],
                   fc["date"].iloc[-1], lang)
    return _layout(fig, left=1.0, bottom=0.45, hspace=0.6, wspace=0.95, lang=lang)


def response_curves_chart(res, lang=None) -> Figure:
    """Daily outcome against daily spend per platform, fitted curve with 95% band, current
    and proposed spend marked."""
    t0 = text(lang, "Return on spend", "Harcamanın getirisi")
    curves = [c for c in res.curves if c.ok]
    if not curves:
        why = res.reason or "; ".join(f"{name(c.platform)}: {c.reason}" for c in res.curves)
        why_tr = said(lang, res.reason) if res.reason else "; ".join(
            f"{name(c.platform)}: {said(lang, c.reason)}" for c in res.curves)
        return empty(t0, text(lang, f"No response curves ({why}).",
                              f"Yanıt eğrisi yok ({why_tr})."), lang)
    if res.ok:
        g, lo, hi = res.gain
        title = text(lang, f"The same budget, re-split, would add about {_n(lang, g, 2)} "
                     f"{res.outcome} a day (95% CI {_n(lang, lo, 2)} to {_n(lang, hi, 2)})",
                     f"Aynı bütçe yeniden dağıtılırsa günde yaklaşık {_n(lang, g, 2)} dönüşüm "
                     f"daha (%95 GA {_n(lang, lo, 2)} ile {_n(lang, hi, 2)})")
    else:
        title = text(lang, f"Daily {res.outcome} flatten as daily spend grows",
                     "Günlük harcama arttıkça dönüşüm artışı yavaşlıyor")
    note = text(lang, "Each dot is a day; curve = c + a·log(1 + spend/b) with 95% bootstrap "
                "band; | = current, ▲ = proposed daily spend; observational (spend was not "
                "randomised)",
                "Her nokta bir gün; eğri = c + a·log(1 + harcama/b), %95 bootstrap bandı; | = "
                "bugünkü, ▲ = önerilen günlük harcama; gözlemsel (harcama rastgele atanmadı)")
    n = len(curves)
    fig, axes = figure(title, note, size=(7.5, 3.2), nrows=1, ncols=n, squeeze=False)
    proposed = res.split.set_index("platform")["proposed"] if res.ok else pd.Series(dtype=float)
    for ax, c in zip(axes[0], curves):
        col = color(c.platform)
        d = c.days
        ax.scatter(d["spend"], d["y"], s=6, color=col, alpha=0.35, lw=0)
        grid = np.linspace(0, max(c.spend_range[1], 1e-9), 120)
        band = c.band(grid)
        ax.fill_between(grid, band["low"], band["high"], color=col, alpha=0.2, lw=0)
        ax.plot(grid, band["expected"], color=col, lw=1.8)
        ax.axvline(c.current_spend, color="#333333", lw=1)
        if c.platform in proposed.index:
            p = float(proposed[c.platform])
            ax.plot([p], [float(c.expected(p))], "^", color="#b03a48", ms=8)
        ax.set_title(name(c.platform), fontsize=10)
        ax.set_xlabel(text(lang, f"daily spend ({res.currency})",
                           f"günlük harcama ({res.currency})"))
    axes[0, 0].set_ylabel(text(lang, f"{res.outcome} a day", "günlük dönüşüm"))
    return _layout(fig, left=0.7, bottom=0.6, wspace=0.45, lang=lang)
