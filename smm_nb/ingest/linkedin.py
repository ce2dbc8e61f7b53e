"""LinkedIn page analytics exports: content, followers and visitors, as downloaded
(``.xls`` / ``.xlsx`` with several sheets) or saved as CSV.

The spreadsheets put a one-line note above the header on each sheet; the header row
is found by content. Dates are ``MM/DD/YYYY`` in the spreadsheets and ISO in
re-saved CSVs (the real CSV sample). Sheets and their tables:

* ``Metrics`` (content, one row a day) -> ``account_daily`` (impressions = total,
  reach = unique impressions, which LinkedIn reports for organic only;
  engagements = clicks + reactions + comments + reposts, LinkedIn's own definition
  without follows);
* ``All posts`` (content, one row a post) -> ``posts``;
* ``New followers`` -> ``account_daily.follower_gains`` (LinkedIn reports gains only);
* ``Location`` / ``Job function`` / ... (followers demographics) -> ``audience``
  for location (as city); the others have no canonical dimension and are counted
  in a warning;
* ``Visitor metrics`` -> ``account_daily.profile_visits`` (unique visitors, total).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from smm_nb.errors import ExportError
from smm_nb.ingest.base import AdapterOutput, FileProbe, IngestContext, register
from smm_nb.ingest.readers import (RawTable, frame, header_cells, map_columns, normalize,
                                   probe_lines, read_table, text, to_number)

LI_TZ = "UTC"  # post times in the content export are UTC

FORMAT = {"image": "image", "photo": "image", "video": "video", "text": "text",
          "article": "link", "link": "link", "document": "carousel", "carousel": "carousel",
          "multi-image": "carousel", "poll": "text", "event": "link", "newsletter": "link"}


def _kind(header: list[str]) -> str | None:
    h = set(header)
    if {"post title", "post link"} & h and "impressions" in h:
        return "posts"
    if "date" in h and ("impressions (total)" in h or "impressions (organic)" in h):
        return "metrics"
    if "date" in h and "total followers" in h and "organic followers" in h:
        return "followers"
    if "date" in h and ("total unique visitors (total)" in h or "total page views (total)" in h):
        return "visitors"
    return None


SHEETS = {"metrics": "metrics", "all posts": "posts", "new followers": "followers",
          "visitor metrics": "visitors"}
DEMOGRAPHIC_SHEETS = {"location": "city"}
OTHER_DEMOGRAPHICS = {"job function", "seniority", "industry", "company size"}


def _header_row(probe: FileProbe, sheet: str) -> int:
    """1-based header row of a sheet: the first of its first rows naming a column we
    know (LinkedIn puts a note row above the header)."""
    head = pd.read_excel(probe.path, sheet_name=sheet, header=None, nrows=6, dtype=object)
    for i in range(len(head)):
        cells = [normalize(v) for v in head.iloc[i] if pd.notna(v)]
        if _kind(cells) or (cells and cells[0] in ("location", "job function", "seniority",
                                                   "industry", "company size")):
            return i + 1
    raise ExportError(probe.path, f"sheet {sheet!r}: no header row found in its first rows")


class LinkedInPage:
    name = "linkedin-page"
    description = ("LinkedIn page analytics (content: Metrics + All posts; followers: New "
                   "followers + demographics; visitors: Visitor metrics) as .xls/.xlsx or CSV")

    def sniff(self, probe: FileProbe) -> bool:
        if probe.sheet_names:
            return any(s.strip().lower() in SHEETS for s in probe.sheet_names)
        if probe.encoding is None:
            return False
        return self._csv_kind(probe)[0] is not None

    @staticmethod
    def _csv_kind(probe: FileProbe) -> tuple[str | None, int]:
        for i, line in enumerate(probe_lines(probe)[:3]):
            k = _kind([normalize(c) for c in header_cells(line)])
            if k:
                return k, i + 1
        return None, 1

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        parts: list[tuple[str, RawTable]] = []
        warnings: list[str] = []
        if probe.sheet_names:
            for sheet in probe.sheet_names:
                low = sheet.strip().lower()
                if low in SHEETS or low in DEMOGRAPHIC_SHEETS:
                    t = read_table(probe, sheet=sheet, header_row=_header_row(probe, sheet))
                    parts.append((SHEETS.get(low) or f"audience:{DEMOGRAPHIC_SHEETS[low]}", t))
                elif low in OTHER_DEMOGRAPHICS:
                    warnings.append(f"sheet {sheet!r} not kept: no canonical audience "
                                    f"dimension for it")
        else:
            kind, header_row = self._csv_kind(probe)
            parts.append((kind, read_table(probe, header_row=header_row)))
        tables: dict[str, list[pd.DataFrame]] = {}
        rows = skipped = 0
        for kind, t in parts:
            name, df = self._convert(kind, t, ctx)
            tables.setdefault(name, []).append(df)
            rows += len(t)
            skipped += t.skipped
        out = {k: pd.concat(v, ignore_index=True) if len(v) > 1 else v[0]
               for k, v in tables.items()}
        if "account_daily" in out:
            # sheets of one file report different columns of the same days
            d = out["account_daily"]
            out["account_daily"] = d.groupby(["platform", "date"], as_index=False,
                                             sort=False).first()
        return AdapterOutput(out, rows_read=rows, rows_skipped=skipped, warnings=warnings)

    def _convert(self, kind: str, t: RawTable, ctx: IngestContext) -> tuple[str, pd.DataFrame]:
        if kind == "posts":
            cols = map_columns(t, {
                "text": ("Post title", "Update title"), "post_id": ("Post link", "Update link"),
                "published_at": ("Created date", "Date"),
                "impressions": "Impressions", "clicks": "Clicks",
                "likes": ("Likes", "Reactions"), "comments": "Comments",
                "shares": ("Reposts", "Shares"), "video_views": "Views (excluding off-site video views)",
            }, kinds={"text": "text", "post_id": "text", "published_at": "timestamp"},
                export_tz=LI_TZ, client_tz=ctx.timezone)
            ctype = t.find("Content Type", "Content type")
            if ctype is not None:
                cols["format"] = text(t, ctype).str.lower().map(FORMAT).astype("string")
            ptype = t.find("Post type", "Update type")
            if ptype is not None:
                cols["paid"] = text(t, ptype).str.lower().str.contains("sponsor")
            cols["tags"] = _hashtags(cols.get("text"))
            return "posts", frame(t, {"platform": "linkedin", **cols})
        if kind == "metrics":
            cols = map_columns(t, {"date": "Date",
                                   "impressions": ("Impressions (total)", "Impressions (organic)"),
                                   "reach": "Unique impressions (organic)"},
                               kinds={"date": "date"})
            parts = [t.find(f"{m} (total)") for m in ("Clicks", "Reactions", "Comments",
                                                      "Reposts")]
            parts = [p for p in parts if p is not None]
            if parts:
                # daily counts go negative when reactions are withdrawn (seen in real
                # files); the day's total is what LinkedIn's engagement rate uses
                total = sum(to_number(t, p).fillna(0) for p in parts)
                if (total < 0).any():
                    raise t.fail(parts[0], int((total < 0).to_numpy().nonzero()[0][0]),
                                 "makes the day's engagements negative")
                cols["engagements"] = total.astype("Float64").astype("Int64")
            return "account_daily", frame(t, {"platform": "linkedin", **cols})
        if kind == "followers":
            cols = map_columns(t, {"date": "Date"}, kinds={"date": "date"})
            # "Total followers" is the day's net change and is negative when more people
            # unfollowed than followed (seen in real files)
            net = to_number(t, t.find("Total followers"))
            cols["follower_gains"] = net.clip(lower=0).astype("Float64").astype("Int64")
            cols["follower_losses"] = (-net).clip(lower=0).astype("Float64").astype("Int64")
            return "account_daily", frame(t, {"platform": "linkedin", **cols})
        if kind == "visitors":
            cols = map_columns(t, {"date": "Date",
                                   "profile_visits": ("Total unique visitors (total)",
                                                      "Total page views (total)")},
                               kinds={"date": "date"})
            return "account_daily", frame(t, {"platform": "linkedin", **cols})
        if kind.startswith("audience:"):
            dim = kind.split(":", 1)[1]
            label, value = t.columns[0], t.find("Total followers") or t.columns[-1]
            v = to_number(t, value)
            df = frame(t, {"platform": "linkedin", "dimension": dim,
                           "bucket": text(t, label), "share": v / v.sum(),
                           # a snapshot without a date: the day it was downloaded
                           "snapshot_date": pd.Timestamp(dt.date.fromtimestamp(
                               t.path.stat().st_mtime))})
            return "audience", df
        raise AssertionError(kind)


def _hashtags(s):
    from smm_nb.ingest.readers import hashtags
    return hashtags(s) if s is not None else None


register(LinkedInPage())
