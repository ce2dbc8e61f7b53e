"""The client's plan: concrete actions ranked by how sure we are that they help.

Each action carries its expected effect, a 95% interval and the evidence behind it, in the
client's language. Actions come from the results of the other analyses:

* **format mix** (driver model): make posts in the format with the highest engagement per
  person reached instead of the most used one, where the ratio between the two is clear
  (its interval excludes 1);
* **posting windows** (timing grid): the best weekday x hour block per platform, by its
  shrunk lift over the platform's rate, where the lift's interval excludes 1;
* **cadence** (KPI targets): posts a week below the target, with the engagements the
  missing posts would bring at the current mean per post (assumes new posts do not take
  engagement from the others);
* **budget** (response curves): the re-split of the same budget, with its gain;
* **next experiment**: the most promising effect that is *not* clear yet, with the posts
  per arm a two-arm test needs to settle it (NB2 power, :mod:`smm_nb.analysis.power`).

Ranking: by the lower end of each action's relative effect (a sure +10% beats a possible
+50%); the experiment comes last because it is how the uncertain ideas are settled.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from smm_nb.analysis.drivers import FORMAT_TR, DriverResult
from smm_nb.report.findings import Finding
from smm_nb.report.language import Language

Z95 = float(stats.norm.ppf(0.975))
PER = {"reach": ("per person reached", "erişilen kişi başına"),
       "impressions": ("per impression", "gösterim başına")}
WEEKDAYS_TR = ("Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Action:
    kind: str  # format, timing, cadence, budget, experiment
    platform: str | None
    text: str  # what to do, in the client's language
    effect: str  # expected effect with its interval, in words
    evidence: str
    value: float | None  # the effect as a number (unit below)
    low: float | None
    high: float | None
    unit: str
    score: float  # log of the lower end of the relative effect (ranking)


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    notes: tuple[str, ...]  # what could not be recommended, and why
    language: str = "en"

    @property
    def title(self) -> str:
        return Language(self.language).text("Recommended actions, most certain first",
                                            "Önerilen adımlar, en kesin olandan başlayarak")

    def summary_frame(self) -> pd.DataFrame:
        lang = Language(self.language)
        cols = (lang.text("#", "#"), lang.text("action", "adım"),
                lang.text("expected effect (95% interval)", "beklenen etki (%95 aralık)"),
                lang.text("evidence", "dayanak"))
        return pd.DataFrame([(i + 1, a.text, a.effect, a.evidence)
                             for i, a in enumerate(self.actions)], columns=list(cols))

    def sentences(self) -> list[str]:
        return [f"{i + 1}. {a.text} — {a.effect}" for i, a in enumerate(self.actions)]

    def to_findings(self, key: str) -> list[Finding]:
        out = [Finding(f"{key}.count", float(len(self.actions)),
                       "; ".join(self.sentences()) or "; ".join(self.notes) or "no actions",
                       "count", "ranked actions from drivers, timing, KPIs and budget")]
        for i, a in enumerate(self.actions):
            k = f"{key}.{a.kind}.{_slug(a.platform or 'all')}"
            out.append(Finding(k, a.value, f"#{i + 1}: {a.text} {a.effect}", a.unit,
                               a.evidence, a.low, a.high))
        return out


def _slug(s: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in s.lower())


def _fmt(f: str, lang: Language) -> str:
    return FORMAT_TR.get(f, f) if lang.code == "tr" else f


def contrast(drivers: DriverResult, term: str, level: str, versus: str, conf: float = 0.95
             ) -> tuple[float, float, float]:
    """Rate ratio of ``level`` over ``versus`` (either may be the reference) with its Wald
    interval (``conf``) from the model's covariance."""
    z = float(stats.norm.ppf(0.5 + conf / 2))
    names = list(drivers.design.columns)
    vec = np.zeros(len(names))
    for lev, sign in ((level, 1.0), (versus, -1.0)):
        col = f"{term}[{lev}]"
        if col in names:
            vec[names.index(col)] += sign
    b = float(vec @ drivers.params[names].to_numpy())
    se = float(math.sqrt(max(vec @ drivers.cov.loc[names, names].to_numpy() @ vec, 0.0)))
    return math.exp(b), math.exp(b - z * se), math.exp(b + z * se)


