"""The launch baseline: where each platform stands in the launch window.

The window runs from ``phases.launch_start`` to ``phases.management_start`` (or the
end of the data). Per platform it reports posts per week, reach and impressions per
post, the engagement rate on the client's basis (``engagement_rate_basis``; public
engagements = likes + comments + shares + saves) and daily net follower growth, each
as a median with its interquartile range and a 95 % bootstrap interval for the
median. Posts are resampled independently; days are resampled in blocks of a week,
because follower growth on one day is like the next.

:func:`setup_checklist` answers the launch-phase question "is everything set up?":
accounts in ``client.yaml`` with data, first post, profile fields, cadence reached.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from smm_nb.analysis.metrics import LARGE_N, _median_interval, bootstrap_rates
from smm_nb.analysis.prepare import ER_DEFINITION
from smm_nb.model.config import ClientConfig

PLATFORM_NAMES = {"instagram": "Instagram", "facebook": "Facebook", "x": "X",
                  "linkedin": "LinkedIn", "tiktok": "TikTok", "youtube": "YouTube"}
METRIC_WORDS = {
    "posts_per_week": ("posts per week", "haftalık gönderi"),
    "reach_per_post": ("reach per post", "gönderi başına erişim"),
    "impressions_per_post": ("impressions per post", "gönderi başına gösterim"),
    "follower_growth_per_day": ("net new followers per day", "günlük net yeni takipçi"),
    "er_reach": ("engagement rate (engagements / reach)", "etkileşim oranı (etkileşim / erişim)"),
    "er_impressions": ("engagement rate (engagements / impressions)",
                       "etkileşim oranı (etkileşim / gösterim)"),
    "er_followers": ("engagement rate (engagements / followers)",
                     "etkileşim oranı (etkileşim / takipçi)"),
    "er_reach_pooled": ("pooled engagement rate (all engagements / all reach)",
                        "toplam etkileşim oranı (tüm etkileşim / tüm erişim)"),
    "er_impressions_pooled": ("pooled engagement rate (all engagements / all impressions)",
                              "toplam etkileşim oranı (tüm etkileşim / tüm gösterim)"),
    "er_followers_pooled": ("pooled engagement rate (all engagements / follower-posts)",
                            "toplam etkileşim oranı (tüm etkileşim / takipçi)"),
}
MIN_POSTS = 5
MIN_DAYS = 7
N_BOOT = 2000
DEFAULT_CADENCE = 3.0  # posts per week when client.yaml sets no target


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Round float columns for display: whole numbers for large values, 2 decimals for
    values around 1, 4 for small rates (the frame stays numeric); None becomes NA."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_float_dtype(col):
            m = np.nanmedian(np.abs(col.to_numpy(dtype=float))) if col.notna().any() else 0
            out[c] = col.round(0 if m >= 100 else 2 if m >= 0.5 else 4)
        elif col.dtype == object:
            out[c] = col.where(col.notna(), pd.NA)
    return out


def launch_window(config: ClientConfig, data_end: dt.date | None) -> tuple[dt.date, dt.date]:
    """``(start, end)`` of the launch window, end exclusive."""
    start = config.phases.launch_start
    end = config.phases.management_start
    if end is None:
        end = (data_end + dt.timedelta(days=1)) if data_end else dt.date.today()
    return start, end


def data_end(posts: pd.DataFrame, daily: pd.DataFrame | None) -> dt.date | None:
    """The last day with any data (the analysis's "today")."""
    ends = []
    if posts is not None and not posts.empty:
        ends.append(posts["published_at"].max().tz_localize(None).date())
    if daily is not None and not daily.empty:
        ends.append(daily["date"].max().date())
    return max(ends) if ends else None


def in_window(posts: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Posts published on client-local days ``start <= day < end``."""
    day = posts["published_at"].dt.tz_localize(None).dt.normalize()
    return posts.loc[(day >= pd.Timestamp(start)) & (day < pd.Timestamp(end))]


def bootstrap_median(x: np.ndarray, n_boot: int = N_BOOT, seed: int = 0, block: int = 1,
                     level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the median (moving blocks when ``block`` > 1)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n < 2:
        return float("nan"), float("nan")
    if (block <= 1 or n <= block) and n > LARGE_N:
        # a large client: the bootstrap distribution of the median exactly (binomial),
        # not an (n_boot, n) resample of tens of thousands of posts
        return _median_interval(np.sort(x), level)
    rng = np.random.default_rng(seed)
    if block <= 1 or n <= block:
        idx = rng.integers(0, n, size=(n_boot, n))
    else:
        k = int(math.ceil(n / block))
        starts = rng.integers(0, n - block + 1, size=(n_boot, k))
        idx = (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]
    med = np.median(x[idx], axis=1)
    a = (1 - level) / 2
    return float(np.quantile(med, a)), float(np.quantile(med, 1 - a))


def poisson_rate_interval(count: int, exposure: float, level: float = 0.95
                          ) -> tuple[float, float]:
    """Exact (Garwood) interval of a Poisson rate ``count / exposure``."""
    a = (1 - level) / 2
    lo = stats.chi2.ppf(a, 2 * count) / 2 if count > 0 else 0.0
    hi = stats.chi2.ppf(1 - a, 2 * count + 2) / 2
    return float(lo / exposure), float(hi / exposure)


@dataclass(frozen=True)
class Baseline:
    """Launch-window medians, IQRs and bootstrap intervals per platform and metric.

    ``frame`` has one row per platform and metric: ``value`` is the median (for
    ``posts_per_week`` the rate over the window), ``q1``/``q3`` the interquartile range,
    ``low``/``high`` the 95 % interval, ``basis`` the definition, ``note`` why a value
    is missing.
    """

    frame: pd.DataFrame
    start: dt.date
    end: dt.date
    er_basis: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def value(self, platform: str, metric: str) -> float | None:
        r = self.frame.loc[(self.frame["platform"] == platform) & (self.frame["metric"] == metric)]
        if r.empty or pd.isna(r["value"].iloc[0]):
            return None
        return float(r["value"].iloc[0])

    def cadence(self) -> dict[str, float]:
        r = self.frame.loc[self.frame["metric"] == "posts_per_week"].dropna(subset=["value"])
        return dict(zip(r["platform"], r["value"].astype(float)))

    def summary_frame(self) -> pd.DataFrame:
        # rounding by metric, not by column: rates and counts share the columns
        fr = self.frame.copy()
        for c in ("value", "q1", "q3", "low", "high"):
            fr[c] = [round(v, 4 if m.startswith("er_") else 1 if m == "posts_per_week" else 0)
                     if pd.notna(v) else np.nan for v, m in zip(fr[c], fr["metric"])]
        return fr[["platform", "metric", "n", "value", "q1", "q3", "low", "high", "basis"]]

    def to_findings(self, key: str, lang=None) -> list:
        from smm_nb.report.findings import Finding

        out = []
        for r in self.frame.itertuples():
            k = f"{key}.{r.metric}.{r.platform}"
            unit = {"posts_per_week": "per_week", "follower_growth_per_day": "per_day",
                    "reach_per_post": "count", "impressions_per_post": "count"}.get(r.metric,
                                                                                     "ratio")
            if pd.isna(r.value):
                out.append(Finding(k, None, r.note, unit=unit, basis=r.basis, n=int(r.n)))
                continue
            out.append(Finding(k, float(r.value), self._sentence(r, lang), unit=unit,
                               basis=r.basis, low=_f(r.low), high=_f(r.high), n=int(r.n)))
        return out

    def _sentence(self, r, lang=None) -> str:
        from smm_nb.analysis.experiments import _Lang

        L = lang or _Lang()
        if r.metric.startswith("er_"):
            fmt = L.percent
        else:
            def fmt(x):
                return L.number(x, 1 if r.metric == "posts_per_week" else 0)
        en, tr = METRIC_WORDS.get(r.metric, (r.metric, r.metric))
        plat = PLATFORM_NAMES.get(r.platform, r.platform)
        last = self.end - dt.timedelta(days=1)  # end is exclusive
        d0, d1 = ((L.date(self.start), L.date(last)) if hasattr(L, "date")
                  else (str(self.start), str(last)))
        if r.metric.endswith("_pooled"):
            return L.text(en=f"{plat} {en}: {fmt(r.value)} (95% CI {fmt(r.low)}–{fmt(r.high)}), "
                             f"{d0} to {d1}.",
                          tr=f"{plat} {tr}: {fmt(r.value)} (%95 GA {fmt(r.low)}–"
                             f"{fmt(r.high)}), {d0} – {d1}.")
        word_en = "rate" if r.metric == "posts_per_week" else "median"
        word_tr = "oran" if r.metric == "posts_per_week" else "medyan"
        return L.text(
            en=f"{plat} {en}: {word_en} {fmt(r.value)} (IQR {fmt(r.q1)}–{fmt(r.q3)}; 95% CI "
               f"{fmt(r.low)}–{fmt(r.high)}), {d0} to {d1}.",
            tr=f"{plat} {tr}: {word_tr} {fmt(r.value)} (ÇAA {fmt(r.q1)}–{fmt(r.q3)}; %95 GA "
               f"{fmt(r.low)}–{fmt(r.high)}), {d0} – {d1}.")


def _f(x) -> float | None:
    return float(x) if x is not None and pd.notna(x) and math.isfinite(x) else None


def baseline(posts: pd.DataFrame, daily: pd.DataFrame | None, config: ClientConfig,
             n_boot: int = N_BOOT, seed: int = 0) -> Baseline:
    """The launch-window baseline per platform.

    Parameters
    ----------
    posts : DataFrame
        Prepared posts (:func:`~smm_nb.analysis.prepare.prepare_posts`).
    daily : DataFrame or None
        ``account_daily``.
    """
    basis = config.engagement_rate_basis
    er_col = f"er_{basis}"
    start, end = launch_window(config, data_end(posts, daily))
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    local_day = posts["published_at"].dt.tz_localize(None).dt.normalize()
    p = posts.loc[(local_day >= t0) & (local_day < t1)]
    d = daily.loc[(daily["date"] >= t0) & (daily["date"] < t1)] if daily is not None \
        else pd.DataFrame(columns=["platform", "date"])
    rows = []
    for plat in config.platforms:
        g = p.loc[p["platform"] == plat]
        dd = d.loc[d["platform"] == plat].sort_values("date")
        # the platform's window starts at its first data, if that is after the launch
        first = min([x for x in (
            g["published_at"].min().tz_localize(None).normalize() if not g.empty else None,
            dd["date"].min() if not dd.empty else None) if x is not None], default=None)
        w_start = max(t0, first) if first is not None else t0
        weeks = max((t1 - w_start).days, 1) / 7
        n = len(g)
        if n == 0:
            rows.append(_row(plat, "posts_per_week", 0, None, "no posts in the launch window",
                             "posts per week"))
        else:
            lo, hi = poisson_rate_interval(n, weeks)
            # 7-day blocks from the platform's start (calendar weeks would cut the
            # first and last week short); a last partial block is left out
            days_in = (g["published_at"].dt.tz_localize(None).dt.normalize() - w_start).dt.days
            n_blocks = max(int((t1 - w_start).days // 7), 1)
            wk = pd.Series((days_in // 7).to_numpy()).value_counts().reindex(
                range(n_blocks), fill_value=0)
            rows.append({"platform": plat, "metric": "posts_per_week", "n": n,
                         "value": n / weeks, "q1": float(wk.quantile(0.25)),
                         "q3": float(wk.quantile(0.75)), "low": lo, "high": hi,
                         "basis": f"posts / weeks in window ({weeks:.1f}); exact Poisson "
                                  "interval; IQR of 7-day counts", "note": ""})
        for metric, col, basis_text in [
                ("reach_per_post", "reach", "reach per post, median of posts"),
                ("impressions_per_post", "impressions", "impressions per post, median of posts"),
                (er_col, er_col, f"{ER_DEFINITION} / {basis}, median of posts")]:
            x = g[col].astype("Float64").astype(float).dropna().to_numpy() if col in g else \
                np.array([])
            rows.append(_summary(plat, metric, x, basis_text, MIN_POSTS, "posts", n_boot, seed))
        rows.append(_pooled(plat, g, basis, n_boot, seed))
        net = _net_growth(dd)
        rows.append(_summary(plat, "follower_growth_per_day", net,
                             "net new followers per day (gains - losses), median of days; "
                             "7-day block bootstrap", MIN_DAYS, "days", n_boot, seed, block=7))
    return Baseline(pd.DataFrame(rows), start, end, basis)


def _net_growth(dd: pd.DataFrame) -> np.ndarray:
    if dd.empty:
        return np.array([])
    gains = dd["follower_gains"].astype("Float64").astype(float)
    losses = dd["follower_losses"].astype("Float64").astype(float)
    if gains.notna().any():
        return (gains - losses.fillna(0)).dropna().to_numpy()
    f = dd["followers"].astype("Float64").astype(float)
    return f.diff().dropna().to_numpy()


def _row(plat, metric, n, med, note, basis):
    return {"platform": plat, "metric": metric, "n": n, "value": med, "q1": np.nan,
            "q3": np.nan, "low": np.nan, "high": np.nan, "basis": basis, "note": note}


def _summary(plat, metric, x, basis, min_n, what, n_boot, seed, block=1):
    if x.size < min_n:
        return _row(plat, metric, int(x.size), np.nan,
                    f"insufficient data: {x.size} {what} in the launch window "
                    f"(at least {min_n} needed)", basis)
    lo, hi = bootstrap_median(x, n_boot, seed, block)
    q1, med, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    return {"platform": plat, "metric": metric, "n": int(x.size), "value": float(med),
            "q1": float(q1), "q3": float(q3), "low": lo, "high": hi, "basis": basis, "note": ""}


def _pooled(plat, g, basis, n_boot, seed):
    """The ratio-of-sums engagement rate: with small accounts most posts have no
    engagement at all and the median of post rates is 0, while the pooled rate still
    says how much the audience engages."""
    from smm_nb.analysis.prepare import ER_BASES

    metric = f"er_{basis}_pooled"
    text = f"{ER_DEFINITION}: sum over posts / sum of {basis} (ratio of sums); post bootstrap"
    den_col = ER_BASES[basis]
    if g.empty or den_col not in g:
        return _row(plat, metric, 0, np.nan, "insufficient data: no posts", text)
    num = g["engagements_public"].astype("Float64").astype(float).to_numpy()
    den = g[den_col].astype("Float64").astype(float).to_numpy()
    ok = np.isfinite(num) & np.isfinite(den) & (den > 0)
    num, den = num[ok], den[ok]
    if num.size < MIN_POSTS:
        return _row(plat, metric, int(num.size), np.nan,
                    f"insufficient data: {num.size} posts in the launch window "
                    f"(at least {MIN_POSTS} needed)", text)
    if num.size > LARGE_N:  # a large client: the bootstrap's large-sample interval
        est = bootstrap_rates(num, den, ("ratio",), n_boot, seed)["ratio"]
        low, high = est.low, est.high
    else:
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, num.size, size=(n_boot, num.size))
        boot = num[idx].sum(axis=1) / den[idx].sum(axis=1)
        low, high = float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975))
    return {"platform": plat, "metric": metric, "n": int(num.size),
            "value": float(num.sum() / den.sum()), "q1": np.nan, "q3": np.nan,
            "low": low, "high": high, "basis": text, "note": ""}


# --------------------------------------------------------------------------- setup

@dataclass(frozen=True)
class Checklist:
    """Is the launch set up as planned? One row per platform of ``client.yaml``."""

    frame: pd.DataFrame

    def summary_frame(self) -> pd.DataFrame:
        return tidy(self.frame)

    def to_findings(self, key: str, lang=None) -> list:
        from smm_nb.report.findings import Finding

        from smm_nb.analysis.experiments import _Lang

        L = lang or _Lang()
        out = []
        for r in self.frame.itertuples():
            plat = PLATFORM_NAMES.get(r.platform, r.platform)
            have = pd.notna(r.posts_per_week_last_4w)
            out.append(Finding(
                f"{key}.cadence_reached.{r.platform}",
                float(r.cadence_reached) if have else None,
                L.text(en=f"{plat}: {L.number(r.posts_per_week_last_4w, 1)} posts per week in "
                          f"the last 4 weeks against {L.number(r.target_posts_per_week, 1)} "
                          "planned",
                       tr=f"{plat}: son 4 haftada haftada {L.number(r.posts_per_week_last_4w, 1)} "
                          f"gönderi, plan {L.number(r.target_posts_per_week, 1)}")
                if have else L.text(en=f"{plat}: no posts yet", tr=f"{plat}: henüz gönderi yok"),
                unit="count", basis="1 = planned cadence reached in the last 28 days"))
        return out


def setup_checklist(posts: pd.DataFrame, daily: pd.DataFrame | None,
                    config: ClientConfig) -> Checklist:
    """Accounts, first post, profile fields and cadence per configured platform."""
    end = data_end(posts, daily)
    posts = posts[["platform", "published_at"]]  # not every column of every platform
    rows = []
    for plat, acc in config.platforms.items():
        g = posts.loc[posts["platform"] == plat]
        dd = daily.loc[daily["platform"] == plat] if daily is not None else daily
        target = next((k.target for k in config.kpis
                       if k.metric == "posts_per_week" and k.platform in (plat, None)),
                      DEFAULT_CADENCE)
        recent = np.nan
        if end is not None and not g.empty:
            cut = pd.Timestamp(end) - pd.Timedelta(days=27)
            recent = float((g["published_at"].dt.tz_localize(None) >= cut).sum()) / 4
        rows.append({
            "platform": plat, "handle": acc.handle,
            "profile_url": "yes" if acc.url else "not set",
            "opened": acc.opened,
            "first_data_day": dd["date"].min().date() if dd is not None and not dd.empty
            else None,
            "first_post": g["published_at"].min().tz_localize(None).date() if not g.empty
            else None,
            "posts": len(g),
            "posts_per_week_last_4w": recent,
            "target_posts_per_week": float(target),
            "cadence_reached": bool(recent >= target) if pd.notna(recent) else False,
        })
    return Checklist(pd.DataFrame(rows))
