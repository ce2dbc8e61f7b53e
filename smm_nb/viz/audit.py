"""Charts of the audit: one insight each, the finding as title, definitions under it."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from smm_nb.viz.common import (capital, color, day, defn, empty, figure, finish, interval_dots,
                               month_axis, name, num, pct, percent_axis, ratio_axis, text, word)

DEN_TR = {"reach": "erişim", "impressions": "gösterim", "followers": "takipçi"}
STAT_TR = {"median": "gönderi oranlarının medyanı", "mean": "gönderi oranlarının ortalaması",
           "ratio": "toplamların oranı"}


def engagement_rates_chart(rates, basis: str = "reach", statistic: str = "median", lang=None,
                           benchmarks=None) -> Figure:
    """Engagement rate per platform with 95% bootstrap intervals; benchmark markers only of
    the same denominator and statistic."""
    f = rates.frame[(rates.frame["basis"] == basis) & (rates.frame["statistic"] == statistic)]
    f = f[np.isfinite(f["value"])].sort_values("value")
    t_empty = text(lang, "Engagement rate", "Etkileşim oranı")
    if f.empty:
        return empty(t_empty, text(lang, f"No posts with a known {basis}.",
                                   f"{DEN_TR.get(basis, basis)} bilgisi olan gönderi yok."),
                     lang)
    top = f.iloc[-1]
    title = text(lang,
                 f"{name(top['platform'])} posts engage most: {top['value']:.2%} of {basis}",
                 f"En çok etkileşim {name(top['platform'])}'da: {DEN_TR[basis]} başına "
                 f"{pct(lang, top['value'], 2)}")
    note = defn(str(top["definition"]), lang) + text(lang, "; 95% bootstrap intervals",
                                         "; %95 bootstrap aralıkları")
    fig, ax = figure(title, note, size=(7.5, max(2.8, 1.4 + 0.55 * len(f))))
    y = np.arange(len(f))
    interval_dots(ax, y, f["value"], f["low"], f["high"],
                  [color(p, i) for i, p in enumerate(f["platform"])],
                  [f"{name(p)} (n={n})" for p, n in zip(f["platform"], f["n"])])
    if benchmarks is not None:
        shown = False
        for i, p in enumerate(f["platform"]):
            for c in benchmarks.get(p, basis):
                if c.statistic == statistic:
                    ax.plot(c.benchmark.value, i, marker="|", ms=16, mew=2, color="#888888",
                            label=None if shown else text(lang, "published benchmark",
                                                          "yayımlanmış kıyaslama"))
                    shown = True
        if shown:
            ax.legend(loc="lower right")
    percent_axis(ax, "x")
    ax.set_xlabel(text(lang, f"engagements per {basis} (%)",
                       f"{DEN_TR[basis]} başına etkileşim (%)"))
    ax.set_xlim(left=0)
    return finish(fig, lang=lang)


def monthly_trend_chart(trend, lang=None) -> Figure:
    f = trend.frame
    t = text(lang, "Monthly engagement rate", "Aylık etkileşim oranı")
    if f.empty or f["month"].nunique() < 2:
        return empty(t, text(lang, "Fewer than two months with enough posts: no trend yet.",
                             "Yeterli gönderisi olan ay sayısı ikiden az: henüz eğilim yok."),
                     lang)
    s = trend.slopes.dropna(subset=["change_per_month"])
    if len(s):
        r = s.loc[s["change_per_month"].abs().idxmax()]
        sig = (r["low"] > 0) or (r["high"] < 0)
        title = text(lang, f"{name(r['platform'])}: engagement rate "
                     f"{'changes' if sig else 'shows no clear change,'} "
                     f"{r['change_per_month']:+.1%} a month",
                     f"{name(r['platform'])}: etkileşim oranı ayda {pct(lang, r['change_per_month'], 1, True)}"
                     f"{'' if sig else ' (belirgin değişim yok)'}")
    else:
        title = t
    fig, ax = figure(title, defn(trend.definition, lang) + text(lang, "; bands: 95% bootstrap intervals",
                                                    "; bantlar: %95 bootstrap aralıkları"))
    for i, (p, g) in enumerate(f.groupby("platform", sort=True)):
        x = g["month"].dt.to_timestamp()
        ax.plot(x, g["value"], marker="o", ms=3, color=color(p, i), label=name(p))
        ax.fill_between(x, g["low"], g["high"], color=color(p, i), alpha=0.15, lw=0)
    percent_axis(ax)
    ax.set_ylabel(text(lang, f"engagements per {trend.basis} (%)",
                       f"{DEN_TR[trend.basis]} başına etkileşim (%)"))
    ax.set_xlabel(text(lang, "month", "ay"))
    month_axis(ax, lang)
    ax.set_ylim(bottom=0)
    ax.legend(ncol=4, loc="upper left")
    return finish(fig, lang=lang)


def rate_ratio_chart(rr, lang=None, what: str | None = None) -> Figure:
    """Forest plot of rate ratios (log scale) against each platform's reference level."""
    f = rr.frame[rr.frame["status"] == "ok"]
    what = what or rr.by
    t = text(lang, f"Engagement by {what}",
             f"{capital(lang, word(lang, what))} bazında etkileşim")
    if f.empty:
        return empty(t, text(lang, f"Too few posts per {what} to compare.",
                             "Karşılaştırma için yeterli gönderi yok."), lang)
    f = f.sort_values(["platform", "rate_ratio"])
    best = f.loc[f["rate_ratio"].idxmax()]
    title = text(lang, f"{name(best['platform'])}: {best['level']} posts engage "
                 f"{best['rate_ratio']:.2f}× as much as {best['reference']} posts",
                 f"{name(best['platform'])}: {word(lang, best['level'])}, "
                 f"{word(lang, best['reference'])} ile "
                 f"kıyaslandığında {num(lang, best['rate_ratio'], 2)}× etkileşim alıyor")
    note = defn(rr.definition, lang) + text(lang, "; 95% CI; 1× = the reference",
                                "; %95 GA; 1× = referans")
    fig, ax = figure(title, note, size=(7.5, max(2.8, 1.4 + 0.45 * len(f))))
    y = np.arange(len(f))
    interval_dots(ax, y, f["rate_ratio"], f["low"], f["high"],
                  [color(p, i) for i, p in enumerate(f["platform"])],
                  [text(lang, f"{name(p)}: {lv} vs {ref} (n={n})",
                        f"{name(p)}: {word(lang, lv)} (referans {word(lang, ref)}, n={n})")
                   for p, lv, ref, n in zip(f["platform"], f["level"], f["reference"], f["n"])])
    ax.axvline(1, color="#888888", lw=1, ls="--")
    ax.set_xscale("log")
    ratio_axis(ax, lo=float(np.nanmin(f["low"])), hi=float(np.nanmax(f["high"])))
    ax.set_xlabel(text(lang, "rate ratio (log scale)", "oran oranı (log ölçek)"))
    return finish(fig, lang=lang)