def _recent(posts: pd.DataFrame, days: int) -> pd.DataFrame:
    end = posts["published_at"].max()
    return posts[posts["published_at"] > end - pd.Timedelta(days=days)]


# --------------------------------------------------------------------------- actions

def _format_actions(drivers: DriverResult, posts: pd.DataFrame, lang: Language,
                    min_posts: int = 5) -> tuple[list[Action], list[dict]]:
    acts, uncertain = [], []
    if not drivers.ok or "format" not in drivers.design.factors:
        return acts, uncertain
    ref, levels = drivers.design.factors["format"]
    fitted = {ref, *levels} - {"other"}
    per = PER.get(drivers.exposure or "", ("", ""))
    # only the columns used: a group-by over every column of a million posts copies them all
    cols = posts[["platform", "format", "published_at"]]
    for plat, g in cols.groupby("platform", sort=True):
        counts = g["format"].astype("string").value_counts()
        avail = [f for f in counts.index if f in fitted and counts[f] >= min_posts]
        recent = _recent(g, 90)["format"].astype("string").value_counts()
        if len(avail) < 2 or recent.empty:
            continue
        used = next((f for f in recent.index if f in avail), None)
        if used is None:
            continue
        # the best of m formats is picked after looking: Bonferroni over the m comparisons
        m = len(avail) - 1
        conf = 1 - 0.05 / m
        ratios = {f: contrast(drivers, "format", f, used, conf) for f in avail if f != used}
        best = max(ratios, key=lambda f: ratios[f][0])
        rr, lo, hi = ratios[best]
        share = float(recent.get(used, 0) / recent.sum())
        if lo > 1:
            acts.append(Action(
                "format", plat,
                lang.text(f"{plat}: make more posts as {best} instead of {used} "
                          f"({used} is {lang.percent(share, 0)} of the last 90 days' posts).",
                          f"{plat}: {_fmt(used, lang)} yerine daha çok {_fmt(best, lang)} "
                          f"paylaşın (son 90 günün gönderilerinin "
                          f"{lang.percent(share, 0)} kadarı {_fmt(used, lang)})."),
                lang.text(f"each such post: {lang.ratio(rr)} engagements {per[0]} "
                          f"({lang.interval(lo, hi, 'ratio', 2)})",
                          f"her böyle gönderi: {per[1]} {lang.ratio(rr)} etkileşim "
                          f"({lang.interval(lo, hi, 'ratio', 2)})"),
                lang.text(f"driver model over {drivers.n} posts (negative binomial, all else "
                          f"equal); interval adjusted for comparing {m + 1} formats",
                          f"{drivers.n} gönderi üzerinde etken modeli (negatif binom, diğer "
                          f"her şey sabit); aralık {m + 1} biçimin karşılaştırılmasına göre "
                          f"düzeltildi"),
                rr, lo, hi, "rate_ratio", math.log(lo)))
        elif rr > 1.1:
            uncertain.append({"kind": "format", "platform": plat, "level": best, "versus": used,
                              "ratio": rr, "low": lo, "high": hi})
    return acts, uncertain


