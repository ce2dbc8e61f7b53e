"""The audit's scorecard and its headline sentences.

One row per platform, a status per area (``good`` / ``watch`` / ``act``, or ``n/a`` when
the data cannot say) and the reason, each derived from a result object with the rule
written next to it. The headline sentences are built from the same results: a sentence
exists only when its numbers do (no template with blanks left empty).

The ``lang`` argument is any object with ``text``, ``percent``, ``ratio``, ``number`` and
``interval`` (:class:`smm_nb.report.language.Language`), passed in so that analysis does
not import the report layer.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smm_nb.report.findings import Finding

GOOD, WATCH, ACT, NA = "good", "watch", "act", "n/a"
AREAS = ("presence", "activity", "growth", "engagement", "trend", "community", "data")
PLATFORM_NAMES = {"instagram": "Instagram", "facebook": "Facebook", "x": "X",
                  "linkedin": "LinkedIn", "tiktok": "TikTok", "youtube": "YouTube"}
FORMAT_NAMES = {"en": {"image": "images", "reel": "reels", "carousel": "carousels",
                       "video": "videos", "story": "stories", "text": "text posts",
                       "link": "link posts"},
                "tr": {"image": "görseller", "reel": "reels", "carousel": "karuseller",
                       "video": "videolar", "story": "hikâyeler", "text": "metin gönderileri",
                       "link": "bağlantı gönderileri"}}
#: Thresholds, stated once so the reasons can quote them.
CADENCE_GOOD, CADENCE_ACT = 0.8, 0.5  # share of the benchmark's posts per week
EMPTY_WEEKS_WATCH, EMPTY_WEEKS_ACT = 0.10, 0.25
GROWTH_WATCH = 0.01  # monthly net growth below 1% is slow
RESPONSE_GOOD_H, RESPONSE_ACT_H = 4.0, 24.0
MISSING_DAYS_ACT = 0.10


def platform_name(p: str) -> str:
    return PLATFORM_NAMES.get(p, p)


@dataclass(frozen=True)
class Scorecard:
    """``frame``: platform, area, status, reason (long); :meth:`summary_frame` is wide."""

    frame: pd.DataFrame

    title = "Scorecard: good / watch / act per platform and area"

    def summary_frame(self) -> pd.DataFrame:
        if self.frame.empty:
            return pd.DataFrame(columns=["platform"])
        f = self.frame.assign(cell=self.frame["status"] + ": " + self.frame["reason"])
        wide = f.pivot(index="platform", columns="area", values="cell")
        wide = wide[[a for a in AREAS if a in wide.columns]].reset_index()
        wide.columns.name = None
        return wide

    def status(self, platform: str, area: str) -> str:
        f = self.frame[(self.frame["platform"] == platform) & (self.frame["area"] == area)]
        return NA if f.empty else str(f.iloc[0]["status"])

    def to_findings(self, key: str) -> list[Finding]:
        return [Finding(f"{key}.{r.platform}.{r.area}", r.status, r.reason, "text")
                for r in self.frame.itertuples()]


def scorecard(presence, activity, growth, rates, trend, quality, cadence=None,
              benchmarks=None, community=None, basis: str = "reach") -> Scorecard:
    """Status per platform and area from the audit's results.

    Rules: presence ok -> good, not configured -> watch, stale / no data -> act.
    Activity: recent posts per week >= 80% of the cadence benchmark -> good, < 50% -> act;
    without a benchmark, weeks without a post > 25% -> act, > 10% -> watch. Growth: mean
    monthly net growth < 0 -> act, < 1% -> watch. Engagement: the benchmark verdict of the
    median of post rates (below -> act, level -> watch, above -> good), else n/a. Trend:
    a monthly change whose interval is below 0 -> act, estimate below 0 -> watch. Community:
    median first reply <= 4 h -> good, > 24 h -> act. Data: missing daily days > 10% ->
    act, any -> watch.
    """
    rows = []
    platforms = list(presence.frame["platform"])
    act = activity.frame.set_index("platform") if len(activity.frame) else pd.DataFrame()
    gro = growth.frame.set_index("platform") if len(growth.frame) else pd.DataFrame()
    slopes = trend.slopes.set_index("platform") if len(trend.slopes) else pd.DataFrame()
    for p in platforms:
        pr = presence.frame.set_index("platform").loc[p]
        st = {"ok": GOOD, "not configured": WATCH}.get(pr["status"], ACT)
        rows.append((p, "presence", st, pr["reason"]))
        rows.append((p, "activity", *_activity(p, act, cadence)))
        rows.append((p, "growth", *_growth(p, gro)))
        rows.append((p, "engagement", *_engagement(p, rates, benchmarks, basis)))
        rows.append((p, "trend", *_trend(p, slopes)))
        if community is not None and community.available:
            rows.append((p, "community", *_community(p, community)))
        rows.append((p, "data", *_data(p, quality)))
    return Scorecard(pd.DataFrame(rows, columns=["platform", "area", "status", "reason"]))


def _activity(p, act, cadence):
    if p not in act.index:
        return NA, "no posts"
    r = act.loc[p]
    recent = float(r["posts_per_week_recent"])
    comp = cadence.get(p) if cadence is not None else []
    if comp:
        c = comp[0]
        share = recent / c.benchmark.value if c.benchmark.value > 0 else np.nan
        st = GOOD if share >= CADENCE_GOOD else ACT if share < CADENCE_ACT else WATCH
        return st, (f"{recent:.1f} posts/week lately vs {c.benchmark.value:.1f} "
                    f"({c.benchmark.source} {c.benchmark.report_year}, {c.benchmark.industry})")
    share = float(r["empty_week_share"])
    st = ACT if share > EMPTY_WEEKS_ACT else WATCH if share > EMPTY_WEEKS_WATCH else GOOD
    return st, (f"{recent:.1f} posts/week lately; {int(r['empty_weeks'])} of {int(r['weeks'])} "
                "weeks without a post (no cadence benchmark)")


def _growth(p, gro):
    if p not in gro.index or pd.isna(gro.loc[p, "recent_growth_pct"]):
        reason = gro.loc[p, "reason"] if p in gro.index else "no daily follower data"
        return NA, f"insufficient data: {reason or 'no complete month'}"
    g = float(gro.loc[p, "recent_growth_pct"])
    st = ACT if g < 0 else WATCH if g < GROWTH_WATCH else GOOD
    return st, f"{g:+.1%} followers a month (net, mean of complete months)"


def _engagement(p, rates, benchmarks, basis):
    comps = benchmarks.get(p) if benchmarks is not None else []
    comps = [c for c in comps if c.statistic == "median"]
    # Prefer the client's own basis, then followers (the most published denominator).
    comps.sort(key=lambda c: (c.basis != basis, c.basis != "followers"))
    if comps:
        c = comps[0]
        st = {"above": GOOD, "level": WATCH, "below": ACT}[c.verdict]
        return st, (f"median {c.value:.2%} by {c.basis} vs {c.benchmark.value:.2%} "
                    f"({c.benchmark.source} {c.benchmark.report_year}); {c.verdict}")
    e = rates.get(basis, "median", platform=p) if rates is not None else None
    if e is None or not np.isfinite(e.value):
        return NA, "insufficient data: no engagement rate"
    return NA, f"median {e.value:.2%} by {basis}; no benchmark of the same denominator"


def _trend(p, slopes):
    if p not in slopes.index or pd.isna(slopes.loc[p, "change_per_month"]):
        return NA, "insufficient data: fewer than 3 months with posts"
    r = slopes.loc[p]
    st = ACT if r["high"] < 0 else WATCH if r["change_per_month"] < 0 else GOOD
    return st, (f"{r['change_per_month']:+.1%} a month (95% CI {r['low']:+.1%} to "
                f"{r['high']:+.1%})")


def _community(p, community):
    r = community.get(p)
    if r is None or not np.isfinite(r["median_hours"]):
        return NA, "no messages for this platform"
    h = float(r["median_hours"])
    st = GOOD if h <= RESPONSE_GOOD_H else ACT if h > RESPONSE_ACT_H else WATCH
    return st, f"median first reply {h:.1f} h; {r['answered_share']:.0%} answered"


def _data(p, quality):
    issues = quality.issues[quality.issues["platform"] == p] if len(quality.issues) else []
    missing = quality.missing_days(p)
    days = quality.daily_days.get(p, 0)
    if days == 0:
        return WATCH, "no daily account data"
    share = missing / (days + missing)
    if share > MISSING_DAYS_ACT:
        return ACT, f"{missing} days missing in the daily export"
    if missing or len(issues):
        return WATCH, f"{missing} missing days, {len(issues)} suspect rows"
    return GOOD, f"{days} days, no gaps, no suspect rows"


# --------------------------------------------------------------------------- sentences

def headline_sentences(lang, *, format_lift=None, rates=None, benchmarks=None, growth=None,
                       activity=None, trend=None, competitors=None, community=None,
                       basis: str = "reach", limit: int = 7) -> list[str]:
    """3-7 plain sentences with their numbers, most useful first; only sentences whose
    numbers exist. Fewer than three means the data could not support more, and the last
    sentence says so."""
    out: list[str] = []
    L = lang
    if format_lift is not None and len(format_lift.frame):
        f = format_lift.frame[(format_lift.frame["status"] == "ok")]
        f = f[f["p_holm"] < 0.05]
        if len(f):
            # The strongest lift above 1 is the actionable one; a penalty only if no lift.
            up = f[f["rate_ratio"] > 1]
            r = up.loc[up["rate_ratio"].idxmax()] if len(up) else f.loc[f["rate_ratio"].idxmin()]
            names = FORMAT_NAMES[L.code if L.code in FORMAT_NAMES else "en"]
            a, b = names.get(r["level"], r["level"]), names.get(r["reference"], r["reference"])
            pn = platform_name(r["platform"])
            ci = L.interval(r["low"], r["high"], kind="ratio", digits=2)
            share = L.percent(r["share_of_posts"], 0)
            if r["rate_ratio"] > 1:
                out.append(L.text(
                    en=f"{pn} {a} engage {L.ratio(r['rate_ratio'])} as many of the people "
                       f"they reach as {b} (95% CI {ci}), yet are only {share} of posts.",
                    tr=f"{pn}: {a}, {b} ile kıyaslandığında ulaştığı kişilerden "
                       f"{L.ratio(r['rate_ratio'])} etkileşim alıyor (%95 GA {ci}); buna "
                       f"karşın gönderilerin yalnızca {share} kadarı {a}."))
            else:
                out.append(L.text(
                    en=f"{pn} {a} engage only {L.ratio(r['rate_ratio'])} as many of the "
                       f"people they reach as {b} (95% CI {ci}) and are {share} of posts.",
                    tr=f"{pn}: {a}, {b} ile kıyaslandığında ulaştığı kişilerden yalnızca "
                       f"{L.ratio(r['rate_ratio'])} etkileşim alıyor (%95 GA {ci}); "
                       f"gönderilerin {share} kadarı {a}."))
    if benchmarks is not None and benchmarks.comparisons:
        comps = [c for c in benchmarks.comparisons if c.statistic == "median"]
        # The client's own basis first, then followers; the platform with most posts.
        comps.sort(key=lambda c: (c.basis != basis, c.basis != "followers", -c.n))
        if comps:
            c = comps[0]
            pn = platform_name(c.platform)
            src = f"{c.benchmark.source} {c.benchmark.report_year}"
            out.append(L.text(
                en=f"A typical {pn} post engages {L.percent(c.value, _digits(c.value))} of "
                   f"its {c.basis} (median of posts), {L.ratio(c.ratio)} the published median "
                   f"of {L.percent(c.benchmark.value, _digits(c.benchmark.value))} ({src}, "
                   f"{c.benchmark.industry}).",
                tr=f"Tipik bir {pn} gönderisinin etkileşim oranı ({_tr_basis(c.basis)}, "
                   f"gönderilerin medyanı) {L.percent(c.value, _digits(c.value))}; yayımlanmış "
                   f"medyan {L.percent(c.benchmark.value, _digits(c.benchmark.value))} ({src}, "
                   f"{c.benchmark.industry}), "
                   f"yani kıyaslamanın {L.number(c.ratio, 2)} katı."))
    if trend is not None and len(trend.slopes):
        s = trend.slopes.dropna(subset=["change_per_month"])
        sig = s[(s["high"] < 0) | (s["low"] > 0)]
        if len(sig):
            r = sig.loc[sig["change_per_month"].abs().idxmax()]
            pn = platform_name(r["platform"])
            ci = f"{L.percent(r['low'])} – {L.percent(r['high'])}"
            up = r["change_per_month"] > 0
            out.append(L.text(
                en=f"{pn}'s engagement rate (by {trend.basis}) has been "
                   f"{'rising' if up else 'falling'} by {L.percent(abs(r['change_per_month']))}"
                   f" a month over {int(r['months'])} months (95% CI {ci}).",
                tr=f"{pn} etkileşim oranı ({_tr_basis(trend.basis)}) {int(r['months'])} "
                   f"aydır ayda {L.percent(abs(r['change_per_month']))} "
                   f"{'artıyor' if up else 'düşüyor'} (%95 GA {ci})."))
    if growth is not None and len(growth.frame):
        g = growth.frame.dropna(subset=["recent_growth_pct"])
        if len(g):
            r = g.loc[g["recent_growth_pct"].idxmax()]
            pn = platform_name(r["platform"])
            m = int(min(r["months"], 12))
            before = ""
            before_tr = ""
            if not pd.isna(r["before_growth_pct"]):
                before = f", against {L.percent(r['before_growth_pct'])} a month before that"
                before_tr = f"; önceki dönemde ayda {L.percent(r['before_growth_pct'])}"
            out.append(L.text(
                en=f"{pn} grows fastest: {L.percent(r['recent_growth_pct'])} more followers a "
                   f"month over the last {m} complete months{before} "
                   f"({L.number(r['followers_end'])} followers now).",
                tr=f"En hızlı büyüyen platform {pn}: son {m} tam ayda takipçi sayısı ayda "
                   f"ortalama {L.percent(r['recent_growth_pct'])} arttı{before_tr} (şu an "
                   f"{L.number(r['followers_end'])} takipçi)."))
    if activity is not None and len(activity.frame):
        a = activity.frame.sort_values("empty_week_share", ascending=False).iloc[0]
        if a["empty_weeks"] > 0:
            pn = platform_name(a["platform"])
            out.append(L.text(
                en=f"{pn} went {int(a['empty_weeks'])} of {int(a['weeks'])} weeks without a "
                   f"post (longest silence {int(a['longest_gap_days'])} days).",
                tr=f"{pn}: {int(a['weeks'])} haftanın {int(a['empty_weeks'])} tanesinde hiç "
                   f"gönderi yok (en uzun sessizlik {int(a['longest_gap_days'])} gün)."))
    if competitors is not None and competitors.available:
        c = competitors.frame[competitors.frame["is_client"]]
        if len(c):
            r = c.sort_values("posts", ascending=False).iloc[0]
            pn = platform_name(r["platform"])
            out.append(L.text(
                en=f"On {pn} the client published {L.percent(r['share_posts'], 0)} of the "
                   f"posts of the accounts compared but drew "
                   f"{L.percent(r['share_engagements'], 0)} of their engagements.",
                tr=f"{pn}: müşteri, karşılaştırılan hesapların gönderilerinin "
                   f"{L.percent(r['share_posts'], 0)} kadarını yayımladı, etkileşimlerin ise "
                   f"{L.percent(r['share_engagements'], 0)} kadarını aldı."))
    if community is not None and community.available:
        b, o = community.get("all", "business"), community.get("all", "off")
        if b is not None and o is not None and np.isfinite(b["median_hours"]) and \
                np.isfinite(o["median_hours"]):
            out.append(L.text(
                en=f"Messages get a first reply after a median {L.number(b['median_hours'], 1)}"
                   f" h in business hours but {L.number(o['median_hours'], 1)} h off hours.",
                tr=f"Mesajlar mesai saatlerinde medyan {L.number(b['median_hours'], 1)} saatte,"
                   f" mesai dışında {L.number(o['median_hours'], 1)} saatte ilk yanıtı alıyor."))
    out = out[:limit]
    if len(out) < 3:
        out.append(L.text(
            en="The data support no more headline findings yet: format comparisons, trends "
               "and growth need more posts and at least three months of data.",
            tr="Veri henüz başka bir ana bulguyu desteklemiyor: biçim karşılaştırmaları, "
               "eğilimler ve büyüme için daha fazla gönderi ve en az üç aylık veri gerekiyor."))
    return out


def _digits(x: float) -> int:
    """Enough decimals that a small rate does not print as 0.00%."""
    return 1 if x >= 0.01 else 2 if x >= 0.001 else 3


def _tr_basis(basis: str) -> str:
    return {"reach": "erişime göre", "impressions": "gösterimlere göre",
            "followers": "takipçilere göre"}.get(
        basis, basis)
