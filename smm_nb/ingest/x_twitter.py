"""X (Twitter) analytics exports: the legacy per-tweet and per-day files and the
2024+ post and account-overview files.

Legacy ``tweet_activity_metrics_*.csv`` carries ``time`` with its own offset
(``2021-01-31 18:02 +0000``) and counts written as ``215.0``; ``promoted …``
columns hold ``-`` for organic tweets. The 2024+ exports have no time of day for a
post (``Thu Mar 20 2025``), so posts land at local midnight of that day in UTC and
a warning says so. No X export says what a post contains: the format is inferred
from the text (``pic.x.com`` / ``pic.twitter.com`` links: image; other links: link;
else text).
"""
from __future__ import annotations

import pandas as pd

from smm_nb.ingest.base import (AdapterOutput, BatchOutput, FileProbe, IngestContext,
                                register)
from smm_nb.ingest.readers import (RawTable, frame, hashtags, map_columns, probe_header,
                                   read_table, read_tables, to_count, to_date, to_timestamp)

X_TZ = "UTC"  # X exports days and times in UTC

LEGACY_POST = {"tweet id", "tweet permalink", "time", "impressions", "engagements"}
LEGACY_DAILY = {"date", "tweets published", "impressions", "engagements"}
POST_2024 = {"post id", "date", "post text", "impressions", "engagements"}
OVERVIEW_2024 = {"date", "impressions", "new follows", "unfollows", "create post"}


def infer_format(texts: pd.Series) -> pd.Series:
    t = texts.fillna("").astype("string")
    media = t.str.contains(r"pic\.(?:x|twitter)\.com/", regex=True)
    link = t.str.contains(r"https?://", regex=True)
    out = pd.Series("text", index=t.index, dtype="string")
    out[link.fillna(False)] = "link"
    out[media.fillna(False)] = "image"
    return out


class XLegacyPosts:
    name = "x-tweet-activity"
    description = ("X/Twitter analytics per-tweet export, legacy "
                   "(tweet_activity_metrics_*.csv: \"Tweet id\",\"Tweet permalink\",\"time\",...)")

    def sniff(self, probe: FileProbe) -> bool:
        return LEGACY_POST <= set(probe_header(probe))

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        out = self._posts(t, ctx)
        return AdapterOutput({"posts": out}, rows_read=len(t), rows_skipped=t.skipped)

    def read_many(self, probes: list[FileProbe], ctx: IngestContext) -> BatchOutput | None:
        """Monthly exports of one account (same header) converted in one pass."""
        t = read_tables(probes)
        if t is None:
            return None
        return BatchOutput({"posts": self._posts(t, ctx)}, {"posts": t.part_of},
                           t.rows_per_part.tolist(), t.part_skipped.tolist())

    @staticmethod
    def _posts(t: RawTable, ctx: IngestContext) -> pd.DataFrame:
        cols = map_columns(t, {
            "post_id": "Tweet id", "text": "Tweet text", "published_at": "time",
            "impressions": "impressions", "engagements": "engagements",
            "shares": "retweets", "comments": "replies", "likes": "likes",
            "clicks": "url clicks",
        }, kinds={"post_id": "text", "text": "text", "published_at": "timestamp"},
            export_tz=X_TZ, client_tz=ctx.timezone)
        cols["format"] = infer_format(cols.get("text", pd.Series(dtype="string")))
        cols["tags"] = hashtags(cols["text"])
        promo = t.find("promoted impressions")
        if promo is not None:
            paid = to_count(t, promo)
            cols["paid"] = paid.fillna(0) > 0
        return frame(t, {"platform": "x", **cols})


class XLegacyDaily:
    name = "x-daily-tweet-activity"
    description = ("X/Twitter analytics per-day export, legacy "
                   "(daily_tweet_activity_metrics_*.csv: \"Date\",\"Tweets published\",...)")

    def sniff(self, probe: FileProbe) -> bool:
        return LEGACY_DAILY <= set(probe_header(probe))

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        cols = map_columns(t, {"date": "Date", "impressions": "impressions",
                               "engagements": "engagements",
                               "profile_visits": "user profile clicks",
                               "website_clicks": "url clicks",
                               "follower_gains": "follows"},
                           kinds={"date": "date"})
        out = frame(t, {"platform": "x", **cols})
        return AdapterOutput({"account_daily": out}, rows_read=len(t), rows_skipped=t.skipped)


class XPosts2024:
    name = "x-posts-2024"
    description = ("X analytics post export, 2024+ "
                   "(Post id,Date,Post text,Link,Impressions,Likes,Engagements,...)")

    def sniff(self, probe: FileProbe) -> bool:
        return POST_2024 <= set(probe_header(probe))

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        cols = map_columns(t, {
            "post_id": "Post id", "text": "Post text", "impressions": "Impressions",
            "likes": "Likes", "engagements": "Engagements", "saves": "Bookmarks",
            "shares": "Reposts", "comments": "Replies", "clicks": "Url clicks",
        }, kinds={"post_id": "text", "text": "text"})
        warnings = []
        time_col = t.find("Time", "Post time", "Created at")
        if time_col is not None:
            cols["published_at"] = to_timestamp(t, time_col, X_TZ, ctx.timezone)
        else:
            day = to_date(t, t.find("Date"))
            # no time of day in the export: the UTC day, converted, keeps the calendar day
            cols["published_at"] = day.dt.tz_localize(X_TZ).dt.tz_convert(ctx.timezone)
            warnings.append("no time of day in this export: posts are placed at 00:00 UTC of "
                            "their day, so posting-hour analyses cannot use them")
        cols["format"] = infer_format(cols["text"])
        cols["tags"] = hashtags(cols["text"])
        out = frame(t, {"platform": "x", **cols})
        return AdapterOutput({"posts": out}, rows_read=len(t), rows_skipped=t.skipped,
                             warnings=warnings)


class XOverview2024:
    name = "x-account-overview-2024"
    description = ("X analytics account overview, 2024+ "
                   "(Date,Impressions,Likes,Engagements,...,New follows,Unfollows,...)")

    def sniff(self, probe: FileProbe) -> bool:
        return OVERVIEW_2024 <= set(probe_header(probe))

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        cols = map_columns(t, {"date": "Date", "impressions": "Impressions",
                               "engagements": "Engagements", "follower_gains": "New follows",
                               "follower_losses": "Unfollows",
                               "profile_visits": "Profile visits",
                               "video_views": "Video views"},
                           kinds={"date": "date"})
        out = frame(t, {"platform": "x", **cols})
        return AdapterOutput({"account_daily": out}, rows_read=len(t), rows_skipped=t.skipped)


for _a in (XLegacyPosts(), XLegacyDaily(), XPosts2024(), XOverview2024()):
    register(_a)
