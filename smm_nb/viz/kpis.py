"""Chart for notebook 04: KPIs against their targets as bullet charts."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from smm_nb.analysis.kpis import KpiStatus
from smm_nb.viz.common import local_ticks, name, num, pct, tight_layout, word

STATUS_COLORS = {"met": "#3a9d5d", "on track": "#3a9d5d", "within noise": "#c9a227",
                 "behind": "#b03a48", "no data": "#8c8c8c"}


STATUS_TR = {"met": "tuttu", "on track": "yolunda", "within noise": "belirsiz",
             "behind": "geride", "no data": "veri yok"}


def _t(lang, en: str, tr: str) -> str:
    return lang.text(en=en, tr=tr) if lang is not None else en


def kpi_bullets(status: KpiStatus, lang=None) -> Figure:
    """One bullet per KPI: progress towards the target (target = 100 %).

    For "at most" targets (costs, response times) progress is target / value, so that
    right is always better. Grey bands: under 80 %, 80-100 %, beyond the target.
    """
    fr = status.frame
    n = max(len(fr), 1)
    fig = Figure(figsize=(8, 1.3 + 0.42 * n))
    ax = fig.subplots()
    if fr.empty:
        ax.text(0.5, 0.5, _t(lang, "No KPI targets set", "KPI hedefi tanımlanmamış"),
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    xmax = 1.6
    for lo, hi, shade in ((0, 0.8, "#dddddd"), (0.8, 1.0, "#e9e9e9"), (1.0, xmax, "#f4f4f4")):
        ax.axvspan(lo, hi, color=shade, zorder=0)
    labels = []
    for i, r in enumerate(fr.itertuples()):
        plat = r.platform if isinstance(r.platform, str) else _t(lang, "all", "tümü")
        labels.append(_t(lang, f"{r.metric} ({plat})",
                         f"{word(lang, r.metric)} ({name(plat)})"))
        color = STATUS_COLORS.get(r.status, "#8c8c8c")
        if r.value is None or not np.isfinite(r.value) or not r.target:
            ax.text(0.02, i, _t(lang, "no data", "veri yok"), va="center", fontsize=8)
            continue
        at_most = r.direction == "at_most"
        prog = (r.target / r.value if r.value > 0 else xmax) if at_most else r.value / r.target
        ax.barh(i, min(prog, xmax), height=0.35, color=color)
        right = min(prog, xmax)
        if np.isfinite(r.low) and np.isfinite(r.high) and r.low > 0:
            a, b = ((r.target / r.high, r.target / r.low) if at_most
                    else (r.low / r.target, r.high / r.target))
            ax.plot([min(a, xmax), min(b, xmax)], [i + 0.28, i + 0.28], color="#333333",
                    lw=1)
        ax.text(min(right, xmax - 0.35) + 0.02, i - 0.28, f"{_fmt(r.value, r.metric, lang)} / "
                f"{_fmt(r.target, r.metric, lang)} · "
                f"{_t(lang, r.status, STATUS_TR.get(r.status, r.status))}",
                va="center", fontsize=8)
    ax.axvline(1.0, color="#222222", lw=2)
    ax.set_xlim(0, xmax)
    ax.xaxis.set_major_formatter(lambda x, _: pct(lang, x))
    ax.set_yticks(range(len(fr)), labels)
    ax.set_ylim(len(fr) - 0.5, -0.8)  # top to bottom, room for the first label
    ax.set_xlabel(_t(lang, "share of target reached (value / target; costs: target / value)",
                     "hedefe ulaşma oranı (değer / hedef; maliyetlerde hedef / değer)"))
    met = int(fr["status"].isin(["met", "on track"]).sum())
    ax.set_title(_t(lang, f"{met} of {len(fr)} KPIs met or on track",
                    f"{len(fr)} KPI'dan {met} tanesi tuttu veya yolunda"))
    local_ticks(fig, lang)
    tight_layout(fig)
    return fig


def _fmt(x: float, metric: str, lang=None) -> str:
    if metric.startswith("er_") or metric.endswith("_rate") or metric == "ctr":
        return pct(lang, x, 1)
    if abs(x) >= 10:
        return num(lang, x)
    if x == 0 or float(f"{x:.2g}").is_integer():
        return num(lang, float(f"{x:.2g}"))
    return num(lang, x, max(0, 1 - int(np.floor(np.log10(abs(x))))))  # 2 significant digits
