"""Charts of the audience analysis: one insight each, the finding as title."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from smm_nb.analysis.timing import BLOCKS, weekday_name
from smm_nb.viz.common import (DIMENSION_TR, WEEKDAY_SHORT, code, color, defn, empty, figure,
                               finish, interval_dots, name, num, pct, percent_axis, text,
                               word)


def persona_chart(fit, platform: str | None = None, dimension: str = "age", lang=None) -> Figure:
    """Audience share per bucket against the persona's even target, for one platform."""
    t = text(lang, "Audience against persona", "Kitle ve hedef persona")
    if not fit.available:
        return empty(t, fit.reason, lang)
    b = fit.buckets[fit.buckets["dimension"] == dimension]
    if b.empty:
        return empty(t, text(lang, f"No {dimension} breakdown in the audience export.",
                             f"Kitle dışa aktarımında {DIMENSION_TR.get(dimension, dimension)} "
                             "kırılımı yok."), lang)
    platform = platform or b.groupby("platform")["share"].size().idxmax()
    b = b[b["platform"] == platform]
    row = fit.frame[(fit.frame["platform"] == platform) & (fit.frame["dimension"] == dimension)]
    inside = float(row["share_inside"].iloc[0])
    dis = float(row["dissimilarity"].iloc[0])
    title = text(lang, f"{name(platform)}: {inside:.0%} of the audience is in the persona's "
                 f"{dimension} groups",
                 f"{name(platform)}: kitlenin {pct(lang, inside)} kadarı personanın "
                 f"{DIMENSION_TR.get(dimension, dimension)} gruplarında")
    note = text(lang, f"bars: audience share; line: persona target (even over the named groups); "
                f"dissimilarity {dis:.2f} (0 = same, 1 = disjoint)",
                f"çubuk: kitle payı; çizgi: persona hedefi (adı geçen gruplara eşit); "
                f"farklılık endeksi {num(lang, dis, 2)}")
    fig, ax = figure(title, note)
    x = np.arange(len(b))
    ax.bar(x, b["share"], color=["#1f4e79" if m else "#bbbbbb" for m in b["in_persona"]])
    ax.step(np.append(x, x[-1] + 1) - 0.5, np.append(b["target"], b["target"].iloc[-1]),
            where="post", color="#e07a1f", lw=2, label=text(lang, "persona target",
                                                            "persona hedefi"))
    ax.set_xticks(x)
    ax.set_xticklabels([text(lang, str(v), word(lang, v)) for v in b["bucket"]],
                       rotation=0 if len(b) < 9 else 45)
    percent_axis(ax)
    ax.set_ylabel(text(lang, "share of audience (%)", "kitle payı (%)"))
    ax.legend(loc="upper right")
    return finish(fig, lang=lang)


def platform_fit_chart(fit, lang=None) -> Figure:
    """Reachable share of the persona's age groups per platform (Pew only, one population)."""
    t = text(lang, "Platform fit", "Platform uygunluğu")
    if not fit.available:
        return empty(t, fit.reason, lang)
    f = fit.frame.sort_values("reachable_share")
    best = f.iloc[-1]
    title = text(lang, f"{name(best['platform'])} reaches the most of the persona's age groups: "
                 f"{best['reachable_share']:.0%}",
                 f"Personanın yaş gruplarına en çok {name(best['platform'])} ulaşıyor: "
                 f"{pct(lang, best['reachable_share'])}")
    years = sorted(set(f["survey_year"]))
    note = text(lang, f"share of {fit.population} in the persona's age groups who ever use each "
                f"platform; Pew Research Center, survey {', '.join(map(str, years))}; dark = "
                "client active",
                f"personanın yaş gruplarında platformu kullanan ABD'li yetişkinlerin payı; Pew "
                f"Research Center, {', '.join(map(str, years))}; koyu = müşteri aktif")
    fig, ax = figure(title, note, size=(7.5, max(2.8, 1.4 + 0.45 * len(f))))
    y = np.arange(len(f))
    ax.barh(y, f["reachable_share"],
            color=[color(p) if a else "#cccccc" for p, a in zip(f["platform"], f["active"])])
    ax.set_yticks(y)
    ax.set_yticklabels([f"{name(p)} (Pew {yr})" for p, yr in zip(f["platform"], f["survey_year"])])
    percent_axis(ax, "x")
    ax.set_xlim(0, 1)
    ax.set_xlabel(text(lang, "share of the persona's age groups using it (%)",
                       "personanın yaş gruplarında kullanım payı (%)"))
    return finish(fig, lang=lang)


def online_heatmap(oh, platform: str | None = None, lang=None) -> Figure:
    t = text(lang, "When followers are online", "Takipçiler ne zaman çevrim içi")
    if not oh.available:
        return empty(t, oh.reason, lang)
    platform = platform or sorted(oh.grid["platform"].unique())[0]
    g = oh.grid[oh.grid["platform"] == platform]
    mat = g.pivot_table(index="weekday", columns="hour", values="online").reindex(range(7))
    peak = oh.peaks[oh.peaks["platform"] == platform].sort_values("rank").iloc[0]
    wd = weekday_name(int(peak["weekday"]), code(lang))
    title = text(lang, f"{name(platform)} followers are most online {wd} {peak['hour_block']}",
                 f"{name(platform)} takipçileri en çok {wd} {peak['hour_block']} çevrim içi")
    fig, ax = figure(title, text(lang, "online followers relative to the peak hour (1 = peak), "
                                 "client time zone",
                                 "en yoğun saate göre çevrim içi takipçi (1 = zirve), müşteri "
                                 "saat dilimi"))
    im = ax.imshow(mat.to_numpy(), aspect="auto", cmap="Blues", vmin=0, vmax=1)
    ax.set_yticks(range(7))
    ax.set_yticklabels(WEEKDAY_SHORT[code(lang)])
    ax.set_xticks(range(0, 24, 3))
    ax.set_xlabel(text(lang, "hour of day (local)", "günün saati (yerel)"))
    ax.grid(False)
    fig.colorbar(im, ax=ax, label=text(lang, "share of peak", "zirveye oran"))
    return finish(fig, lang=lang)


