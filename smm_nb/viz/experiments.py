"""Chart for notebook 04: the lift of each test arm against its control."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from smm_nb.analysis.experiments import ExperimentResult, ExperimentsResult
from smm_nb.viz.common import RatioFormatter, local_ticks, num, tight_layout, word
from smm_nb.viz.theme import PALETTE


def _t(lang, en: str, tr: str) -> str:
    return lang.text(en=en, tr=tr) if lang is not None else en


#: Subgroup cuts of an experiment (``analysis.experiments``) and their levels, in Turkish;
#: category levels are the client's own words and stay as written.
CUT_TR = {"category": "kategori", "weekend": "hafta sonu", "daypart": "gün dilimi"}
LEVEL_TR = {"weekend": "hafta sonu", "weekday": "hafta içi", "morning": "sabah",
            "afternoon": "öğleden sonra", "evening": "akşam"}


def lift_chart(res: ExperimentsResult | ExperimentResult, lang=None,
               cuts: bool = False) -> Figure:
    """Rate ratio of every arm against its control with the 95 % interval (log scale).

    The shaded band is the range of lifts too small to act on (below the smallest lift
    worth acting on); early looks are drawn hollow. With ``cuts`` the exploratory
    subgroup estimates of a single experiment are added beneath (grey).
    """
    results = res.results if isinstance(res, ExperimentsResult) else (res,)
    rows = []
    for r in results:
        for c in r.comparisons.itertuples():
            rows.append((f"{r.name}: {c.arm} / {r.control}", c.rate_ratio, c.low, c.high,
                         r.early_look, PALETTE[0], r.min_lift, r.metric))
        if cuts and not r.cuts.empty:
            for c in r.cuts.itertuples():
                cut = _t(lang, f"{c.cut} = {c.level}", f"{CUT_TR.get(c.cut, c.cut)} = "
                         f"{LEVEL_TR.get(c.level, c.level)}")
                rows.append((f"  {cut}", c.rate_ratio, c.low, c.high, False,
                             "#9a9a9a", r.min_lift, r.metric))
    fig = Figure(figsize=(8, 1.4 + 0.42 * max(len(rows), 1)))
    ax = fig.subplots()
    if not rows:
        ax.text(0.5, 0.5, _t(lang, "No experiments to show", "Gösterilecek deney yok"),
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    lift = rows[0][6]
    ax.axvspan(1 / lift, lift, color="#eeeeee", zorder=0)
    ax.axvline(1, color="#777777", lw=1)
    for i, (label, est, lo, hi, early, color, _, _) in enumerate(rows):
        if not np.isfinite(est):
            ax.text(1, i, _t(lang, "insufficient data", "yetersiz veri"), va="center",
                    fontsize=8)
            continue
        ax.plot([lo, hi], [i, i], color=color, lw=3, solid_capstyle="butt")
        ax.plot(est, i, "o", ms=8, color=color, mfc="white" if early else color, mew=2)
        ax.text(hi * 1.03, i, f"×{num(lang, est, 2)}" + (_t(lang, "  early look", "  erken bakış")
                                                if early else ""), va="center", fontsize=8)
    ax.set_xscale("log")
    ticks = [0.5, 0.67, 0.8, 1, 1.25, 1.5, 2]
    lows = [r[2] for r in rows if np.isfinite(r[2])]
    highs = [r[3] for r in rows if np.isfinite(r[3])]
    lo_all, hi_all = (min(lows) if lows else 0.5), (max(highs) if highs else 2.0)
    ax.set_xlim(min(lo_all, 1 / lift) / 1.1, max(hi_all, lift) * 1.35)
    ax.set_xticks([t for t in ticks if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]])
    ax.xaxis.set_major_formatter(RatioFormatter(before=True))
    ax.xaxis.set_minor_formatter(lambda x, _: "")
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.invert_yaxis()
    metric = rows[0][7]
    ax.set_xlabel(_t(lang, f"rate ratio of {metric} against the control (95% CI, log scale)",
                     f"kontrole göre {word(lang, metric)} oran katsayısı (%95 GA, log ölçek)"))
    ax.set_title(_t(lang, "Content tests: lift of each arm over its control",
                    "İçerik testleri: her kolun kontrole göre artışı"))
    local_ticks(fig, lang)
    tight_layout(fig)
    return fig