def activity_chart(activity, lang=None) -> Figure:
    w = activity.weekly
    t = text(lang, "Posts per week", "Haftalık gönderi")
    if w.empty:
        return empty(t, text(lang, "No posts.", "Gönderi yok."), lang)
    r = activity.frame.sort_values("empty_week_share", ascending=False).iloc[0]
    if r["empty_weeks"] > 0:
        title = text(lang, f"{name(r['platform'])} went {int(r['empty_weeks'])} of "
                     f"{int(r['weeks'])} weeks without a post",
                     f"{name(r['platform'])}: {int(r['weeks'])} haftanın "
                     f"{int(r['empty_weeks'])} tanesinde gönderi yok")
    else:
        title = text(lang, "Every platform posted every week",
                     "Her platformda her hafta gönderi var")
    fig, ax = figure(title, text(lang, "posts per calendar week (Monday start), client time zone",
                                 "takvim haftası başına gönderi (pazartesi), müşteri saat dilimi"))
    for i, (p, g) in enumerate(w.groupby("platform", sort=True)):
        ax.step(pd.to_datetime(g["week"]), g["posts"], where="post", color=color(p, i),
                label=name(p))
    ax.set_ylabel(text(lang, "posts per week", "haftalık gönderi"))
    ax.set_xlabel(text(lang, "week", "hafta"))
    month_axis(ax, lang)
    ax.set_ylim(bottom=0)
    ax.legend(ncol=4, loc="upper left")
    return finish(fig, lang=lang)


