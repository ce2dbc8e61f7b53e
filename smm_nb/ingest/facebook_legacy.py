"""Facebook Page Insights "Export Data" files (the legacy Insights, 2012-2020) and the
UCI "Facebook performance metrics" research data set built from them.

The legacy files have a second header row of metric descriptions, ``M/D/YYYY``
dates, post times like ``02/19/2014 04:29:18 AM`` in Pacific time, hundreds of
columns on the page level (with repeated names), and column sets that differ
between files of the same page. Encoding is UTF-8 with BOM for post files and
cp1252 for page files.

* post level and video posts -> ``posts``
* page level -> ``account_daily`` (one row a day), ``audience`` (the latest day's
  "Lifetime Likes by Gender and Age / Country / City / Language") and ``activity``
  ("Daily Liked and online - H", Pacific hours converted to the client's zone and
  averaged per weekday and hour).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from smm_nb.ingest.base import AdapterOutput, FileProbe, IngestContext, register
from smm_nb.ingest.readers import (RawTable, frame, has_columns, map_columns, probe_header,
                                   read_table, text, to_count, to_number)

FB_TZ = "America/Los_Angeles"  # legacy Insights reports in Pacific time

TYPE_FORMAT = {"photo": "image", "status": "text", "link": "link", "video": "video",
               "album": "carousel", "carousel": "carousel", "reel": "reel", "reels": "reel"}


def post_format(types: pd.Series) -> pd.Series:
    low = types.astype("string").str.strip().str.lower()
    return low.map(TYPE_FORMAT).astype("string")


def _zero_when_reported(t: RawTable, col: str | None, present: pd.Series) -> pd.Series | None:
    """Breakdown columns ("... by action type - share") leave a cell empty when the
    action never happened; for a post the file reports at all, that is zero."""
    if col is None:
        return None
    v = to_count(t, col)
    return v.where(v.notna() | ~present, 0)


class FacebookLegacyPosts:
    name = "facebook-insights-posts"
    description = ("Facebook Page Insights export, post level or video posts (legacy "
                   "\"Facebook Insights Data Export (Post Level)\": Post ID, Permalink, "
                   "Post Message, Type, Posted, Lifetime ...)")

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        return has_columns(h, "Post ID", "Permalink", "Post Message", "Type", "Posted") and \
            any(c.startswith("lifetime ") for c in h)

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe, skip_after_header=1)
        cols = map_columns(t, {
            "post_id": "Post ID", "text": "Post Message", "published_at": "Posted",
            "reach": "Lifetime Post Total Reach",
            "impressions": "Lifetime Post Total Impressions",
            "engagements": "Lifetime Engaged Users",
            "video_views": "Lifetime Total Video Views",
        }, kinds={"post_id": "text", "text": "text", "published_at": "timestamp"},
            export_tz=FB_TZ, client_tz=ctx.timezone)
        cols["format"] = post_format(t.col("Type"))
        present = pd.Series(True, index=range(len(t)))
        for canon, raw in (("likes", "Lifetime Post Stories by action type - like"),
                           ("comments", "Lifetime Post Stories by action type - comment"),
                           ("shares", "Lifetime Post Stories by action type - share"),
                           ("clicks", "Lifetime Post Consumptions by type - link clicks")):
            v = _zero_when_reported(t, t.find(raw), present)
            if v is not None:
                cols[canon] = v
        paid = t.find("Lifetime Post Paid Reach", "Lifetime Post Paid Impressions")
        if paid is not None:
            cols["paid"] = to_count(t, paid).fillna(0) > 0
        out = frame(t, {"platform": "facebook", **cols})
        return AdapterOutput({"posts": out}, rows_read=len(t), rows_skipped=t.skipped)


DEMOGRAPHIC_PREFIXES = {
    "lifetime likes by gender and age - ": "age_gender",
    "lifetime likes by country - ": "country",
    "lifetime likes by city - ": "city",
    "lifetime likes by language - ": "language",
}
GENDER = {"F": "female", "M": "male", "U": "other"}


class FacebookLegacyPage:
    name = "facebook-insights-page"
    description = ("Facebook Page Insights export, page level (legacy \"Facebook Insights "
                   "Data Export\": Date, Lifetime Total Likes, Daily New Likes, ...)")

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        return bool(h) and h[0] == "date" and has_columns(h, "Lifetime Total Likes",
                                                          "Daily New Likes")

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe, skip_after_header=1)
        cols = map_columns(t, {
            "date": "Date", "followers": "Lifetime Total Likes",
            "follower_gains": "Daily New Likes", "follower_losses": "Daily Unlikes",
            "impressions": "Daily Total Impressions", "reach": "Daily Total Reach",
            "engagements": "Daily Page Engaged Users",
            "profile_visits": "Daily Logged-in Page Views",
            "video_views": "Daily Total Video Views",
        }, kinds={"date": "date"})
        daily = frame(t, {"platform": "facebook", **cols})
        tables = {"account_daily": daily}
        audience = self._audience(t, cols["date"])
        if audience is not None:
            tables["audience"] = audience
        activity = self._activity(t, cols["date"], ctx.timezone)
        if activity is not None:
            tables["activity"] = activity
        return AdapterOutput(tables, rows_read=len(t), rows_skipped=t.skipped)

    @staticmethod
    def _audience(t: RawTable, dates: pd.Series) -> pd.DataFrame | None:
        found: dict[str, list[tuple[str, str]]] = {}
        for c in t.columns:
            low = c.lower()
            for prefix, dim in DEMOGRAPHIC_PREFIXES.items():
                if low.startswith(prefix):
                    found.setdefault(dim, []).append((c, c[len(prefix):].strip()))
        if not found:
            return None
        all_cols = [c for v in found.values() for c, _ in v]
        values = pd.DataFrame({c: to_number(t, c) for c in all_cols})
        has = values.notna().any(axis=1).to_numpy()
        if not has.any():
            return None
        last = int(np.flatnonzero(has)[-1])  # the latest day that reports demographics
        snap = dates.iloc[last]
        rows = []
        for dim, pairs in found.items():
            vals = {b: values.at[last, c] for c, b in pairs}
            vals = {b: v for b, v in vals.items() if pd.notna(v) and v > 0}
            total = sum(vals.values())
            if not total:
                continue
            if dim == "age_gender":
                ages: dict[str, float] = {}
                genders: dict[str, float] = {}
                for b, v in vals.items():
                    g, _, age = b.partition(".")
                    gender = GENDER.get(g, "other")
                    rows.append(("age_gender", f"{age}|{gender}", v / total))
                    ages[age] = ages.get(age, 0) + v
                    genders[gender] = genders.get(gender, 0) + v
                rows += [("age", a, v / total) for a, v in ages.items()]
                rows += [("gender", g, v / total) for g, v in genders.items()]
            else:
                rows += [(dim, b, v / total) for b, v in vals.items()]
        df = pd.DataFrame(rows, columns=["dimension", "bucket", "share"])
        # buckets can repeat after merging (e.g. two "U" genders); sum them
        df = df.groupby(["dimension", "bucket"], as_index=False, sort=False)["share"].sum()
        df.insert(0, "snapshot_date", snap)
        df.insert(0, "platform", "facebook")
        df["source_row"] = int(t.rows[last])
        return df

    @staticmethod
    def _activity(t: RawTable, dates: pd.Series, tz: str) -> pd.DataFrame | None:
        hour_cols = {}
        for h in range(24):
            c = t.find(f"Daily Liked and online - {h}")
            if c is not None:
                hour_cols[h] = c
        if len(hour_cols) < 24:
            return None
        parts = []
        for h, c in hour_cols.items():
            v = to_number(t, c)
            ok = v.notna() & dates.notna()
            if not ok.any():
                continue
            local = (dates[ok] + pd.Timedelta(hours=h)).dt.tz_localize(
                FB_TZ, ambiguous=True, nonexistent="shift_forward").dt.tz_convert(tz)
            parts.append(pd.DataFrame({"weekday": local.dt.day_of_week.to_numpy(),
                                       "hour": local.dt.hour.to_numpy(),
                                       "online_followers": v[ok].to_numpy()}))
        if not parts:
            return None
        df = pd.concat(parts, ignore_index=True)
        df = df.groupby(["weekday", "hour"], as_index=False)["online_followers"].mean()
        df.insert(0, "platform", "facebook")
        return df


class UciFacebookMetrics:
    """The UCI research data set (Moro et al. 2016): a Facebook page's post export
    reduced to month, weekday and hour; no date, no post id."""

    name = "uci-facebook-metrics"
    description = ("UCI \"Facebook performance metrics\" research data set "
                   "(Page total likes;Type;Category;Post Month;Post Weekday;Post Hour;...)")
    YEAR = 2014  # from the data set's description; the file has no year

    def sniff(self, probe: FileProbe) -> bool:
        return has_columns(probe_header(probe), "Page total likes", "Post Month",
                           "Post Weekday", "Post Hour", "Lifetime Post Total Reach")

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        month = to_count(t, "Post Month")
        weekday = to_count(t, "Post Weekday")
        hour = to_count(t, "Post Hour")
        for name, s, lo, hi in (("Post Month", month, 1, 12), ("Post Weekday", weekday, 1, 7),
                                ("Post Hour", hour, 0, 23)):
            bad = (s.notna() & ((s < lo) | (s > hi))).to_numpy(dtype=bool)
            if bad.any():
                raise t.fail(name, int(np.flatnonzero(bad)[0]), f"must be {lo}-{hi}")
        # 1 = Sunday in the data set; the first such weekday of the month stands in for
        # the unknown day, so weekday and hour (what the analyses use) stay exact.
        first = pd.to_datetime({"year": self.YEAR, "month": month.astype("int64"), "day": 1})
        target = (weekday.astype("int64") + 5) % 7  # Sunday=1 -> 6 (pandas Monday=0)
        offset = (target - first.dt.day_of_week) % 7
        local = first + pd.to_timedelta(offset, unit="D") + pd.to_timedelta(
            hour.astype("int64"), unit="h")
        cols = map_columns(t, {
            "followers_at_post": "Page total likes", "reach": "Lifetime Post Total Reach",
            "impressions": "Lifetime Post Total Impressions",
            "engagements": "Lifetime Engaged Users", "likes": "like",
            "comments": "comment", "shares": "share"}, kinds={})
        cols["published_at"] = local.dt.tz_localize(ctx.timezone, ambiguous=True,
                                                    nonexistent="shift_forward")
        cols["format"] = post_format(t.col("Type"))
        # Moro et al.: 1 action (offers, contests), 2 product, 3 inspiration
        cols["category"] = text(t, "Category").map(
            {"1": "action", "2": "product", "3": "inspiration"}).astype("string")
        cols["paid"] = to_count(t, "Paid").astype("Float64") > 0
        cols["paid"] = cols["paid"].where(to_count(t, "Paid").notna())
        cols["post_id"] = pd.Series([f"uci-{r}" for r in t.rows])
        out = frame(t, {"platform": "facebook", **cols})
        return AdapterOutput({"posts": out}, rows_read=len(t), rows_skipped=t.skipped,
                             warnings=[f"research data set without dates: posts are dated to "
                                       f"the first matching weekday of their month in "
                                       f"{self.YEAR} (weekday 1 = Sunday); weekday and hour "
                                       f"are exact, the day of month is not"])


for _a in (FacebookLegacyPosts(), FacebookLegacyPage(), UciFacebookMetrics()):
    register(_a)
