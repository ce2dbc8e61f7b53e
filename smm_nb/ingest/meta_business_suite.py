"""Meta Business Suite (Facebook and Instagram) content and overview exports.

* Content export (Insights > Content > Export): one row a post, ``Publish time`` as
  ``MM/DD/YYYY HH:MM`` in Pacific time, ``Date`` holding ``Lifetime``, ``Post type``
  such as ``IG reel`` / ``IG carousel`` (Instagram) or ``Photos`` / ``Reels`` / ``Links``
  (Facebook). Instagram files have ``Account username``, Facebook files ``Page name``.
  Since 2025 ``Views`` replaces ``Impressions``; either is read as impressions.
  ``Custom labels`` (the labels the page gives its posts) become the post's category.
* Overview export: one file per metric, UTF-16 with a ``sep=,`` line, a title line
  (``Instagram reach``, ``Facebook follows`` ...) and ``"Date","Primary"`` rows, dates as
  ``2026-08-22T00:00:00``. The title says the metric and the platform; a title without
  a platform (``Views``) takes it from the file name or the client's platform hint.
"""
from __future__ import annotations

import re

import pandas as pd

from smm_nb.errors import ExportError
from smm_nb.ingest.base import (AdapterOutput, BatchOutput, FileProbe, IngestContext,
                                register)
from smm_nb.ingest.readers import (RawTable, frame, has_columns, hashtags, header_cells,
                                   map_columns, map_text, normalize, probe_header, probe_lines,
                                   read_table, read_tables, text, to_count, to_date)

META_TZ = "America/Los_Angeles"

POST_TYPE = {"ig image": "image", "ig carousel": "carousel", "ig reel": "reel",
             "ig story": "story", "ig video": "video", "photos": "image", "photo": "image",
             "videos": "video", "video": "video", "reels": "reel", "reel": "reel",
             "links": "link", "link": "link", "text": "text", "status": "text",
             "albums": "carousel", "album": "carousel", "carousel": "carousel",
             "stories": "story", "story": "story"}


COUNT_COLUMNS = ("Impressions", "Views", "Reach", "Likes", "Reactions", "Comments", "Shares",
                 "Saves", "Link clicks", "Total clicks", "3-second video views", "Plays",
                 "Follows", "Duration (sec)")


CONTENT_SPEC = {
    "post_id": "Post ID", "text": ("Description", "Title"),
    "published_at": "Publish time",
    "impressions": ("Impressions", "Views"), "reach": "Reach",
    "likes": ("Likes", "Reactions"), "comments": "Comments", "shares": "Shares",
    "saves": "Saves", "clicks": ("Link clicks", "Total clicks"),
    "video_views": ("3-second video views", "Plays"),
    "category": "Custom labels",
}
CONTENT_KINDS = {"post_id": "text", "text": "text", "published_at": "timestamp",
                 "category": "text"}
PAID_COLUMNS = ("Funded content status", "Paid")
# every column the conversion looks at (the batch reads only these)
CONTENT_COLUMNS = (*(n for v in CONTENT_SPEC.values()
                     for n in ((v,) if isinstance(v, str) else v)),
                   "Post type", *PAID_COLUMNS)


