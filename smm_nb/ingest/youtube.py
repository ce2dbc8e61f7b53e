"""YouTube Studio "Advanced mode" exports: ``Table data.csv``, ``Chart data.csv``,
``Totals.csv``.

Columns depend on the metrics the analyst chose; only ``Content`` (the video id) and
the date are fixed. ``Table data.csv`` opens with a ``Total`` row, skipped and
counted. ``Video publish time`` is a day without time (``Apr 29, 2020``), so posts
sit at local midnight and a warning says so. ``Totals.csv`` dates come as ISO or
``DD-MM-YYYY`` (seen in real files). YouTube "impressions" are thumbnail
impressions; views go to ``video_views``.
"""
from __future__ import annotations

import pandas as pd

from smm_nb.ingest.base import AdapterOutput, FileProbe, IngestContext, register
from smm_nb.ingest.readers import (RawTable, frame, has_columns, map_columns, probe_header,
                                   read_table, to_date)

YT_POST_COLUMNS = {
    "post_id": "Content", "text": "Video title", "video_views": "Views",
    "impressions": "Impressions", "likes": "Likes", "comments": ("Comments added", "Comments"),
    "shares": "Shares",
}
YT_DAILY_COLUMNS = {
    "date": "Date", "video_views": "Views", "impressions": "Impressions",
    "follower_gains": "Subscribers gained", "follower_losses": "Subscribers lost",
}
KNOWN_METRICS = {"views", "watch time (hours)", "subscribers", "impressions",
                 "impressions click-through rate (%)", "average view duration",
                 "average percentage viewed (%)", "likes", "dislikes", "shares",
                 "comments added", "subscribers gained", "subscribers lost",
                 "estimated revenue (usd)", "unique viewers", "returning viewers",
                 "new viewers", "end screen element clicks", "card clicks"}


def _published(t: RawTable, tz: str) -> tuple[pd.Series, list[str]]:
    col = t.find("Video publish time")
    if col is None:
        return pd.Series(pd.NaT, index=range(len(t))), []
    day = to_date(t, col)
    return day.dt.tz_localize(tz), ["no time of day in YouTube Studio exports: videos are "
                                    "placed at 00:00 of their publish day"]


def _video_rows(t: RawTable, ctx: IngestContext, metrics: bool) -> tuple[pd.DataFrame, list]:
    spec = YT_POST_COLUMNS if metrics else {"post_id": "Content", "text": "Video title"}
    cols = map_columns(t, spec, kinds={"post_id": "text", "text": "text"})
    cols["published_at"], warnings = _published(t, ctx.timezone)
    cols["format"] = "video"
    return frame(t, {"platform": "youtube", **cols}), warnings


class YouTubeTable:
    name = "youtube-studio-table"
    description = ("YouTube Studio advanced-mode \"Table data.csv\" (Content,Video title,"
                   "Video publish time,... with a leading Total row)")

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        return bool(h) and h[0] == "content" and "video title" in h and "date" not in h

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        t.drop(t.col("Content").str.strip().str.lower().isin(["total", "totals"]))
        out, warnings = _video_rows(t, ctx, metrics=True)
        if out["published_at"].isna().all():
            raise RawTableError(t, "Video publish time")
        return AdapterOutput({"posts": out}, rows_read=len(t), rows_skipped=t.skipped,
                             warnings=warnings)


def RawTableError(t: RawTable, column: str):
    from smm_nb.errors import ExportError
    return ExportError(t.path, f"column {column!r} is needed to place videos in time; "
                               f"add it in YouTube Studio before exporting", column=column)


class YouTubeChart:
    name = "youtube-studio-chart"
    description = ("YouTube Studio advanced-mode \"Chart data.csv\" (Date,Content,Video title,"
                   "... one row per video and day)")

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        return has_columns(h, "Date", "Content", "Video title")

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        t.drop(t.col("Content").str.strip().str.lower().isin(["total", "totals"]))
        to_date(t, "Date")  # validated; per-video daily views have no canonical table
        out, warnings = _video_rows(t, ctx, metrics=False)
        out = out.drop_duplicates("post_id", keep="last")
        warnings.append("per-video daily metrics are not kept (no canonical table for them); "
                        "the videos are listed in posts, lifetime metrics come from "
                        "Table data.csv")
        return AdapterOutput({"posts": out}, rows_read=len(t), rows_skipped=t.skipped,
                             warnings=warnings)


class YouTubeTotals:
    name = "youtube-studio-totals"
    description = "YouTube Studio advanced-mode \"Totals.csv\" (Date,Views,... one row a day)"

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        return len(h) >= 2 and h[0] == "date" and "views" in h and set(h[1:]) <= KNOWN_METRICS

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        t.drop(t.col("Date").str.strip().str.lower().isin(["total", "totals"]))
        day_first = t.col("Date").str.match(r"^\d{2}-\d{2}-\d{4}$").fillna(False).any()
        cols = map_columns(t, {k: v for k, v in YT_DAILY_COLUMNS.items() if k != "date"},
                           kinds={})
        cols["date"] = to_date(t, "Date", formats=("%d-%m-%Y",) if day_first else
                               ("%Y-%m-%d", "%b %d, %Y", "%m/%d/%Y"))
        out = frame(t, {"platform": "youtube", **cols})
        return AdapterOutput({"account_daily": out}, rows_read=len(t), rows_skipped=t.skipped)


for _a in (YouTubeTable(), YouTubeChart(), YouTubeTotals()):
    register(_a)
