"""The client against its competitors: share of voice, engagement rate, follower growth.

Competitor exports (``competitors`` table) carry, per handle and date, the follower
count and the posts and engagements since the previous row. The client's side comes
from its own posts and daily followers over the **same dates** (the overlap of both),
with the same definition: engagements per post / followers (a ratio of sums).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smm_nb.report.findings import Finding

COMPETITOR_ER = "engagements / (posts x followers), ratio of sums over the period"


@dataclass(frozen=True)
class CompetitorComparison:
    """``frame``: platform, account, is_client, posts, engagements, share_posts,
    share_engagements, er_followers, followers_start, followers_end, growth_pct.
    ``followers``: platform, account, date, followers (for the side-by-side chart).
    ``start``/``end``: the common period."""

    frame: pd.DataFrame
    followers: pd.DataFrame
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    reason: str = ""

    title = "Competitors: share of voice, engagement rate and follower growth"

    @property
    def available(self) -> bool:
        return not self.frame.empty

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_findings(self, key: str) -> list[Finding]:
        if not self.available:
            return [Finding(f"{key}.share_of_voice", None, self.reason, "ratio")]
        out = []
        for plat, g in self.frame.groupby("platform", sort=True):
            c = g[g["is_client"]]
            if c.empty:
                continue
            c = c.iloc[0]
            basis = f"{self.start.date()} to {self.end.date()}"
            out.append(Finding(f"{key}.share_of_voice_posts.{plat}", float(c["share_posts"]),
                               f"{plat}: the client published {c['share_posts']:.0%} of the "
                               f"posts of the accounts compared ({basis})", "ratio",
                               "client posts / all compared accounts' posts", n=int(c["posts"])))
            out.append(Finding(f"{key}.share_of_voice_engagements.{plat}",
                               float(c["share_engagements"]),
                               f"{plat}: the client drew {c['share_engagements']:.0%} of the "
                               f"engagements ({basis})", "ratio",
                               "client engagements / all compared accounts' engagements"))
            others = g[~g["is_client"]]
            if len(others) and np.isfinite(c["er_followers"]):
                med = float(others["er_followers"].median())
                out.append(Finding(f"{key}.er_vs_competitors.{plat}",
                                   float(c["er_followers"] / med) if med > 0 else None,
                                   f"{plat}: client engagement rate {c['er_followers']:.3%} "
                                   f"against a competitor median of {med:.3%} "
                                   f"({COMPETITOR_ER})", "ratio", COMPETITOR_ER))
        return out


def compare_competitors(competitors: pd.DataFrame, posts: pd.DataFrame,
                        daily: pd.DataFrame) -> CompetitorComparison:
    """Share of voice (posts and engagements), engagement rate by followers and follower
    growth of the client and each competitor handle, per platform, over the dates both
    cover."""
    if competitors is None or competitors.empty:
        return CompetitorComparison(pd.DataFrame(), pd.DataFrame(), None, None,
                                    "no competitor export: share of voice not computed")
    # the columns read: groups of the whole table take its (Arrow) string columns too,
    # source file names included, which costs more than the comparison
    comp = competitors[["platform", "handle", "date", "followers", "posts", "engagements"]].copy()
    comp["date"] = pd.to_datetime(comp["date"])
    t = posts["published_at"]
    t = t.dt.tz_localize(None) if isinstance(t.dtype, pd.DatetimeTZDtype) else t
    rows, foll = [], []
    starts, ends = [], []
    posts = posts[["platform", "engagements_public"]]  # the columns read, not every column
    daily = daily[["platform", "date", "followers"]]
    daily_plat = daily["platform"].to_numpy(dtype=object, na_value=None)
    for plat, cg in comp.groupby("platform", sort=True):
        p = posts[posts["platform"] == plat]
        pt = t[p.index]
        d = daily[daily_plat == plat].dropna(subset=["followers"])
        if p.empty:
            continue
        # Competitor rows count posts since the previous row: the period starts one
        # interval before the first row.
        dates = np.sort(cg["date"].unique())
        step = pd.Timedelta(dates[1] - dates[0]) if len(dates) > 1 else pd.Timedelta(days=7)
        start = max(pd.Timestamp(dates[0]) - step + pd.Timedelta(days=1), pt.min().normalize())
        end = min(pd.Timestamp(dates[-1]), pt.max().normalize())
        if end <= start:
            continue
        starts.append(start)
        ends.append(end)
        inside = (pt.dt.normalize() >= start) & (pt.dt.normalize() <= end)
        cp = p[inside.to_numpy()]
        eng = float(pd.to_numeric(cp["engagements_public"]).astype("float64").sum())
        dd = d[(d["date"] >= start) & (d["date"] <= end)]
        f_mean = float(dd["followers"].astype("float64").mean()) if len(dd) else np.nan
        rows.append(_row(plat, "client", True, len(cp), eng, f_mean,
                         float(dd["followers"].iloc[0]) if len(dd) else np.nan,
                         float(dd["followers"].iloc[-1]) if len(dd) else np.nan))
        foll.append(pd.DataFrame({"platform": plat, "account": "client",
                                  "date": d["date"].to_numpy(),
                                  "followers": d["followers"].astype("float64").to_numpy()}))
        in_c = cg[(cg["date"] >= start) & (cg["date"] <= end + step)]
        for handle, h in in_c.groupby("handle", sort=True):
            h = h.sort_values("date")
            f = h["followers"].astype("float64")
            rows.append(_row(plat, str(handle), False,
                             int(h["posts"].astype("float64").sum()),
                             float(h["engagements"].astype("float64").sum()), float(f.mean()),
                             float(f.iloc[0]), float(f.iloc[-1])))
            foll.append(pd.DataFrame({"platform": plat, "account": str(handle),
                                      "date": h["date"].to_numpy(), "followers": f.to_numpy()}))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return CompetitorComparison(frame, pd.DataFrame(), None, None,
                                    "competitor data and client posts do not overlap")
    tot = frame.groupby("platform")[["posts", "engagements"]].transform("sum")
    frame["share_posts"] = frame["posts"] / tot["posts"].replace(0, np.nan)
    frame["share_engagements"] = frame["engagements"] / tot["engagements"].replace(0, np.nan)
    return CompetitorComparison(frame, pd.concat(foll, ignore_index=True), min(starts),
                                max(ends))


def _row(plat, account, is_client, posts, eng, f_mean, f0, f1):
    with np.errstate(divide="ignore", invalid="ignore"):
        er = eng / (posts * f_mean) if posts and f_mean > 0 else np.nan
        g = (f1 - f0) / f0 if f0 > 0 else np.nan
    return {"platform": plat, "account": account, "is_client": is_client, "posts": int(posts),
            "engagements": eng, "er_followers": er, "followers_start": f0,
            "followers_end": f1, "growth_pct": g}