def _timing_actions(timing: Any, lang: Language) -> tuple[list[Action], list[dict]]:
    acts, uncertain = [], []
    if timing is None:
        return acts, uncertain
    best = timing.best_windows(k=1)
    names = WEEKDAYS_TR if lang.code == "tr" else WEEKDAYS_EN
    for r in best.itertuples():
        name = f"{names[int(r.weekday)]} {r.hour_block}"
        if r.lift_low > 1:
            acts.append(Action(
                "timing", r.platform,
                lang.text(f"{r.platform}: schedule posts on {name} (local time).",
                          f"{r.platform}: gönderileri {name} saatlerine planlayın (yerel "
                          f"saat)."),
                lang.text(f"{lang.ratio(r.lift)} the platform's engagement rate "
                          f"({lang.interval(r.lift_low, r.lift_high, 'ratio', 2)})",
                          f"platform etkileşim oranının {lang.ratio(r.lift)} katı "
                          f"({lang.interval(r.lift_low, r.lift_high, 'ratio', 2)})"),
                lang.text(f"{int(r.n)} posts in that window, estimate shrunk toward the "
                          f"platform rate", f"o saatlerde {int(r.n)} gönderi; tahmin platform "
                          f"oranına doğru küçültüldü"),
                float(r.lift), float(r.lift_low), float(r.lift_high), "rate_ratio",
                math.log(r.lift_low)))
        elif r.lift > 1.1:
            uncertain.append({"kind": "timing", "platform": r.platform, "level": name,
                              "weekday": int(r.weekday), "block": r.hour_block,
                              "ratio": float(r.lift), "low": float(r.lift_low),
                              "high": float(r.lift_high)})
    return acts, uncertain


def timing_sentences(timing: Any, lang: Language | str = "en") -> list[str]:
    """Per platform: the best posting window by its shrunk lift, whether it stands out
    (its interval excludes 1), or that the data are too thin."""
    lang = lang if isinstance(lang, Language) else Language(lang)
    names = WEEKDAYS_TR if lang.code == "tr" else WEEKDAYS_EN
    best = timing.best_windows(k=1).set_index("platform")
    out = []
    for plat in timing.platforms["platform"]:
        if plat not in best.index:
            n = int(timing.platforms.set_index("platform").loc[plat, "n"])
            out.append(lang.text(
                f"{plat}: no weekday × hour block has {timing.min_posts} posts yet ({n} posts in "
                f"all): insufficient data for a best time.",
                f"{plat}: henüz hiçbir gün × saat diliminde {timing.min_posts} gönderi yok "
                f"(toplam {n} gönderi): en iyi zaman için veri yetersiz."))
            continue
        r = best.loc[plat]
        name = f"{names[int(r['weekday'])]} {r['hour_block']}"
        iv = lang.interval(r["lift_low"], r["lift_high"], "ratio", 2)
        if r["lift_low"] > 1:
            out.append(lang.text(
                f"{plat}: {name} stands out, {lang.ratio(r['lift'])} the platform's usual "
                f"engagement rate (95% interval {iv}, {int(r['n'])} posts, shrunk estimate).",
                f"{plat}: {name} öne çıkıyor; platformun olağan etkileşim oranının "
                f"{lang.ratio(r['lift'])} katı (%95 aralık {iv}, {int(r['n'])} gönderi, "
                f"küçültülmüş tahmin)."))
        else:
            out.append(lang.text(
                f"{plat}: no time stands out yet; the best so far, {name}, is "
                f"{lang.ratio(r['lift'])} the usual rate (95% interval {iv}).",
                f"{plat}: henüz öne çıkan bir zaman yok; şimdiye kadarki en iyisi {name}, "
                f"olağan oranın {lang.ratio(r['lift'])} katı (%95 aralık {iv})."))
    return out