class MetaBusinessSuiteContent:
    name = "meta-business-suite-content"
    description = ("Meta Business Suite content export, Facebook or Instagram (Post ID, "
                   "... Publish time, Permalink, Post type, ... Reach, Likes/Reactions, ...)")

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        return has_columns(h, "Post ID", "Publish time", "Permalink", "Post type")

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe, numeric=COUNT_COLUMNS)
        out = self._posts(t, ctx)
        assert out is not None
        return AdapterOutput({"posts": out}, rows_read=len(t), rows_skipped=t.skipped)

    def read_many(self, probes: list[FileProbe], ctx: IngestContext) -> BatchOutput | None:
        """Several content exports with the same header, converted in one pass."""
        t = read_tables(probes, columns=CONTENT_COLUMNS, counts=COUNT_COLUMNS)
        if t is None:
            return None
        out = self._posts(t, ctx)
        if out is None:
            return None
        return BatchOutput({"posts": out}, {"posts": t.part_of},
                           t.rows_per_part.tolist(), t.part_skipped.tolist())

    @staticmethod
    def _posts(t: RawTable, ctx: IngestContext) -> pd.DataFrame | None:
        cols_low = {normalize(c) for c in t.header_names}
        types = text(t, "Post type").str.lower()
        if {"account username", "account id"} & cols_low:
            platform = "instagram"
        elif {"page name", "page id"} & cols_low:
            platform = "facebook"
        elif t.part_of is not None:
            return None  # told by each file's own post types: one file at a time
        else:
            platform = "instagram" if types.str.startswith("ig ").fillna(False).any() \
                else "facebook"
        cols = map_columns(t, CONTENT_SPEC, kinds=CONTENT_KINDS, export_tz=META_TZ,
                           client_tz=ctx.timezone)
        fmt = map_text(types, POST_TYPE)
        unknown = types.notna() & fmt.isna()
        if unknown.any():
            raise t.fail(t.find("Post type"), int(unknown.to_numpy().nonzero()[0][0]),
                         f"unknown post type (known: {', '.join(sorted(POST_TYPE))})")
        cols["format"] = fmt
        cols["tags"] = hashtags(cols.get("text", pd.Series(dtype="string")))
        paid = t.find(*PAID_COLUMNS)
        if paid is not None:
            cols["paid"] = text(t, paid).str.lower().isin(["boosted", "paid", "true", "yes"])
        return frame(t, {"platform": platform, **cols})


OVERVIEW_METRICS = [
    (r"reach", "reach"), (r"views|impressions", "impressions"),
    (r"follows|new followers|followers gained", "follower_gains"),
    (r"unfollows", "follower_losses"), (r"^followers$|total followers", "followers"),
    (r"profile visits|page visits|visits", "profile_visits"),
    (r"link clicks|website taps|external link taps", "website_clicks"),
    (r"content interactions|interactions|engagement", "engagements"),
]


def _overview_target(title: str, probe: FileProbe, ctx: IngestContext) -> tuple[str, str]:
    low = title.lower().strip()
    platform = None
    for p in ("instagram", "facebook"):
        if low.startswith(p):
            platform, low = p, low[len(p):].strip()
    if platform is None:
        fname = probe.path.name.lower()
        platform = "instagram" if "instagram" in fname else "facebook" if "facebook" in fname \
            else ctx.platform_hint
    if platform is None:
        raise ExportError(probe.path, f"overview metric {title!r} does not say which platform; "
                                      f"put instagram or facebook in the file name")
    if low.startswith("unfollows"):
        return platform, "follower_losses"
    for pattern, column in OVERVIEW_METRICS:
        if re.search(pattern, low):
            return platform, column
    raise ExportError(probe.path, f"overview metric {title!r} has no canonical column")


class MetaBusinessSuiteOverview:
    name = "meta-business-suite-overview"
    description = ("Meta Business Suite overview export, one metric per file (UTF-16, "
                   "sep=, line, a title such as \"Instagram reach\", then \"Date\",\"Primary\")")

    def sniff(self, probe: FileProbe) -> bool:
        lines = probe_lines(probe)
        if len(lines) < 2:
            return False
        h = [normalize(c) for c in header_cells(lines[1])]
        return h[:2] == ["date", "primary"]

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        title = header_cells(probe_lines(probe)[0])[0]
        platform, column = _overview_target(title, probe, ctx)
        t = read_table(probe, header_row=2)
        cols = {"date": to_date(t, "Date"), column: to_count(t, "Primary")}
        out = frame(t, {"platform": platform, **cols})
        return AdapterOutput({"account_daily": out}, rows_read=len(t), rows_skipped=t.skipped)


for _a in (MetaBusinessSuiteContent(), MetaBusinessSuiteOverview()):
    register(_a)