def growth_chart(growth, lang=None) -> Figure:
    m = growth.monthly
    t = text(lang, "Follower growth", "Takipçi büyümesi")
    m = m[m["complete"]] if len(m) else m
    if m.empty:
        return empty(t, text(lang, "No complete month of follower counts yet.",
                             "Henüz tam bir aylık takipçi verisi yok."), lang)
    g = growth.frame.dropna(subset=["recent_growth_pct"])
    r = g.loc[g["recent_growth_pct"].idxmax()]
    title = text(lang, f"{name(r['platform'])} grows fastest: {r['recent_growth_pct']:+.1%} "
                 "followers a month",
                 f"En hızlı büyüyen {name(r['platform'])}: ayda "
                 f"{pct(lang, r['recent_growth_pct'], 1, True)} "
                 "takipçi")
    fig, ax = figure(title, text(lang, "net follower change in the month / followers at its "
                                 "start; complete months only",
                                 "ay içindeki net takipçi değişimi / ay başındaki takipçi; "
                                 "yalnızca tam aylar"))
    for i, (p, gg) in enumerate(m.groupby("platform", sort=True)):
        ax.plot(gg["month"].dt.to_timestamp(), gg["growth_pct"], marker="o", ms=3,
                color=color(p, i), label=name(p))
    ax.axhline(0, color="#888888", lw=0.8)
    percent_axis(ax)
    ax.set_ylabel(text(lang, "net growth per month (%)", "aylık net büyüme (%)"))
    ax.set_xlabel(text(lang, "month", "ay"))
    month_axis(ax, lang)
    ax.legend(ncol=4, loc="upper right")
    return finish(fig, lang=lang)


def share_of_voice_chart(cc, lang=None) -> Figure:
    t = text(lang, "Share of voice", "Ses payı")
    if not cc.available:
        return empty(t, cc.reason, lang)
    f = cc.frame.copy()
    client = f[f["is_client"]].sort_values("posts", ascending=False).iloc[0]
    title = text(lang, f"{name(client['platform'])}: {client['share_posts']:.0%} of posts, "
                 f"{client['share_engagements']:.0%} of engagements",
                 f"{name(client['platform'])}: gönderilerin {pct(lang, client['share_posts'])} "
                 f"kadarı, etkileşimlerin {pct(lang, client['share_engagements'])} kadarı")
    note = text(lang, f"accounts compared, {cc.start.date()} to {cc.end.date()}; engagements as "
                "each export counts them",
                f"karşılaştırılan hesaplar, {day(lang, cc.start.date())} – "
                f"{day(lang, cc.end.date())}")
    fig, ax = figure(title, note, size=(7.5, max(2.8, 1.4 + 0.5 * len(f))))
    labels = [f"{name(p)}: {a if not c else text(lang, 'client', 'müşteri')}"
              for p, a, c in zip(f["platform"], f["account"], f["is_client"])]
    y = np.arange(len(f))
    ax.barh(y - 0.2, f["share_posts"], height=0.38, color="#1f4e79",
            label=text(lang, "posts", "gönderi"))
    ax.barh(y + 0.2, f["share_engagements"], height=0.38, color="#e07a1f",
            label=text(lang, "engagements", "etkileşim"))
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    percent_axis(ax, "x")
    ax.set_xlabel(text(lang, "share within the platform (%)", "platform içindeki pay (%)"))
    ax.legend(loc="lower right")
    return finish(fig, lang=lang)


