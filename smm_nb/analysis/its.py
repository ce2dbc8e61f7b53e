"""Did anything move? Interrupted time series on daily account metrics.

For each platform, daily metric (reach, impressions, follower gains) and event (the
launch date, and every dated ``plan_changes`` entry of ``client.yaml``) we fit

    log y_t = b0 + b1 t + b2 after_t + b3 (t - t0) after_t + weekday_t + e_t

(``log(1 + y)`` when a day has zero) with AR(1) errors ``e_t`` fitted by exact maximum
likelihood (:func:`ar1_gls`, checked against statsmodels ``SARIMAX``), because a good day
is followed by good days. Newey-West (HAC) errors were the first choice, but with a step
regressor and a few months of days they are too narrow: in 200 simulated series with
AR(0.5) noise their 95 % interval covered the true level change only 73-80 % of the time
(7 or 14 lags, OLS or Poisson), against 94 % for AR(1) errors with a t reference (1000
series). ``exp(b2)`` is the **level change** at the event (x3 = three times the level the
earlier trend predicted), ``exp(b3)`` the change in weekly growth (t is in weeks). When
the level change is not significant the result says "no measurable change yet" together
with the smallest change the data could have shown (80 % power, 5 % level): a valid and
expected answer in the launch phase.

The window is up to 12 weeks either side of the event (for the launch: until the
management phase starts); at least 14 days are needed on each side. An account whose
daily data starts at the event has no "before": that is said, not estimated.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from smm_nb.model.config import ClientConfig

METRICS = ("reach", "impressions", "follower_gains")
METHOD = ("regression of log daily values on trend, level and slope change at the event "
          "and weekday, with AR(1) errors (maximum likelihood)")
WINDOW_DAYS = 84
MIN_SIDE_DAYS = 14


@dataclass(frozen=True)
class Event:
    key: str          # "launch" or "change_20260601"
    date: dt.date
    label: str        # what happened (from client.yaml; untrusted text)
    platform: str | None = None
    end: dt.date | None = None  # the post window ends before this date


@dataclass(frozen=True)
class ItsEffect:
    """The level and slope change of one daily metric at one event."""

    platform: str
    metric: str
    event: Event
    level_ratio: float | None = None
    level_low: float | None = None
    level_high: float | None = None
    level_p: float | None = None
    slope_ratio_week: float | None = None
    slope_low: float | None = None
    slope_high: float | None = None
    slope_p: float | None = None
    min_detectable_ratio: float | None = None
    n_before: int = 0
    n_after: int = 0
    reason: str | None = None  # set when nothing could be estimated
    series: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)

    @property
    def estimated(self) -> bool:
        return self.reason is None

    @property
    def significant(self) -> bool:
        return self.estimated and self.level_p is not None and self.level_p < 0.05


def events_from_config(config: ClientConfig) -> list[Event]:
    """The launch and every dated plan change, in date order."""
    ph = config.phases
    ev = [Event("launch", ph.launch_start, "launch", None, ph.management_start)]
    for c in config.plan_changes:
        ev.append(Event(f"change_{c.date:%Y%m%d}", c.date, c.description, c.platform))
    return sorted(ev, key=lambda e: e.date)


def fit_its(daily: pd.DataFrame, metric: str, event: Event, platform: str,
            window_days: int = WINDOW_DAYS) -> ItsEffect:
    """Fit the interrupted time series of ``metric`` on one platform's daily rows."""
    d = daily.loc[daily["platform"] == platform, ["date", metric]].copy()
    d["y"] = d[metric].astype("Float64").astype(float)
    d = d.dropna(subset=["y"]).sort_values("date")
    t0 = pd.Timestamp(event.date)
    lo = t0 - pd.Timedelta(days=window_days)
    hi = t0 + pd.Timedelta(days=window_days)
    if event.end is not None:
        hi = min(hi, pd.Timestamp(event.end))
    d = d.loc[(d["date"] >= lo) & (d["date"] < hi)]
    before = int((d["date"] < t0).sum())
    after = int((d["date"] >= t0).sum())
    base = dict(platform=platform, metric=metric, event=event, n_before=before, n_after=after)
    if d.empty:
        return ItsEffect(**base, reason=f"no daily {metric} data around {event.date}")
    first = d["date"].min().date()
    if before == 0:
        return ItsEffect(**base, reason=(
            f"no daily data before {event.date} (the {platform} data start on {first}): "
            "there is no 'before' to compare with"))
    if before < MIN_SIDE_DAYS or after < MIN_SIDE_DAYS:
        return ItsEffect(**base, reason=(
            f"insufficient data: {before} days before and {after} days after {event.date}; "
            f"at least {MIN_SIDE_DAYS} on each side are needed"))
    if d["y"].sum() <= 0:
        return ItsEffect(**base, reason=f"{metric} is zero on every day")
    t = ((d["date"] - t0).dt.days).to_numpy(dtype=float)
    after_ind = (t >= 0).astype(float)
    wd = d["date"].dt.day_of_week.to_numpy()
    X = np.column_stack([np.ones_like(t), t / 7.0, after_ind, after_ind * t / 7.0]
                        + [(wd == k).astype(float) for k in range(1, 7)])
    keep = (np.ptp(X, axis=0) > 0) | (np.arange(X.shape[1]) == 0)
    X = X[:, keep]  # drop weekdays absent from a short window
    y = d["y"].to_numpy()
    # log scale: effects are ratios; log(1 + y) only when a day has zero
    shift = 1.0 if (y <= 0).any() else 0.0
    res = _ar1_regression(np.log(y + shift), X, t)
    if res is None:
        return ItsEffect(**base, reason="the model could not be fitted (too little variation)")
    params, bse, fitted, cf = res
    df = len(y) - X.shape[1] - 1
    z = stats.t.ppf(0.975, df)
    lvl, lse = params[2], bse[2]
    slp, sse = params[3], bse[3]  # per week: t is in weeks
    series = pd.DataFrame({"date": d["date"].to_numpy(), "observed": y,
                           "fitted": np.exp(fitted) - shift,
                           "counterfactual": np.where(after_ind > 0, np.exp(cf) - shift, np.nan)})
    return ItsEffect(
        **base,
        level_ratio=math.exp(lvl), level_low=math.exp(lvl - z * lse),
        level_high=math.exp(lvl + z * lse), level_p=float(2 * stats.t.sf(abs(lvl / lse), df)),
        slope_ratio_week=math.exp(slp), slope_low=math.exp(slp - z * sse),
        slope_high=math.exp(slp + z * sse), slope_p=float(2 * stats.t.sf(abs(slp / sse), df)),
        min_detectable_ratio=math.exp((z + stats.norm.ppf(0.8)) * lse),
        series=series)


