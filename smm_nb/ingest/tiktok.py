"""TikTok Studio exports: content (one row a video), overview (one row a day),
follower history, follower gender and territories.

Overview and follower files write days without a year (``August 31``); the year is
inferred by walking back from the file's modification day (the download), so a
range over New Year is dated correctly. ``Post time`` in the content export is UTC.
The content export reports views, not reach, unless ``Reached audience`` was
included; ``Add to favorites`` / ``Total bookmarks`` are saves.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from smm_nb.ingest.base import AdapterOutput, FileProbe, IngestContext, register
from smm_nb.ingest.readers import (RawTable, frame, has_columns, hashtags, map_columns,
                                   probe_header, read_table, text, to_count, to_date,
                                   to_number)

TT_TZ = "UTC"


def yearless_dates(t: RawTable, column: str, anchor: dt.date) -> pd.Series:
    """``August 31`` style days dated by walking back from ``anchor`` (the export day):
    the last row gets the latest year not after ``anchor``; an earlier row whose month
    and day come after its successor's belongs to the year before."""
    raw = t.col(column).astype("string").str.strip()
    if raw.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False).all():
        return to_date(t, column)
    parsed = pd.to_datetime("2000 " + raw, format="%Y %B %d", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        raise t.fail(column, int(np.flatnonzero(bad)[0]), "is not a day like 'August 31'")
    md = list(zip(parsed.dt.month, parsed.dt.day))
    years = [0] * len(md)
    year = anchor.year if md[-1] <= (anchor.month, anchor.day) else anchor.year - 1
    prev = None
    for i in range(len(md) - 1, -1, -1):  # rows are oldest first
        if prev is not None and md[i] > prev:
            year -= 1
        years[i] = year
        prev = md[i]
    return pd.Series(pd.to_datetime({"year": years, "month": [m for m, _ in md],
                                     "day": [d for _, d in md]}), dtype="datetime64[ns]")


def _anchor(probe: FileProbe) -> dt.date:
    return dt.date.fromtimestamp(probe.path.stat().st_mtime)


class TikTokContent:
    name = "tiktok-studio-content"
    description = ("TikTok Studio content export (Video title,Video link,Post time,"
                   "Total likes,Total comments,Total shares,Total views,...)")

    def sniff(self, probe: FileProbe) -> bool:
        return has_columns(probe_header(probe), "Video title", "Video link", "Post time")

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        cols = map_columns(t, {
            "text": "Video title", "published_at": "Post time",
            "likes": "Total likes", "comments": "Total comments", "shares": "Total shares",
            "video_views": ("Total views", "Video views"), "reach": "Reached audience",
            "saves": ("Add to favorites", "Total bookmarks", "Total saves"),
        }, kinds={"text": "text", "published_at": "timestamp"},
            export_tz=TT_TZ, client_tz=ctx.timezone)
        link = text(t, "Video link")
        ids = link.str.extract(r"/video/(\d+)", expand=False)
        bad = (link.notna() & ids.isna()).to_numpy()
        if bad.any():
            raise t.fail("Video link", int(np.flatnonzero(bad)[0]), "has no video id")
        cols["post_id"] = ids.fillna(link)
        cols["format"] = "video"
        # TikTok counts a view when the video is shown: the closest to impressions
        if "video_views" in cols:
            cols["impressions"] = cols["video_views"]
        cols["tags"] = hashtags(cols["text"])
        out = frame(t, {"platform": "tiktok", **cols})
        return AdapterOutput({"posts": out}, rows_read=len(t), rows_skipped=t.skipped)


class TikTokOverview:
    name = "tiktok-studio-overview"
    description = "TikTok Studio overview export (Date,Video Views,Profile Views,Likes,...)"

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        return bool(h) and h[0] == "date" and has_columns(h, "Video Views", "Profile Views")

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        cols = map_columns(t, {"video_views": "Video Views", "profile_visits": "Profile Views"},
                           kinds={})
        cols["date"] = yearless_dates(t, "Date", _anchor(probe))
        parts = [t.find(c) for c in ("Likes", "Comments", "Shares")]
        parts = [p for p in parts if p is not None]
        if parts:
            cols["engagements"] = sum(to_count(t, p).fillna(0) for p in parts)
        out = frame(t, {"platform": "tiktok", **cols})
        return AdapterOutput({"account_daily": out}, rows_read=len(t), rows_skipped=t.skipped,
                             warnings=["days without a year: dated back from the file's "
                                       "modification day"])


class TikTokFollowers:
    name = "tiktok-studio-followers"
    description = ("TikTok Studio follower history (Date,Followers,Difference in followers "
                   "from previous day)")

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        return bool(h) and h[0] == "date" and "followers" in h and any(
            c.startswith("difference in followers") for c in h)

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        cols = {"date": yearless_dates(t, "Date", _anchor(probe)),
                "followers": to_count(t, "Followers")}
        diff = to_number(t, t.find(*[c for c in t.columns
                                     if c.lower().startswith("difference in followers")]))
        # the net change: a positive day is at least that many gains, and vice versa
        cols["follower_gains"] = diff.clip(lower=0).astype("Float64").astype("Int64")
        cols["follower_losses"] = (-diff).clip(lower=0).astype("Float64").astype("Int64")
        out = frame(t, {"platform": "tiktok", **cols})
        return AdapterOutput({"account_daily": out}, rows_read=len(t), rows_skipped=t.skipped)


class TikTokAudience:
    name = "tiktok-studio-audience"
    description = ("TikTok Studio follower demographics (Gender,Distribution / "
                   "Top territories,Distribution)")

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        return len(h) == 2 and h[1] == "distribution" and h[0] in ("gender", "top territories")

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        label = t.columns[0]
        dim = "gender" if label.lower() == "gender" else "country"
        t.drop(text(t, label).str.lower().isin(["others", "other territories"]).fillna(False)
               & (dim == "country"))
        share = to_number(t, "Distribution")
        if share.max() > 1.0:  # written as percentages
            share = share / 100.0
        bucket = text(t, label)
        if dim == "gender":
            bucket = bucket.str.lower()
        out = frame(t, {"platform": "tiktok", "snapshot_date": pd.Timestamp(_anchor(probe)),
                        "dimension": dim, "bucket": bucket, "share": share})
        return AdapterOutput({"audience": out}, rows_read=len(t), rows_skipped=t.skipped)


for _a in (TikTokContent(), TikTokOverview(), TikTokFollowers(), TikTokAudience()):
    register(_a)