def response_time_chart(cm, lang=None) -> Figure:
    t = text(lang, "Response time", "Yanıt süresi")
    if not cm.available:
        return empty(t, cm.reason, lang)
    f = cm.frame[cm.frame["hours"] != "all"]
    f = f[np.isfinite(f["median_hours"])]
    b, o = cm.get("all", "business"), cm.get("all", "off")
    title = text(lang, f"First replies take {b['median_hours']:.1f} h in business hours, "
                 f"{o['median_hours']:.1f} h off hours",
                 f"İlk yanıt mesai saatinde {num(lang, b['median_hours'], 1)} sa, mesai dışında "
                 f"{num(lang, o['median_hours'], 1)} sa") if b is not None and o is not None else t
    fig, ax = figure(title, text(lang, "median hours to the first reply, answered messages; "
                                 "business hours Mon-Fri 09-18; 95% bootstrap intervals",
                                 "ilk yanıta kadar medyan saat; mesai Pzt-Cum 09-18; %95 "
                                 "bootstrap aralıkları"),
                     size=(7.5, max(2.8, 1.4 + 0.4 * len(f))))
    y = np.arange(len(f))
    cols = ["#1f4e79" if h == "business" else "#e07a1f" for h in f["hours"]]
    interval_dots(ax, y, f["median_hours"], f["low"], f["high"], cols,
                  [f"{name(p) if p != 'all' else text(lang, 'all', 'tümü')}: "
                   f"{text(lang, h, {'business': 'mesai', 'off': 'mesai dışı'}[h])}"
                   for p, h in zip(f["platform"], f["hours"])])
    ax.set_xlabel(text(lang, "hours to first reply", "ilk yanıta kadar saat"))
    ax.set_xlim(left=0)
    return finish(fig, lang=lang)


def competitor_followers_chart(cc, lang=None) -> Figure:
    """Followers of the client and each competitor, indexed to 100 at the start of the
    common period, per platform with competitors (the one with most accounts)."""
    t = text(lang, "Follower growth against competitors", "Rakiplere göre takipçi büyümesi")
    if not cc.available or cc.followers.empty:
        return empty(t, cc.reason or text(lang, "No follower counts to compare.",
                                          "Karşılaştırılacak takipçi sayısı yok."), lang)
    plat = cc.frame.groupby("platform").size().idxmax()
    f = cc.frame[cc.frame["platform"] == plat]
    client = f[f["is_client"]].iloc[0]
    others = f[~f["is_client"]]
    best = others.loc[others["growth_pct"].idxmax()] if len(others) else None
    title = text(lang, f"{name(plat)}: client followers {client['growth_pct']:+.0%} vs "
                 f"{best['account']} {best['growth_pct']:+.0%}" if best is not None else t,
                 f"{name(plat)}: müşteri takipçileri {pct(lang, client['growth_pct'], 0, True)}, "
                 f"{best['account']} {pct(lang, best['growth_pct'], 0, True)}"
                 if best is not None else t)
    fig, ax = figure(title, text(lang, f"followers, 100 = {cc.start.date()}; "
                                 "competitor counts as their export gives them",
                                 f"takipçi, 100 = {day(lang, cc.start.date())}"))
    fol = cc.followers[(cc.followers["platform"] == plat)]
    fol = fol[(pd.to_datetime(fol["date"]) >= cc.start) & (pd.to_datetime(fol["date"]) <= cc.end)]
    for i, (acc, g) in enumerate(fol.groupby("account", sort=True)):
        g = g.sort_values("date")
        base = g["followers"].iloc[0]
        lbl = text(lang, "client", "müşteri") if acc == "client" else acc
        ax.plot(pd.to_datetime(g["date"]), 100 * g["followers"] / base, label=lbl,
                lw=2.2 if acc == "client" else 1.2,
                color=color(plat) if acc == "client" else ["#8c8c8c", "#c9a227", "#7f6a93"][i % 3])
    ax.set_ylabel(text(lang, "followers (index, start = 100)", "takipçi (endeks, başlangıç = 100)"))
    ax.set_xlabel(text(lang, "date", "tarih"))
    month_axis(ax, lang)
    ax.legend(loc="upper left")
    return finish(fig, lang=lang)
