"""KPIs against targets, and the targets the launch baseline proposes.

Targets come from two places: the client's agreed ``kpis`` in ``client.yaml`` and the
targets notebook 03 proposes from the launch baseline (recorded as findings
``targets.<metric>.<platform>``). Agreed targets win; proposals fill the metrics and
platforms the client has not set (:func:`collect_targets`).

Current values are measured over the last ``window_days`` (28) of data, on the same
definitions as the baseline: rates are medians of per-post rates, per-post levels
are medians of posts, money metrics are ratios of sums over the window.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smm_nb.analysis.baseline import Baseline, bootstrap_median, poisson_rate_interval
from smm_nb.analysis.power import TestPlan, rate_columns
from smm_nb.model.config import KPI_METRICS, RATE_METRICS, ClientConfig

WINDOW_DAYS = 28
LOWER_IS_BETTER = ("cpa", "cpc", "cpm", "response_time_hours")


# --------------------------------------------------------------------------- proposals

@dataclass(frozen=True)
class TargetProposal:
    """Phase-2 targets from the launch baseline: ``frame`` has metric, platform,
    baseline, target, direction and why."""

    frame: pd.DataFrame

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.round({"baseline": 4, "target": 4})

    def to_findings(self, key: str, lang=None) -> list:
        from smm_nb.report.findings import Finding

        out = []
        for r in self.frame.itertuples():
            unit = "per_week" if r.metric == "posts_per_week" else (
                "ratio" if r.metric in RATE_METRICS else "count")
            ok = r.target is not None and pd.notna(r.target)
            out.append(Finding(f"{key}.{r.metric}.{r.platform}", float(r.target) if ok else None,
                               r.why, unit=unit, basis=f"{r.direction}; baseline {r.baseline:.4g}"
                               if pd.notna(r.baseline) else r.direction))
        return out


def propose_targets(base: Baseline, plan: TestPlan, config: ClientConfig) -> TargetProposal:
    """Targets for the management phase, one set per platform.

    * engagement rate (the client's basis): baseline median x the smallest lift a
      phase-2 test of the planned length could detect (a target a test can prove);
    * posts per week: the cadence agreed in ``client.yaml``, else the launch cadence
      (at least 3 a week: fewer posts leave tests underpowered).

    Reach and follower targets are left to the client: their variation is not what a
    content test measures, so no statistical rule gives them.
    """
    er = f"er_{base.er_basis}"
    mde = dict(zip(plan.frame["platform"], plan.frame["min_detectable_lift"])) \
        if not plan.frame.empty else {}
    rows = []
    for plat in config.platforms:
        lift = mde.get(plat, np.nan)
        agreed = {k.metric: k.target for k in config.kpis if k.platform == plat}
        cad = base.value(plat, "posts_per_week")
        target_cad = agreed.get("posts_per_week", max(math.ceil(cad), 3) if cad else 3)
        rows.append({"metric": "posts_per_week", "platform": plat, "baseline": cad,
                     "target": float(target_cad), "direction": "at_least",
                     "why": "agreed cadence in client.yaml" if "posts_per_week" in agreed else
                     "keep the launch cadence, at least 3 posts a week"})
        for metric in (er,):
            b = base.value(plat, metric)
            ok = b is not None and b > 0 and np.isfinite(lift)
            rows.append({"metric": metric, "platform": plat, "baseline": b,
                         "target": b * lift if ok else None, "direction": "at_least",
                         "why": (f"baseline x{lift:.2f}, the smallest lift a {plan.weeks}-week "
                                 "test could detect" if ok else
                                 "no target: baseline or test plan not available")})
    return TargetProposal(pd.DataFrame(rows))


def collect_targets(config: ClientConfig, findings_03: dict | None = None) -> pd.DataFrame:
    """Agreed targets from ``client.yaml`` plus 03's proposals where none is agreed.

    ``findings_03`` is the findings record 03 wrote (``{"findings": [...]}``).
    """
    rows = [{"metric": k.metric, "platform": k.platform, "target": k.target,
             "direction": k.direction, "by": k.by, "source": "client.yaml"}
            for k in config.kpis]
    have = {(r["metric"], r["platform"]) for r in rows}
    for f in (findings_03 or {}).get("findings", []):
        parts = f.get("key", "").split(".")
        if len(parts) != 3 or parts[0] != "targets" or parts[1] not in KPI_METRICS:
            continue
        metric, plat = parts[1], parts[2]
        if f.get("value") is None or (metric, plat) in have or (metric, None) in have:
            continue
        rows.append({"metric": metric, "platform": plat, "target": float(f["value"]),
                     "direction": "at_most" if metric in LOWER_IS_BETTER else "at_least",
                     "by": None, "source": "proposed in 03"})
    return pd.DataFrame(rows, columns=["metric", "platform", "target", "direction", "by",
                                       "source"])


# --------------------------------------------------------------------------- status

@dataclass(frozen=True)
class KpiStatus:
    """Each target with its current value, interval and status.

    ``status`` is ``met``, ``within noise`` (the target lies inside the 95 % interval
    of the current value), ``behind``, ``on track`` (a dated level target that the
    current trend reaches by its date) or ``no data``.
    """

    frame: pd.DataFrame
    window_start: dt.date | None
    window_end: dt.date | None

    def summary_frame(self) -> pd.DataFrame:
        fr = self.frame.copy()
        for c in ("value", "low", "high", "target"):  # rates and levels share columns
            fr[c] = [round(v, 4 if abs(t) < 1 else 2) if pd.notna(v) else np.nan
                     for v, t in zip(fr[c], fr["target"])]
        return fr[["metric", "platform", "value", "low", "high", "target", "direction",
                   "status", "source", "basis"]]

    def to_findings(self, key: str, lang=None) -> list:
        from smm_nb.report.findings import Finding

        out = []
        for r in self.frame.itertuples():
            plat = r.platform if isinstance(r.platform, str) else "all"
            k = f"{key}.{r.metric}.{plat}"
            if r.value is None or pd.isna(r.value):
                out.append(Finding(k, None, f"{r.metric} ({plat}): {r.basis or 'no data'}",
                                   unit="text"))
                continue
            out.append(Finding(k, float(r.value), kpi_text(r, lang),
                               unit="ratio" if r.metric in RATE_METRICS else "count",
                               basis=r.basis, low=_f(r.low), high=_f(r.high)))
        return out

    @property
    def met(self) -> int:
        return int((self.frame["status"] == "met").sum()) if not self.frame.empty else 0


def _f(x):
    return float(x) if x is not None and pd.notna(x) and np.isfinite(x) else None


STATUS_TR = {"met": "tuttu", "on track": "yolunda", "within noise": "belirsiz (hedef aralıkta)",
             "behind": "geride", "no data": "veri yok"}


def kpi_text(r, lang=None) -> str:
    """``metric (platform) value against target: status`` in the report's language."""
    from smm_nb.analysis.experiments import _Lang

    L = lang or _Lang()
    plat = r.platform if isinstance(r.platform, str) else L.text(en="all", tr="tümü")
    pct = r.metric in RATE_METRICS

    def fmt(x):
        return L.percent(x) if pct else L.number(x, 2 if abs(x) < 100 else 0)
    most = r.direction == "at_most"
    return L.text(
        en=f"{r.metric} ({plat}) {fmt(r.value)} against a target of "
           f"{'at most' if most else 'at least'} {fmt(r.target)}: {r.status}",
        tr=f"{r.metric} ({plat}) {fmt(r.value)}, hedef {'en çok' if most else 'en az'} "
           f"{fmt(r.target)}: {STATUS_TR.get(r.status, r.status)}")


def kpi_status(targets: pd.DataFrame, posts: pd.DataFrame, daily: pd.DataFrame | None,
               spend: pd.DataFrame | None = None, conversions: pd.DataFrame | None = None,
               messages: pd.DataFrame | None = None, window_days: int = WINDOW_DAYS,
               as_of: dt.date | None = None) -> KpiStatus:
    """Current value of every target over the last ``window_days`` of data."""
    from smm_nb.analysis.baseline import data_end

    end = as_of or data_end(posts, daily)
    if end is None:
        fr = targets.assign(value=np.nan, low=np.nan, high=np.nan, status="no data",
                            basis="no data")
        return KpiStatus(fr, None, None)
    t1 = pd.Timestamp(end) + pd.Timedelta(days=1)
    t0 = t1 - pd.Timedelta(days=window_days)
    local = posts["published_at"].dt.tz_localize(None)
    recent = posts.loc[(local >= t0) & (local < t1)]
    rows = []
    for r in targets.itertuples():
        plat = r.platform if isinstance(r.platform, str) else None
        v, lo, hi, basis = _measure(r.metric, plat, recent, daily, spend, conversions,
                                    messages, t0, t1, window_days)
        status = _status(v, lo, hi, r.target, r.direction)
        if r.metric == "followers" and status in ("behind", "within noise") and r.by:
            proj = _project_followers(daily, plat, t1, r.by)
            if proj is not None and proj >= r.target:
                status = "on track"
                basis += f"; trend reaches {proj:,.0f} by {r.by}"
        rows.append({"metric": r.metric, "platform": plat, "value": v, "low": lo,
                     "high": hi, "target": r.target, "direction": r.direction,
                     "by": r.by, "status": status, "source": r.source, "basis": basis})
    return KpiStatus(pd.DataFrame(rows, columns=[
        "metric", "platform", "value", "low", "high", "target", "direction", "by", "status",
        "source", "basis"]), t0.date(), (t1 - pd.Timedelta(days=1)).date())


def _status(v, lo, hi, target, direction) -> str:
    if v is None or not np.isfinite(v):
        return "no data"
    good = v >= target if direction == "at_least" else v <= target
    if good:
        return "met"
    if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi) \
            and lo <= target <= hi:
        return "within noise"
    return "behind"