def _cadence_actions(posts: pd.DataFrame, config: Any, lang: Language,
                     weeks: int = 8) -> list[Action]:
    acts = []
    if config is None:
        return acts
    end = posts["published_at"].max()
    span = (end - posts["published_at"].min()) / pd.Timedelta(weeks=1)
    weeks = max(min(weeks, round(span)), 1)  # a young account: its weeks so far
    for k in config.kpis:
        if k.metric != "posts_per_week" or k.platform is None:
            continue
        g = posts.loc[(posts["platform"] == k.platform)
                      & (posts["published_at"] > end - pd.Timedelta(weeks=weeks)),
                      ["engagements_public"]]
        per_week = len(g) / weeks
        if per_week >= k.target or len(g) < 5:
            continue
        e = pd.to_numeric(g["engagements_public"], errors="coerce").dropna().astype(float)
        m = float(e.mean())
        half = float(stats.t.ppf(0.975, len(e) - 1) * e.std(ddof=1) / math.sqrt(len(e)))
        extra = k.target - per_week
        now_week = m * per_week
        gain, lo, hi = extra * m, extra * max(m - half, 0.0), extra * (m + half)
        acts.append(Action(
            "cadence", k.platform,
            lang.text(f"{k.platform}: post {lang.number(k.target)} times a week "
                      f"(now {lang.number(per_week, 1)}).",
                      f"{k.platform}: haftada {lang.number(k.target)} gönderi paylaşın "
                      f"(şu an {lang.number(per_week, 1)})."),
            lang.text(f"about {lang.number(gain)} more engagements a week "
                      f"({lang.interval(lo, hi, 'number', 0)}), if new posts do as well as "
                      f"today's", f"haftada yaklaşık {lang.number(gain)} etkileşim daha "
                      f"({lang.interval(lo, hi, 'number', 0)}); yeni gönderiler bugünküler "
                      f"kadar iyi olursa"),
            lang.text(f"KPI target of {lang.number(k.target)} posts a week; mean "
                      f"{lang.number(m, 1)} engagements per post over the last {weeks} weeks",
                      f"haftada {lang.number(k.target)} gönderi hedefi; son {weeks} haftada "
                      f"gönderi başına ortalama {lang.number(m, 1)} etkileşim"),
            gain, lo, hi, "per_week",
            math.log1p(lo / now_week) if now_week > 0 and lo > 0 else -1.0))
    return acts


def _budget_actions(budget: Any, lang: Language, currency: str) -> list[Action]:
    if budget is None or not budget.ok:
        return []
    g, lo, hi = budget.gain
    moves = budget.split[(budget.split["change"].abs() >= 0.05)]
    if moves.empty or g <= 0:
        return []
    parts = [f"{r.platform} {lang.money(r.current, currency)} → "
             f"{lang.money(r.proposed, currency)}" for r in moves.itertuples()]
    rel_lo = lo / budget.expected_now if budget.expected_now else -1.0
    return [Action(
        "budget", None,
        lang.text(f"Re-split the same daily budget: {'; '.join(parts)} a day.",
                  f"Aynı günlük bütçeyi yeniden dağıtın: günde {'; '.join(parts)}."),
        lang.text(f"about {lang.number(g, 2)} more {budget.outcome} a day "
                  f"({lang.interval(lo, hi, 'number', 2)}; chance of a gain "
                  f"{lang.percent(budget.prob_gain, 0)})",
                  f"günde yaklaşık {lang.number(g, 2)} dönüşüm daha "
                  f"({lang.interval(lo, hi, 'number', 2)}; kazanç olasılığı "
                  f"{lang.percent(budget.prob_gain, 0)})"),
        lang.text("response curves fitted to past daily spend (observational, not an "
                  "experiment)", "geçmiş günlük harcamaya uyarlanan yanıt eğrileri "
                  "(gözlemsel, deney değil)"),
        g, lo, hi, "count", math.log1p(rel_lo) if rel_lo > -1 else -1.0)]


