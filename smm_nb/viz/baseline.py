"""Charts for notebook 03: the launch baseline and the interrupted time series."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from smm_nb.analysis.baseline import Baseline
from smm_nb.analysis.its import ItsEffect
from smm_nb.viz.common import (day, local_ticks, month_axis, name, num, pct, said,
                               tight_layout)
from smm_nb.viz.theme import PALETTE, PLATFORM_COLORS


def _t(lang, en: str, tr: str) -> str:
    return lang.text(en=en, tr=tr) if lang is not None else en


DEN_TR = {"reach": "erişim", "impressions": "gösterim", "followers": "takipçi"}


_LABELS = {
    "posts_per_week": ("posts per week", "haftalık gönderi"),
    "reach_per_post": ("reach per post (people)", "gönderi başına erişim (kişi)"),
    "impressions_per_post": ("impressions per post", "gönderi başına gösterim"),
    "follower_growth_per_day": ("net new followers per day", "günlük net yeni takipçi"),
}


def baseline_chart(base: Baseline, lang=None,
                   metrics: tuple[str, ...] | None = None) -> Figure:
    """Median (dot), 95 % interval (thick) and IQR (thin) per platform and metric."""
    er = f"er_{base.er_basis}"
    den_tr = DEN_TR.get(base.er_basis, base.er_basis)
    metrics = metrics or ("posts_per_week", "reach_per_post", er, "follower_growth_per_day")
    fr = base.frame
    plats = list(dict.fromkeys(fr["platform"]))
    fig = Figure(figsize=(9, 1.2 + 0.45 * len(plats) * 1.0 + 1.2))
    axes = fig.subplots(1, len(metrics), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, m in zip(axes, metrics):
        en, tr = _LABELS.get(m, (f"engagement rate ({base.er_basis})",
                                 f"etkileşim oranı ({den_tr})"))
        for i, p in enumerate(plats):
            r = fr.loc[(fr["platform"] == p) & (fr["metric"] == m)]
            if r.empty or not np.isfinite(r["value"].iloc[0]):
                ax.text(0.5, i, "–", ha="center", va="center", transform=ax.get_yaxis_transform())
                continue
            r = r.iloc[0]
            c = PLATFORM_COLORS.get(p, PALETTE[0])
            ax.plot([r["q1"], r["q3"]], [i, i], color=c, lw=1.2, alpha=0.6)
            ax.plot([r["low"], r["high"]], [i, i], color=c, lw=4, alpha=0.9,
                    solid_capstyle="butt")
            ax.plot(r["value"], i, "o", color="white", mec=c, mew=2, ms=7)
        ax.set_title(_t(lang, en, tr), fontsize=9, loc="left", fontweight="normal")
        if m.startswith("er_"):
            ax.xaxis.set_major_formatter(lambda x, _: pct(lang, x, 1))
        ax.set_xlim(left=0)
        ax.set_yticks(range(len(plats)), [_t(lang, p, name(p)) for p in plats])
        ax.set_ylim(-0.6, len(plats) - 0.4)
        ax.invert_yaxis()
    fig.suptitle(_t(lang, f"Launch baseline {base.start} – {base.end}: median (dot), 95% CI "
                          "(thick), middle half of posts (thin)",
                    f"Lansman temel çizgisi {day(lang, base.start)} – {day(lang, base.end)}: "
                    "medyan (nokta), %95 GA "
                    "(kalın), gönderilerin orta yarısı (ince)"), fontsize=10, x=0.01, ha="left")
    fig.text(0.01, 0.01, _t(lang, "Engagement rate = public engagements (likes + comments + "
                                  f"shares + saves) / {base.er_basis}, median of posts.",
                            "Etkileşim oranı = herkese açık etkileşimler (beğeni + yorum + "
                            f"paylaşım + kaydetme) / {den_tr}, gönderilerin medyanı."),
             fontsize=8, color="#555555")
    local_ticks(fig, lang)
    tight_layout(fig, rect=(0, 0.05, 1, 0.92))  # = fig.tight_layout, measured once
    return fig


def its_chart(effect: ItsEffect, lang=None) -> Figure:
    """Daily values, the fitted model and the earlier trend carried on."""
    fig = Figure(figsize=(8, 3.6))
    ax = fig.subplots()
    s = effect.series
    plat = effect.platform
    c = PLATFORM_COLORS.get(plat, PALETTE[0])
    metric_en = {"reach": "daily reach (people)", "impressions": "daily impressions",
                 "follower_gains": "new followers per day"}.get(effect.metric, effect.metric)
    metric_tr = {"reach": "günlük erişim (kişi)", "impressions": "günlük gösterim",
                 "follower_gains": "günlük yeni takipçi"}.get(effect.metric, effect.metric)
    if s.empty:
        ax.text(0.5, 0.5, said(lang, effect.reason or ""), ha="center", va="center",
                wrap=True, transform=ax.transAxes, fontsize=9)
        ax.set_axis_off()
        fig.suptitle(f"{_t(lang, plat, name(plat))}: {_t(lang, metric_en, metric_tr)}",
                     x=0.01, ha="left")
        return fig
    ax.plot(s["date"], s["observed"], color=c, lw=0.8, alpha=0.5,
            label=_t(lang, "observed", "gözlenen"))
    ax.plot(s["date"], s["fitted"], color=c, lw=2, label=_t(lang, "model", "model"))
    ax.plot(s["date"], s["counterfactual"], color="#555555", lw=1.5, ls="--",
            label=_t(lang, "earlier trend carried on", "önceki eğilim sürseydi"))
    ax.axvline(np.datetime64(effect.event.date), color="#999999", lw=1)
    ax.set_ylabel(_t(lang, metric_en, metric_tr))
    month_axis(ax, lang)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    ratio = (f"×{num(lang, effect.level_ratio, 2)} ({num(lang, effect.level_low, 2)}–"
             f"{num(lang, effect.level_high, 2)})")
    ev_en = "launch" if effect.event.key == "launch" else "plan change"
    ev_tr = "lansman" if effect.event.key == "launch" else "plan değişikliği"
    if effect.significant:
        title = _t(lang, f"{plat} {metric_en}: level {ratio} at the {ev_en}",
                   f"{name(plat)} {metric_tr}: {ev_tr} ile düzey {ratio}")
    else:
        title = _t(lang, f"{plat} {metric_en}: no measurable change at the {ev_en} ({ratio})",
                   f"{name(plat)} {metric_tr}: {ev_tr} sonrası ölçülebilir değişim yok "
                   f"({ratio})")
    ax.set_title(title)
    local_ticks(fig, lang)
    tight_layout(fig)
    return fig