def timing_heatmap(timing, platform: str | None = None, lang=None) -> Figure:
    """Shrunk lift per weekday x hour block; cells with too few posts left blank."""
    t = text(lang, "When posts work", "Gönderiler ne zaman işe yarıyor")
    if platform is None:
        cells = timing.pooled.copy()
        label = text(lang, "all platforms", "tüm platformlar")
    else:
        cells = timing.cells[timing.cells["platform"] == platform].copy()
        label = name(platform)
    ok = cells[cells["status"] == "ok"]
    if ok.empty:
        return empty(t, text(lang, f"{label}: no weekday x hour block has {timing.min_posts} "
                             "posts yet (insufficient data).",
                             f"{label}: hiçbir gün x saat diliminde henüz {timing.min_posts} "
                             "gönderi yok (yetersiz veri)."), lang)
    best = ok.sort_values(["shrunk_lift", "lift"], ascending=False).iloc[0]
    wd = weekday_name(int(best["weekday"]), code(lang))
    title = text(lang, f"{label}: best time {wd} {best['hour_block']}, "
                 f"{best['lift']:.2f}× the usual rate ({best['shrunk_lift']:.2f}× after shrinkage)",
                 f"{label}: en iyi zaman {wd} {best['hour_block']}, olağan oranın "
                 f"{num(lang, best['lift'], 2)} katı (küçültme sonrası "
                 f"{num(lang, best['shrunk_lift'], 2)})")
    note = text(lang, f"{timing.definition}; lift over the platform rate, shrunk toward 1 "
                f"(empirical Bayes); grey n=k = fewer than {timing.min_posts} posts, insufficient data",
                f"{defn(timing.definition, lang)}; platform oranına göre artış, 1'e doğru küçültülmüş "
                f"(ampirik Bayes); gri n=k = {timing.min_posts} gönderiden az, yetersiz veri")
    fig, ax = figure(title, note)
    mat = np.full((7, len(BLOCKS)), np.nan)
    for r in ok.itertuples():
        mat[int(r.weekday), BLOCKS.index(r.hour_block)] = r.shrunk_lift
    span = max(0.05, float(np.nanmax(np.abs(np.log(mat)))))
    im = ax.imshow(np.log(mat), aspect="auto", cmap="RdBu_r", vmin=-span, vmax=span)
    for i in range(7):
        for j in range(len(BLOCKS)):
            if np.isfinite(mat[i, j]):
                dark = abs(np.log(mat[i, j])) > 0.6 * span
                ax.text(j, i, num(lang, mat[i, j], 2), ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")
    thin = cells[(cells["status"] != "ok") & (cells["n"] > 0)]
    for r in thin.itertuples():  # posts exist but too few to judge: say so in the cell
        ax.text(BLOCKS.index(r.hour_block), int(r.weekday), f"n={int(r.n)}", ha="center",
                va="center", fontsize=6.5, color="#999999")
    ax.set_yticks(range(7))
    ax.set_yticklabels(WEEKDAY_SHORT[code(lang)])
    ax.set_xticks(range(len(BLOCKS)))
    ax.set_xticklabels(BLOCKS)
    ax.set_xlabel(text(lang, "hour block (local time)", "saat dilimi (yerel)"))
    ax.grid(False)
    cb = fig.colorbar(im, ax=ax)
    cb.set_label(text(lang, "lift (log scale; 0 = platform rate)",
                      "artış (log ölçek; 0 = platform oranı)"))
    return finish(fig, lang=lang)


def service_lines_chart(sl, lang=None) -> Figure:
    t = text(lang, "Service lines", "Hizmet alanları")
    if not sl.available:
        return empty(t, sl.reason, lang)
    f = sl.rates.sort_values(["platform", "value"])
    top = f.loc[f["value"].idxmax()]
    title = text(lang, f"{top['category']} on {name(top['platform'])} engages most: "
                 f"{top['value']:.2%}",
                 f"En çok etkileşim {name(top['platform'])} {word(lang, top['category'])}: "
                 f"{pct(lang, top['value'], 2)}")
    fig, ax = figure(title, defn(sl.definition, lang) + text(lang, "; 95% bootstrap intervals",
                                                 "; %95 bootstrap aralıkları"),
                     size=(7.5, max(2.8, 1.4 + 0.4 * len(f))))
    y = np.arange(len(f))
    interval_dots(ax, y, f["value"], f["low"], f["high"],
                  [color(p, i) for i, p in enumerate(f["platform"])],
                  [f"{name(p)}: {text(lang, c, word(lang, c))} (n={n})"
                   for p, c, n in zip(f["platform"], f["category"], f["n"])])
    percent_axis(ax, "x")
    ax.set_xlim(left=0)
    ax.set_xlabel(text(lang, f"engagements per {sl.basis} (%)", "etkileşim oranı (%)"))
    return finish(fig, lang=lang)
