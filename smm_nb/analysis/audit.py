"""The audit's account-level checks: presence, activity, audience growth, top posts.

Engagement rates and rate ratios live in :mod:`smm_nb.analysis.metrics`, data quality
in :mod:`~smm_nb.analysis.quality`, competitors, community and the scorecard in their
own modules. Every function takes canonical (or prepared) tables and returns a frozen
result with ``summary_frame()`` and ``to_findings(key)``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smm_nb.analysis.metrics import _slug, definition
from smm_nb.analysis.prepare import ER_BASES
from smm_nb.model.config import ClientConfig
from smm_nb.report.findings import Finding


def _naive(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    return s.astype("datetime64[ns]")


def data_end(tables: dict[str, pd.DataFrame]) -> pd.Timestamp | None:
    """The latest day seen in posts or daily data: "today" of the audit (exports end at
    download, so the wall clock would make every old export look stale)."""
    ends = []
    if "posts" in tables and len(tables["posts"]):
        ends.append(_naive(tables["posts"]["published_at"]).max().normalize())
    if "account_daily" in tables and len(tables["account_daily"]):
        ends.append(_naive(tables["account_daily"]["date"]).max())
    return max(ends) if ends else None


# --------------------------------------------------------------------------- presence

@dataclass(frozen=True)
class Presence:
    """Accounts in ``client.yaml`` against the data found, per platform."""

    frame: pd.DataFrame  # platform, configured, handle, posts, first_post, last_post,
    #                      last_day, days_since, status, reason
    as_of: pd.Timestamp | None
    stale_days: int

    title = "Presence: accounts configured against data found"

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def status(self, platform: str) -> str:
        f = self.frame[self.frame["platform"] == platform]
        return "no data" if f.empty else str(f.iloc[0]["status"])

    def to_findings(self, key: str) -> list[Finding]:
        out = [Finding(f"{key}.status.{r.platform}", r.status, r.reason, "text",
                       n=int(r.posts)) for r in self.frame.itertuples()]
        bad = self.frame[self.frame["status"] != "ok"]
        out.append(Finding(f"{key}.problems", float(len(bad)),
                           "; ".join(bad["reason"]) or "every configured account has "
                           "current data", "count"))
        return out


def presence(config: ClientConfig, tables: dict[str, pd.DataFrame],
             as_of: dt.date | pd.Timestamp | None = None, stale_days: int = 14) -> Presence:
    """Configured accounts against posts and daily data found.

    ``status`` is ``ok``, ``no data`` (configured, nothing exported), ``stale`` (last post
    and last daily row older than ``stale_days`` before ``as_of``) or ``not configured``
    (data for an account missing from ``client.yaml``).
    """
    posts = tables.get("posts", pd.DataFrame(columns=["platform", "published_at"]))
    daily = tables.get("account_daily", pd.DataFrame(columns=["platform", "date"]))
    as_of = pd.Timestamp(as_of) if as_of is not None else data_end(tables)
    configured = dict(config.platforms)
    # distinct values and the two columns read, not a million rows iterated or taken
    found = set(posts["platform"].dropna().unique()) | set(daily["platform"].dropna().unique())
    posts, daily = posts[["platform", "published_at"]], daily[["platform", "date"]]
    rows = []
    for plat in sorted(set(configured) | found):
        p = posts[posts["platform"] == plat]
        d = daily[daily["platform"] == plat]
        first = _naive(p["published_at"]).min() if len(p) else pd.NaT
        last = _naive(p["published_at"]).max() if len(p) else pd.NaT
        last_day = _naive(d["date"]).max() if len(d) else pd.NaT
        latest = max([x for x in (last, last_day) if pd.notna(x)], default=pd.NaT)
        days = (as_of - latest.normalize()).days if pd.notna(latest) and as_of is not None \
            else None
        if plat not in configured:
            status, reason = "not configured", f"{plat}: data found but no account in client.yaml"
        elif pd.isna(latest):
            status, reason = "no data", f"{plat}: account configured, no posts or daily data"
        elif days is not None and days > stale_days:
            status, reason = "stale", (f"{plat}: latest data {latest.date()} is {days} days "
                                       f"old (more than {stale_days})")
        else:
            status, reason = "ok", f"{plat}: data up to {latest.date()}"
        acc = configured.get(plat)
        rows.append({"platform": plat, "configured": plat in configured,
                     "handle": getattr(acc, "handle", None) or "", "posts": len(p),
                     "first_post": first.date() if pd.notna(first) else None,
                     "last_post": last.date() if pd.notna(last) else None,
                     "last_day": last_day.date() if pd.notna(last_day) else None,
                     "days_since": days, "status": status, "reason": reason})
    return Presence(pd.DataFrame(rows), as_of, stale_days)


# --------------------------------------------------------------------------- activity

@dataclass(frozen=True)
class Activity:
    """Posting cadence and its consistency per platform.

    ``frame``: platform, posts, weeks, posts_per_week, posts_per_week_recent (last 12
    weeks), empty_weeks, empty_week_share, longest_gap_days, gaps_over_week.
    ``weekly``: platform, week (Monday), posts, with empty weeks as 0.
    """

    frame: pd.DataFrame
    weekly: pd.DataFrame

    title = "Activity: posts per week and gaps"

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def posts_per_week(self) -> dict[str, float]:
        return dict(zip(self.frame["platform"], self.frame["posts_per_week"]))

    def to_findings(self, key: str) -> list[Finding]:
        out = []
        for r in self.frame.itertuples():
            out.append(Finding(f"{key}.posts_per_week.{r.platform}", float(r.posts_per_week),
                               f"{r.platform}: {r.posts_per_week:.1f} posts per week over "
                               f"{r.weeks} weeks ({r.posts_per_week_recent:.1f} in the last "
                               f"12 weeks)", "per_week", "posts / calendar weeks covered",
                               n=int(r.posts)))
            out.append(Finding(f"{key}.empty_weeks.{r.platform}", float(r.empty_weeks),
                               f"{r.platform}: {r.empty_weeks} of {r.weeks} weeks without a "
                               f"post; longest gap {r.longest_gap_days} days", "count",
                               n=int(r.weeks)))
        return out


def activity(posts: pd.DataFrame, as_of: pd.Timestamp | None = None) -> Activity:
    """Posts per week from each platform's first post to ``as_of`` (default: the last
    post of any platform), weeks without a post and the longest gap between posts."""
    t = _naive(posts["published_at"])
    end = (pd.Timestamp(as_of) if as_of is not None else t.max()).normalize()
    rows, weekly = [], []
    for plat, ts in t.groupby(posts["platform"].to_numpy()):
        ts = ts.sort_values()
        start = ts.min().normalize()
        monday0 = start - pd.Timedelta(days=start.day_of_week)
        weeks = pd.date_range(monday0, end - pd.Timedelta(days=end.day_of_week), freq="7D")
        wk = (ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D"))
        counts = wk.value_counts().reindex(weeks, fill_value=0)
        n_days = (end - start).days + 1
        n_weeks = max(n_days / 7, 1 / 7)
        recent = ts[ts > end - pd.Timedelta(days=84)]
        recent_days = min(84, n_days)
        gaps = ts.diff().dt.total_seconds().dropna() / 86400
        tail = (end - ts.max().normalize()).days  # silence since the last post counts too
        all_gaps = np.append(gaps.to_numpy(), tail)
        rows.append({"platform": plat, "posts": len(ts), "weeks": len(weeks),
                     "posts_per_week": len(ts) / n_weeks,
                     "posts_per_week_recent": len(recent) / (recent_days / 7),
                     "empty_weeks": int((counts == 0).sum()),
                     "empty_week_share": float((counts == 0).mean()),
                     "longest_gap_days": int(np.floor(all_gaps.max())) if len(all_gaps) else 0,
                     "gaps_over_week": int((all_gaps > 7).sum())})
        weekly.append(pd.DataFrame({"platform": plat, "week": counts.index,
                                    "posts": counts.to_numpy()}))
    cols = ["platform", "posts", "weeks", "posts_per_week", "posts_per_week_recent",
            "empty_weeks", "empty_week_share", "longest_gap_days", "gaps_over_week"]
    return Activity(pd.DataFrame(rows, columns=cols),
                    pd.concat(weekly, ignore_index=True) if weekly else
                    pd.DataFrame(columns=["platform", "week", "posts"]))


# --------------------------------------------------------------------------- growth

@dataclass(frozen=True)
class Growth:
    """Followers and net growth per month; the last 12 months against the months before.

    ``monthly``: platform, month, followers (end of month), net (followers gained net of
    losses in the month), growth_pct (net / followers at the start), days (days with data),
    complete (the month is fully covered).
    ``frame``: platform, followers_start, followers_end, net_total, months,
    recent_growth_pct (mean monthly % over the last 12 complete months), before_growth_pct
    (mean monthly % before them; None when there is no earlier year), status/reason.
    """

    monthly: pd.DataFrame
    frame: pd.DataFrame

    title = "Audience growth: net followers per month"

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_findings(self, key: str) -> list[Finding]:
        out = []
        for r in self.frame.itertuples():
            if r.months == 0 or pd.isna(r.recent_growth_pct):
                out.append(Finding(f"{key}.monthly_growth.{r.platform}", None,
                                   f"{r.platform}: {r.reason}", "ratio"))
                continue
            before = "" if pd.isna(r.before_growth_pct) else \
                f"; {r.before_growth_pct:.2%} a month before that"
            out.append(Finding(f"{key}.monthly_growth.{r.platform}", float(r.recent_growth_pct),
                               f"{r.platform}: followers grew {r.recent_growth_pct:.2%} a "
                               f"month over the last {min(r.months, 12)} complete months"
                               f"{before} ({r.followers_start:,.0f} -> {r.followers_end:,.0f})",
                               "ratio", "net follower change / followers at month start, "
                               "mean of complete months", n=int(r.months)))
            if not pd.isna(r.before_growth_pct):
                out.append(Finding(f"{key}.monthly_growth_before.{r.platform}",
                                   float(r.before_growth_pct),
                                   f"{r.platform}: {r.before_growth_pct:.2%} a month before "
                                   "the last 12 months", "ratio",
                                   "net follower change / followers at month start"))
        return out


def growth(daily: pd.DataFrame) -> Growth:
    """Monthly follower growth per platform from ``account_daily``.

    Net growth of a month is the change in the end-of-month follower count (which
    includes losses); for the first month, the change from the first day with data.
    Months not fully covered are marked incomplete and left out of the averages.
    """
    rows, frames = [], []
    # the three columns read: row subsets of the whole daily table cost more than the rest
    d = daily[["platform", "date", "followers"]].dropna(subset=["followers"]) \
        if len(daily) else daily
    plat_col = d["platform"].to_numpy(dtype=object, na_value=None) if len(daily) else None
    for plat in sorted(daily["platform"].dropna().unique()) if len(daily) else []:
        g = d[plat_col == plat].sort_values("date")
        if g.empty:
            rows.append(_growth_row(plat, reason="no follower counts in the daily export"))
            continue
        dates = _naive(g["date"]).to_numpy()
        f = g["followers"].astype("float64").to_numpy()
        # months as runs of the sorted dates (what a groupby on the periods gives: last
        # count, days with data), on arrays instead of a grouped Series per platform
        dated = ~np.isnat(dates)  # a row without a date has no month (sorted last)
        stamp = pd.DatetimeIndex(dates[dated])
        mkey = ((stamp.year - 1970) * 12 + stamp.month - 1).to_numpy()
        first_row = np.flatnonzero(np.r_[True, mkey[1:] != mkey[:-1]])
        last_row = np.r_[first_row[1:], len(mkey)] - 1
        months = pd.PeriodIndex.from_ordinals(mkey[first_row], freq="M")
        end = f[dated][last_row]
        prev = np.r_[f[0], end[:-1]]
        days = last_row - first_row + 1
        full = np.array([p.days_in_month for p in months])
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = (end - prev) / np.where(prev == 0, np.nan, prev)
        complete = days == full
        # The first month's change starts from its first day, not the month before.
        complete[0] = bool(complete[0]) and stamp[0].day == 1
        m = pd.DataFrame({"platform": plat, "month": months, "followers": end,
                          "net": end - prev, "growth_pct": pct, "days": days,
                          "complete": complete})
        frames.append(m)
        comp = m[m["complete"]]
        recent, before = comp.tail(12), comp.iloc[:-12] if len(comp) > 12 else comp.iloc[0:0]
        reason = "" if len(comp) else (f"no complete calendar month of data ({len(g)} days)")
        rows.append(_growth_row(plat, float(f[0]), float(f[-1]),
                                float(f[-1] - f[0]), len(comp),
                                float(recent["growth_pct"].mean()) if len(recent) else np.nan,
                                float(before["growth_pct"].mean()) if len(before) else np.nan,
                                reason))
    monthly = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["platform", "month", "followers", "net", "growth_pct", "days", "complete"])
    return Growth(monthly, pd.DataFrame(rows, columns=[
        "platform", "followers_start", "followers_end", "net_total", "months",
        "recent_growth_pct", "before_growth_pct", "reason"]))


def _growth_row(plat, start=np.nan, end=np.nan, net=np.nan, months=0, recent=np.nan,
                before=np.nan, reason=""):
    return {"platform": plat, "followers_start": start, "followers_end": end,
            "net_total": net, "months": months, "recent_growth_pct": recent,
            "before_growth_pct": before, "reason": reason}


# --------------------------------------------------------------------------- top posts

@dataclass(frozen=True)
class TopPosts:
    """Best and worst posts per platform by engagement rate (text is untrusted: shown
    only through :func:`smm_nb.report.display.show`, which escapes it)."""

    frame: pd.DataFrame  # platform, rank (top/bottom), published, format, text, er, ...
    basis: str
    definition: str

    @property
    def title(self) -> str:
        return f"Top and bottom posts ({self.definition})"

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_findings(self, key: str) -> list[Finding]:
        out = []
        for (plat, which), g in self.frame.groupby(["platform", "which"], sort=True):
            r = g.iloc[0]
            out.append(Finding(f"{key}.{which}.{plat}", float(r["rate"]),
                               f"{plat} {which} post ({r['format']}, {r['published']}): "
                               f"{r['rate']:.2%} ({self.definition})", "ratio",
                               self.definition))
        return out


def top_posts(posts: pd.DataFrame, basis: str = "reach", k: int = 3,
              min_denominator: int = 50, text_chars: int = 80) -> TopPosts:
    """The ``k`` best and worst posts of each platform by engagement rate on ``basis``.

    Posts whose denominator is below ``min_denominator`` are left out: 3 engagements
    from 5 people reached is a 60% rate and means nothing.
    """
    col = f"er_{basis}"
    den = pd.to_numeric(posts[ER_BASES[basis]]).astype("float64")
    keep = ((den >= min_denominator) & posts[col].notna()).to_numpy(dtype=bool, na_value=False)
    # only the shown columns (taking every column of the prepared table costs more), and
    # the local wall-clock time once for all posts
    cols = list(dict.fromkeys(["platform", "published_at", "format", "text", col,
                               "engagements_public", ER_BASES[basis]]))
    p = posts.loc[keep, cols]
    p = p.assign(published_at=_naive(p["published_at"]))
    rows = []
    for plat, g in p.groupby("platform", sort=True):
        g = g.sort_values(col, ascending=False)
        n = len(g)
        kk = min(k, n // 2) if n >= 2 else n
        for which, part in (("top", g.head(kk)), ("bottom", g.tail(kk).iloc[::-1])):
            for i, r in enumerate(part.itertuples(), start=1):
                text = "" if pd.isna(r.text) else str(r.text)
                if len(text) > text_chars:
                    text = text[:text_chars - 1] + "…"
                rows.append({"platform": plat, "which": which, "rank": i,
                             "published": r.published_at.strftime("%Y-%m-%d %H:%M"),
                             "format": r.format, "text": text,
                             "rate": float(getattr(r, col)),
                             "engagements": float(r.engagements_public),
                             "denominator": float(getattr(r, ER_BASES[basis]))})
    d = definition(basis, "median").rsplit(",", 1)[0] + ", per post"
    return TopPosts(pd.DataFrame(rows, columns=["platform", "which", "rank", "published",
                                                "format", "text", "rate", "engagements",
                                                "denominator"]), basis, d)


# --------------------------------------------------------------------------- monthly trend

@dataclass(frozen=True)
class MonthlyTrend:
    """Ratio-of-sums engagement rate per platform and month, with bootstrap intervals,
    and the slope of log rate per month (a share change per month) with its interval."""

    frame: pd.DataFrame  # platform, month, value, low, high, n
    slopes: pd.DataFrame  # platform, change_per_month, low, high, months
    basis: str
    definition: str

    @property
    def title(self) -> str:
        return f"Monthly engagement rate ({self.definition})"

    def summary_frame(self) -> pd.DataFrame:
        return self.slopes.copy()

    def to_findings(self, key: str) -> list[Finding]:
        out = []
        for r in self.slopes.itertuples():
            k = f"{key}.{_slug(r.platform)}"
            if pd.isna(r.change_per_month):
                out.append(Finding(k, None, f"{r.platform}: fewer than 3 months with posts; "
                                   "no trend", "ratio", self.definition, n=int(r.months)))
                continue
            out.append(Finding(k, float(r.change_per_month),
                               f"{r.platform}: engagement rate changes {r.change_per_month:+.1%}"
                               f" a month (95% CI {r.low:+.1%} to {r.high:+.1%}) over "
                               f"{r.months} months", "ratio",
                               self.definition + ", relative change per month",
                               float(r.low), float(r.high), int(r.months)))
        return out


def monthly_trend(posts: pd.DataFrame, basis: str = "reach", n_boot: int = 500,
                  seed: int = 0, min_posts: int = 3) -> MonthlyTrend:
    """Monthly rate per platform and a log-linear trend fitted to the posts (negative
    binomial with log exposure, month index as regressor, HC1 errors; above
    ``metrics.LARGE_N`` posts a platform's posts are summed per month and the trend is a
    quasi-Poisson fit with HC1 errors)."""
    from smm_nb.analysis.metrics import engagement_rates

    rates = engagement_rates(posts, by=("platform", "month"), bases=(basis,),
                             statistics=("ratio",), n_boot=n_boot, seed=seed).frame
    rates = rates[rates["n"] >= min_posts]
    slopes = []
    # only the columns read: sub-frames of the whole prepared table (text included) cost
    # more to take than the fits on a large client
    cols = list(dict.fromkeys(["platform", "month", "engagements_public", ER_BASES[basis]]))
    for plat, g in posts[cols].groupby("platform", sort=True):
        num = pd.to_numeric(g["engagements_public"]).astype("float64").to_numpy(na_value=np.nan)
        den = pd.to_numeric(g[ER_BASES[basis]]).astype("float64").to_numpy(na_value=np.nan)
        ok = np.isfinite(num) & np.isfinite(den) & (den > 0)
        months = g["month"][ok]
        n_months = months.nunique()
        if n_months < 3:
            slopes.append({"platform": plat, "change_per_month": np.nan, "low": np.nan,
                           "high": np.nan, "months": int(n_months)})
            continue
        # months since the first (Period ordinals count months; one vector op, not a
        # Python loop that recomputes the minimum per post)
        ordinals = months.array.asi8
        x = (ordinals - ordinals.min()).astype(float)
        slope, lo, hi = _log_slope(num[ok], den[ok], x)
        slopes.append({"platform": plat, "change_per_month": np.expm1(slope),
                       "low": np.expm1(lo), "high": np.expm1(hi), "months": int(n_months)})
    d = definition(basis, "ratio")
    return MonthlyTrend(rates.reset_index(drop=True), pd.DataFrame(
        slopes, columns=["platform", "change_per_month", "low", "high", "months"]), basis, d)


def _log_slope(num: np.ndarray, den: np.ndarray, x: np.ndarray) -> tuple[float, float, float]:
    import warnings

    import statsmodels.api as sm

    from smm_nb.analysis.metrics import LARGE_N, fit_nb2, fit_poisson_cells

    X = sm.add_constant(x)
    if len(num) > LARGE_N:
        # a large client: posts summed per month (the design's cells), quasi-Poisson
        # with robust errors; the NB2 likelihood needs every post (seconds per platform)
        res = fit_poisson_cells(num, den, X)
        ci = np.asarray(res.conf_int())[1]
        return float(res.params[1]), float(ci[0]), float(ci[1])
    res = fit_nb2(num, X, np.log(den))
    if res is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.GLM(num, X, family=sm.families.Poisson(), offset=np.log(den)).fit(
                cov_type="HC1")
    ci = np.asarray(res.conf_int())[1]
    return float(np.asarray(res.params)[1]), float(ci[0]), float(ci[1])


__all__ = ["Activity", "Growth", "MonthlyTrend", "Presence", "TopPosts", "activity",
           "data_end", "growth", "monthly_trend", "presence", "top_posts"]
