"""Chart for notebook 04: attributed return on ad spend by campaign."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from smm_nb.analysis.roi import RoiResult
from smm_nb.viz.common import local_ticks, name, num, tight_layout, turkish_number_text
from smm_nb.viz.theme import PALETTE

KIND_TR = {"ad": "reklam", "boost": "öne çıkarma", "influencer": "influencer",
           "sponsorship": "sponsorluk", "other": "diğer"}
KIND_COLORS = {"ad": PALETTE[0], "boost": PALETTE[1], "influencer": PALETTE[2],
               "sponsorship": PALETTE[3], "other": PALETTE[5]}


def _t(lang, en: str, tr: str) -> str:
    return lang.text(en=en, tr=tr) if lang is not None else en


def roas_chart(res: RoiResult, lang=None, target: float | None = None) -> Figure:
    """ROAS per campaign with its 95 % interval, coloured by kind; break-even at 1."""
    fig = Figure(figsize=(8, 1.5 + 0.45 * max(len(res.by_campaign), 1)))
    ax = fig.subplots()
    if not res.has_spend or res.by_campaign.empty:
        ax.text(0.5, 0.5, _t(lang, "No spend recorded", "Kayıtlı harcama yok"), ha="center",
                va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    c = res.by_campaign.sort_values("roas", ascending=False).reset_index(drop=True)
    for i, r in c.iterrows():
        color = KIND_COLORS.get(r["kind"], PALETTE[5])
        roas = r["roas"] if np.isfinite(r["roas"]) else 0.0
        kind = _t(lang, r["kind"], KIND_TR.get(r["kind"], r["kind"]))
        ax.barh(i, roas, color=color, height=0.6,
                label=kind if kind not in ax.get_legend_handles_labels()[1] else None)
        if np.isfinite(r["roas_low"]):
            ax.plot([r["roas_low"], r["roas_high"]], [i, i], color="#222222", lw=1.2)
        ax.text(max(roas, r["roas_high"] if np.isfinite(r["roas_high"]) else roas) * 1.02, i,
                f"×{num(lang, roas, 1)}  ({res.currency} {num(lang, r['spend'])})", va="center", fontsize=8)
    ax.axvline(1.0, color="#b03a48", lw=1.5, label=_t(lang, "break-even", "başa baş"))
    if target:
        ax.axvline(target, color="#222222", lw=1, ls="--",
                   label=_t(lang, f"target ×{target:g}",
                            f"hedef ×{turkish_number_text(f'{target:g}')}"))
    ax.set_yticks(range(len(c)), [f"{_t(lang, r.platform, name(r.platform))}: {r.campaign}"
                                  for r in c.itertuples()])
    ax.invert_yaxis()
    ax.set_xlim(0, max(c["roas_high"].fillna(c["roas"]).max(), 1.5) * 1.35)
    ax.set_xlabel(_t(lang, "ROAS = platform-attributed revenue / spend (95% CI)",
                     "ROAS = platformun atfettiği gelir / harcama (%95 GA)"))
    t = res.total
    ax.set_title(_t(lang, f"Paid activity returned ×{t['roas']:.1f} its spend (attributed)",
                    f"Ücretli faaliyet harcamasının ×{num(lang, t['roas'], 1)} katını getirdi "
                    "(atfedilen)"))
    ax.legend(loc="lower right")
    local_ticks(fig, lang)
    tight_layout(fig)
    return fig