def _project_followers(daily, platform, t1, by) -> float | None:
    if daily is None or daily.empty:
        return None
    d = daily.loc[(daily["platform"] == platform) if platform else slice(None)]
    d = d.dropna(subset=["followers"])
    d = d.loc[d["date"] >= t1 - pd.Timedelta(days=56)]
    if len(d) < 14:
        return None
    x = (d["date"] - d["date"].min()).dt.days.to_numpy(float)
    y = d["followers"].astype(float).to_numpy()
    slope, icpt = np.polyfit(x, y, 1)
    days = (pd.Timestamp(by) - d["date"].min()).days
    return float(icpt + slope * days)


def _sel(df, platform):
    if df is None or df.empty:
        return df
    return df.loc[df["platform"] == platform] if platform else df


def _measure(metric, platform, recent, daily, spend, conversions, messages, t0, t1, days):
    nan = np.nan
    p = _sel(recent, platform)
    if metric in RATE_METRICS:
        num, den = rate_columns(metric)
        if p is None or p.empty or den not in p:
            return nan, nan, nan, "no posts in the window"
        col = metric if metric in p else None
        if col is None:
            r = (p[num].astype("Float64") / p[den].astype("Float64").replace(0, pd.NA))
        else:
            r = p[col]
        x = r.astype("Float64").astype(float).dropna().to_numpy()
        if x.size < 3:
            return nan, nan, nan, f"{x.size} posts with {metric} in the window"
        lo, hi = bootstrap_median(x)
        return float(np.median(x)), lo, hi, f"{num} / {den}, median of {x.size} posts, " \
                                            f"last {days} days"
    if metric == "posts_per_week":
        n = 0 if p is None else len(p)
        # a platform younger than the window is measured over its own days
        d = _sel(daily, platform)
        first = d["date"].min() if d is not None and not d.empty else t0
        span = max(min(days, (t1 - max(t0, first)).days), 7)
        lo, hi = poisson_rate_interval(n, span / 7)
        return n / (span / 7), lo, hi, f"posts in the last {span} days / {span / 7:.1f} weeks"
    if metric in ("reach_per_post", "impressions_per_post", "engagements_per_post"):
        col = {"reach_per_post": "reach", "impressions_per_post": "impressions",
               "engagements_per_post": "engagements_public"}[metric]
        x = p[col].astype("Float64").astype(float).dropna().to_numpy() if p is not None and \
            not p.empty else np.array([])
        if x.size < 3:
            return nan, nan, nan, f"{x.size} posts in the window"
        lo, hi = bootstrap_median(x)
        return float(np.median(x)), lo, hi, f"{col} per post, median of {x.size} posts"
    if metric in ("followers", "net_follower_growth_monthly"):
        d = _sel(daily, platform)
        if d is None or d.empty:
            return nan, nan, nan, "no daily follower data"
        d = d.loc[d["date"] < t1]
        if metric == "followers":
            last = d.dropna(subset=["followers"]).sort_values("date")
            if last.empty:
                return nan, nan, nan, "no follower counts"
            v = float(last.groupby("platform")["followers"].last().astype(float).sum())
            return v, nan, nan, f"followers on {last['date'].max().date()}"
        w = d.loc[d["date"] >= t1 - pd.Timedelta(days=30)]
        net = (w["follower_gains"].astype("Float64").astype(float)
               - w["follower_losses"].astype("Float64").astype(float).fillna(0)).dropna()
        if net.size < 14:
            return nan, nan, nan, "fewer than 14 days of follower gains"
        return float(net.mean() * 30), nan, nan, "net new followers, last 30 days (scaled)"
    if metric in ("roas", "cpa", "cpc", "cpm", "conversions_monthly"):
        s = _sel(spend, platform)
        c = _sel(conversions, platform)
        if s is None or s.empty:
            return nan, nan, nan, "no spend recorded"
        s = s.loc[(s["date"] >= t0) & (s["date"] < t1)]
        c = c.loc[(c["date"] >= t0) & (c["date"] < t1)] if c is not None else c
        sp = float(s["spend"].sum())
        conv = float(c["conversions"].sum()) if c is not None and not c.empty else nan
        rev = float(c["revenue"].astype(float).sum()) if c is not None and not c.empty else nan
        if metric == "roas":
            return (rev / sp if sp > 0 else nan), nan, nan, "revenue / spend, last 28 days"
        if metric == "cpa":
            return (sp / conv if conv > 0 else nan), nan, nan, "spend / conversions, last 28 days"
        if metric == "cpc":
            cl = float(s["clicks"].astype("Float64").astype(float).sum())
            return (sp / cl if cl > 0 else nan), nan, nan, "spend / clicks, last 28 days"
        if metric == "cpm":
            im = float(s["impressions"].astype("Float64").astype(float).sum())
            return (sp / im * 1000 if im > 0 else nan), nan, nan, "spend per 1000 impressions"
        return (conv / days * 30 if np.isfinite(conv) else nan), nan, nan, \
            "conversions per 30 days"
    if metric == "response_time_hours":
        m = _sel(messages, platform)
        if m is None or m.empty:
            return nan, nan, nan, "no messages exported"
        m = m.loc[(m["received_at"].dt.tz_localize(None) >= t0)]
        h = ((m["first_reply_at"] - m["received_at"]).dt.total_seconds() / 3600).dropna()
        if h.size < 5:
            return nan, nan, nan, "fewer than 5 answered messages"
        lo, hi = bootstrap_median(h.to_numpy())
        return float(h.median()), lo, hi, f"median hours to first reply, {h.size} messages"
    return nan, nan, nan, f"{metric} is not measured here"