def _experiment_action(uncertain: list[dict], posts: pd.DataFrame, drivers: DriverResult,
                       lang: Language) -> Action | None:
    from smm_nb.analysis.power import DEFAULT_MIN_LIFT, info_per_post, posts_needed

    if not uncertain:
        return None
    u = max(uncertain, key=lambda d: d["ratio"])
    g = posts.loc[posts["platform"] == u["platform"], ["engagements_public", "published_at"]]
    mu = pd.to_numeric(g["engagements_public"], errors="coerce").dropna().astype(float)
    alpha = drivers.alpha if drivers.ok and drivers.alpha else 0.25
    lift = max(u["ratio"], DEFAULT_MIN_LIFT) if u["ratio"] < 1.5 else 1.5
    n = posts_needed(lift, info_per_post(mu.to_numpy(), alpha))
    if n is None:
        return None
    per_week = len(_recent(g, 56)) / 8
    weeks = math.ceil(2 * n / per_week) if per_week > 0 else None
    if u["kind"] == "format":
        what_en = f"{u['level']} vs {u['versus']}"
        what_tr = f"{_fmt(u['level'], lang)} ile {_fmt(u['versus'], lang)}"
    else:
        what_en = what_tr = u["level"]
    iv = lang.interval(u["low"], u["high"], "ratio", 2)
    wk_en = f", about {weeks} weeks at today's pace" if weeks else ""
    wk_tr = f", bugünkü hızla yaklaşık {weeks} hafta" if weeks else ""
    return Action(
        "experiment", u["platform"],
        lang.text(f"{u['platform']}: run a test of {what_en} ({n} posts per arm{wk_en}).",
                  f"{u['platform']}: {what_tr} testi yapın (kol başına {n} gönderi{wk_tr})."),
        lang.text(f"possible {lang.ratio(u['ratio'])} ({iv}): promising but not yet clear",
                  f"olası {lang.ratio(u['ratio'])} ({iv}): umut verici ama henüz net değil"),
        lang.text(f"posts needed to find a {lang.ratio(lift)} lift with 80% power at the 5% "
                  f"level", f"{lang.ratio(lift)} artışı %80 güçle, %5 düzeyinde bulmak için "
                  f"gereken gönderi"),
        float(n), None, None, "count", -math.inf)


def recommend(drivers: DriverResult, posts: pd.DataFrame, timing: Any = None,
              budget: Any = None, config: Any = None, lang: Language | str = "en"
              ) -> Plan:
    """Rank concrete actions from the analyses' results (see the module docstring)."""
    lang = lang if isinstance(lang, Language) else Language(lang)
    currency = getattr(config, "currency", "") or ""
    notes = []
    fa, fu = _format_actions(drivers, posts, lang)
    ta, tu = _timing_actions(timing, lang)
    acts = fa + ta + _cadence_actions(posts, config, lang) + _budget_actions(budget, lang,
                                                                              currency)
    if not drivers.ok or "format" not in drivers.design.factors:
        why = drivers.reason or next((t for t in drivers.left_out if t.startswith("format")),
                                     "formats were not estimated")
        notes.append(lang.text(f"No format advice: {why}.",
                               f"Biçim önerisi yok: yeterli veri yok ({why})."))
    if timing is None:
        notes.append(lang.text("No posting-time advice: the timing analysis is not available.",
                               "Paylaşım saati önerisi yok: zamanlama analizi yok."))
    elif not ta:
        notes.append(lang.text("No posting window stands out clearly yet on any platform.",
                               "Henüz hiçbir platformda açıkça öne çıkan bir paylaşım saati "
                               "yok."))
    if budget is None or not budget.ok:
        why = budget.reason if budget is not None else "no spend data"
        notes.append(lang.text(f"No budget advice: {why}.",
                               "Bütçe önerisi yok: harcama verisi yok." if why == "no spend data"
                               else f"Bütçe önerisi yok: yeterli veri yok ({why})."))
    # only actions whose interval excludes "no effect" are recommended
    sure = sorted([a for a in acts if a.score > 0], key=lambda a: -a.score)
    for a in acts:
        if a.score <= 0:
            notes.append(lang.text(f"Not recommended yet (effect unclear): {a.text}",
                                   f"Henüz önerilmiyor (etki belirsiz): {a.text}"))
    exp = _experiment_action(fu + tu, posts, drivers, lang)
    if exp is not None:
        sure.append(exp)
    return Plan(tuple(sure), tuple(notes), lang.code)