def ar1_gls(y: np.ndarray, X: np.ndarray, days: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Exact maximum likelihood of a regression with AR(1) errors.

    The AR coefficient is found by maximising the concentrated (profile) likelihood of
    the Prais-Winsten transformed regression; the coefficients and their standard
    errors are the GLS ones at that value. This is the model statsmodels ``SARIMAX``
    fits with ``order=(1, 0, 0)`` and ``exog=X`` (the tests compare the two), some
    hundred times faster.

    ``days`` (integer day numbers, increasing) lets days be missing: across a gap of
    ``g`` days the error carries over ``rho**g`` and the innovation variance is scaled
    accordingly, so a missing export day does not bend the estimate.

    Returns ``(params, bse, rho)`` or None.
    """
    from scipy.optimize import minimize_scalar

    n, k = X.shape
    if n <= k + 2:
        return None

    gap = np.ones(n - 1) if days is None else np.diff(np.asarray(days, dtype=float))

    def transform(rho: float):
        c = math.sqrt(1 - rho ** 2)
        r = rho ** gap
        w = np.sqrt((1 - rho ** 2) / (1 - r ** 2))  # 1 for consecutive days
        ys = np.r_[c * y[0], w * (y[1:] - r * y[:-1])]
        Xs = np.vstack([c * X[:1], w[:, None] * (X[1:] - r[:, None] * X[:-1])])
        return ys, Xs, math.log(c) + float(np.sum(np.log(w)))

    def negll(rho: float) -> float:
        ys, Xs, logdet = transform(rho)
        beta, *_ = np.linalg.lstsq(Xs, ys, rcond=None)
        ssr = float(np.sum((ys - Xs @ beta) ** 2))
        if ssr <= 0:
            return -1e12
        return 0.5 * n * math.log(ssr / n) - logdet

    opt = minimize_scalar(negll, bounds=(-0.95, 0.98), method="bounded",
                          options={"xatol": 1e-6})
    rho = float(opt.x)
    ys, Xs, _ = transform(rho)
    beta, *_ = np.linalg.lstsq(Xs, ys, rcond=None)
    if np.linalg.matrix_rank(Xs) < k:
        return None
    # n - k - 1: the AR coefficient is estimated too (small-sample correction; with a
    # t reference it lifts simulated coverage from 91 % to 94 %)
    sigma2 = float(np.sum((ys - Xs @ beta) ** 2)) / (n - k - 1)
    cov = sigma2 * np.linalg.inv(Xs.T @ Xs)
    return beta, np.sqrt(np.diag(cov)), rho


def _ar1_regression(y: np.ndarray, X: np.ndarray, days: np.ndarray | None = None):
    """``(params, bse, fitted, counterfactual)`` on the model's (log) scale, or None."""
    if np.ptp(y) <= 0:
        return None
    res = ar1_gls(y, X, days)
    if res is None:
        return None
    params, bse, _ = res
    if not np.all(np.isfinite(bse[:4])) or bse[2] <= 0:
        return None
    Xc = X.copy()
    Xc[:, 2:4] = 0.0  # the earlier trend carried on: no level or slope change
    return params, bse, X @ params, Xc @ params


@dataclass(frozen=True)
class ItsResult:
    """Every event x platform x metric the client's data allow."""

    effects: tuple[ItsEffect, ...]
    method: str = METHOD

    def summary_frame(self) -> pd.DataFrame:
        rows = []
        for e in self.effects:
            rows.append({"event": e.event.label, "date": e.event.date, "platform": e.platform,
                         "metric": e.metric, "days before": e.n_before, "days after": e.n_after,
                         "level change": e.level_ratio, "low": e.level_low,
                         "high": e.level_high, "p": e.level_p,
                         "weekly trend change": e.slope_ratio_week,
                         "smallest detectable": e.min_detectable_ratio,
                         "note": e.reason or ("significant" if e.significant
                                              else "no measurable change yet")})
        from smm_nb.analysis.baseline import tidy

        return tidy(pd.DataFrame(rows))

    def to_findings(self, key: str, lang=None) -> list:
        from smm_nb.report.findings import Finding

        out = []
        for e in self.effects:
            k = f"{key}.{e.event.key}.{e.metric}.{e.platform}"
            text = its_text(e, lang)
            if not e.estimated:
                out.append(Finding(k, None, text, unit="rate_ratio", basis=self.method))
                continue
            n = e.n_before + e.n_after
            out.append(Finding(k, e.level_ratio, text, unit="rate_ratio", basis=self.method,
                               low=e.level_low, high=e.level_high, n=n))
            out.append(Finding(f"{key}.{e.event.key}.{e.metric}_mde.{e.platform}",
                               e.min_detectable_ratio,
                               "smallest level change the data could have shown (80% power)",
                               unit="rate_ratio", basis=self.method, n=n))
            out.append(Finding(f"{key}.{e.event.key}.{e.metric}_slope.{e.platform}",
                               e.slope_ratio_week, "change in weekly growth after the event",
                               unit="rate_ratio", basis=self.method, low=e.slope_low,
                               high=e.slope_high, n=n))
        return out

    def effect(self, event: str, metric: str, platform: str) -> ItsEffect:
        for e in self.effects:
            if (e.event.key, e.metric, e.platform) == (event, metric, platform):
                return e
        raise KeyError((event, metric, platform))


def interrupted_time_series(daily: pd.DataFrame, config: ClientConfig,
                            metrics: tuple[str, ...] = METRICS) -> ItsResult:
    """Level and slope changes at the launch and each plan change, per platform."""
    effects = []
    if daily is None or daily.empty:
        return ItsResult(())
    platforms = [p for p in config.platforms if p in set(daily["platform"].dropna())]
    for ev in events_from_config(config):
        for plat in platforms:
            if ev.platform and ev.platform != plat:
                continue
            rows = daily.loc[daily["platform"] == plat]
            for m in metrics:
                if m not in rows or rows[m].isna().all():
                    continue
                effects.append(fit_its(daily, m, ev, plat))
    return ItsResult(tuple(effects))


# --------------------------------------------------------------------------- words

PLATFORM_NAMES = {"instagram": "Instagram", "facebook": "Facebook", "x": "X",
                  "linkedin": "LinkedIn", "tiktok": "TikTok", "youtube": "YouTube"}
_METRIC_WORDS = {"daily data": ("daily data", "günlük veri"),
                 "reach": ("daily reach", "günlük erişim"),
                 "impressions": ("daily impressions", "günlük gösterim"),
                 "follower_gains": ("daily new followers", "günlük yeni takipçi")}


def its_text(e: ItsEffect, lang=None) -> str:
    """The plain-words reading of one effect."""
    from smm_nb.analysis.experiments import _Lang

    L = lang or _Lang()
    en_m, tr_m = _METRIC_WORDS.get(e.metric, (e.metric, e.metric))
    plat = PLATFORM_NAMES.get(e.platform, e.platform)
    when = L.date(e.event.date) if hasattr(L, "date") else str(e.event.date)
    ev_en = "the launch" if e.event.key == "launch" else f"the plan change of {when}"
    ev_tr = "lansman" if e.event.key == "launch" else f"{when} plan değişikliği"
    if not e.estimated:
        if e.n_before == 0 and e.n_after > 0:
            return L.text(
                en=f"{plat} {en_m}: no data before {ev_en}, so its effect cannot be "
                   "measured; the numbers since then are the baseline.",
                tr=f"{plat} {tr_m}: {ev_tr} öncesine ait veri yok, bu yüzden etkisi "
                   "ölçülemiyor; o günden bu yana gelen rakamlar temel çizgidir.")
        return L.text(en=f"{plat} {en_m}: {e.reason}.",
                      tr=f"{plat} {tr_m}: yeterli veri yok ({e.n_before} gün önce, "
                         f"{e.n_after} gün sonra; her iki tarafta en az {MIN_SIDE_DAYS} gün "
                         "gerekli).")
    rr = f"{L.ratio(e.level_ratio)} ({L.ratio(e.level_low)}–{L.ratio(e.level_high)}, 95% CI)"
    rr_tr = (f"{L.number(e.level_ratio, 2)} katı ({L.number(e.level_low, 2)}–"
             f"{L.number(e.level_high, 2)}, %95 GA)")
    if e.significant:
        up = e.level_ratio > 1
        return L.text(
            en=f"{plat} {en_m} {'rose' if up else 'fell'} at {ev_en}: {rr} the level the "
               "earlier trend predicted, with weekday pattern and day-to-day carry-over "
               "accounted for.",
            tr=f"{plat} {tr_m} {ev_tr} ile {'arttı' if up else 'azaldı'}: önceki eğilimin "
               f"öngördüğü düzeyin {rr_tr} (haftanın günü etkisi ve günden güne taşınma "
               "hesaba katıldı).")
    return L.text(
        en=f"{plat} {en_m}: no measurable change yet at {ev_en} — estimate {rr}. The data "
           f"could only have shown a change of about {L.ratio(e.min_detectable_ratio)} or "
           "more.",
        tr=f"{plat} {tr_m}: {ev_tr} sonrasında henüz ölçülebilir bir değişim yok — tahmin "
           f"{rr_tr}. Veri ancak yaklaşık {L.ratio(e.min_detectable_ratio)} veya daha büyük bir "
           "değişimi gösterebilirdi.")


def its_sentences(result: ItsResult, lang=None) -> list[str]:
    """One sentence per estimated effect, and one per platform and event that could
    not be estimated (instead of one per metric)."""
    from smm_nb.analysis.experiments import _Lang

    L = lang or _Lang()
    out, said = [], set()
    for e in result.effects:
        if e.estimated:
            out.append(its_text(e, lang))
            continue
        k = (e.event.key, e.platform)
        if k in said:
            continue
        said.add(k)
        # the metric word is dropped: the reason holds for every daily metric
        out.append(its_text(ItsEffect(e.platform, "daily data", e.event, n_before=e.n_before,
                                      n_after=e.n_after, reason=e.reason), lang))
    if not out:
        out.append(L.text(en="No daily account data: nothing to compare before and after.",
                          tr="Günlük hesap verisi yok: önce ve sonra karşılaştırılamıyor."))
    return out
