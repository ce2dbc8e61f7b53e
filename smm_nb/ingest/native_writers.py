"""Write canonical tables as the native exports the importers read (for demo data,
tests and benchmarks): the inverse of the Meta Business Suite adapters.

Only what a native format can carry without loss is written natively; the caller
keeps the rest as canonical CSV. Meta Business Suite content exports can carry every
post column the analyses use (the export's column chooser includes Views, Reach,
Likes/Reactions, Comments, Shares, Saves, Link clicks, Plays, the funded status and
the page's custom labels, which carry the post's category);
its overview exports carry one daily metric per file.
"""
from __future__ import annotations

import codecs
import csv
from pathlib import Path

import pandas as pd

from smm_nb.ingest.meta_business_suite import META_TZ

IG_TYPE = {"image": "IG image", "carousel": "IG carousel", "reel": "IG reel",
           "story": "IG story", "video": "IG video"}
FB_TYPE = {"image": "Photos", "video": "Videos", "link": "Links", "reel": "Reels",
           "text": "Text", "carousel": "Albums"}
OVERVIEW = {"reach": "reach", "impressions": "views", "follower_gains": "follows",
            "follower_losses": "unfollows", "followers": "followers",
            "profile_visits": "profile visits", "website_clicks": "link clicks"}


def _cell(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _caption(text, tags) -> str:
    """Platforms keep hashtags inside the caption."""
    parts = [_cell(text), _cell(tags)]
    return " ".join(p for p in parts if p)


def _publish_time(values: pd.Series) -> pd.Series:
    ts = pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_convert(META_TZ)
    return ts.dt.strftime("%m/%d/%Y %H:%M")


def write_mbs_content(posts: pd.DataFrame, path: Path, platform: str) -> Path:
    """One platform's posts as a Meta Business Suite content export (UTF-8 with BOM)."""
    when = _publish_time(posts["published_at"])
    paid = posts.get("paid", pd.Series(False, index=posts.index))
    paid = paid.astype(str).str.lower().isin(["true", "1", "yes"])
    if platform == "instagram":
        header = ["Post ID", "Account ID", "Account username", "Account name", "Description",
                  "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment",
                  "Date", "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves",
                  "Plays", "Link clicks", "Funded content status", "Custom labels"]
    else:
        header = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)",
                  "Publish time", "Caption type", "Permalink", "Is crosspost", "Is share",
                  "Post type", "Languages", "Custom labels", "Funded content status",
                  "Data comment", "Date", "Views", "Reach", "Reactions, Comments and Shares",
                  "Reactions", "Comments", "Shares", "Saves", "Total clicks", "Link clicks",
                  "3-second video views"]
    rows = []
    for i, (idx, p) in enumerate(posts.iterrows()):
        fmt = str(p["format"])
        funded = "Boosted" if paid.iloc[i] else ""
        cap = _caption(p.get("text"), p.get("tags"))
        if platform == "instagram":
            kind = "reel" if fmt in ("reel", "video") else "p"
            rows.append([p["post_id"], "17841400000000000", "demo", "Demo", cap, "",
                         when.iloc[i], f"https://www.instagram.com/{kind}/{p['post_id']}/",
                         IG_TYPE[fmt], "", "Lifetime", _cell(p["impressions"]),
                         _cell(p["reach"]), _cell(p["likes"]), _cell(p["shares"]), "",
                         _cell(p["comments"]), _cell(p["saves"]), _cell(p.get("video_views")),
                         _cell(p["clicks"]), funded, _cell(p.get("category"))])
        else:
            likes, comments, shares = (pd.to_numeric(p[c]) for c in ("likes", "comments",
                                                                      "shares"))
            total = "" if pd.isna(likes) else _cell(likes + comments + shares)
            rows.append([p["post_id"], "100000000000000", "Demo", "", cap, "",
                         when.iloc[i], "", f"https://www.facebook.com/{p['post_id']}", "No",
                         "No", FB_TYPE[fmt], "", _cell(p.get("category")), funded, "",
                         "Lifetime",
                         _cell(p["impressions"]), _cell(p["reach"]), total, _cell(p["likes"]),
                         _cell(p["comments"]), _cell(p["shares"]), _cell(p["saves"]),
                         _cell(p["clicks"]), _cell(p["clicks"]), _cell(p.get("video_views"))])
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_mbs_overview(daily: pd.DataFrame, folder: Path, platform: str) -> list[Path]:
    """One platform's daily metrics as Meta Business Suite overview files: one metric per
    file, UTF-16 with BOM, a ``sep=,`` line, the title, then ``"Date","Primary"``."""
    out = []
    dates = pd.to_datetime(daily["date"]).dt.strftime("%Y-%m-%dT00:00:00")
    for column, metric in OVERVIEW.items():
        if column not in daily or daily[column].isna().all():
            continue
        title = f"{platform.capitalize()} {metric}"
        lines = ["sep=,", f'"{title}"', '"Date","Primary"']
        lines += [f'"{d}","{_cell(v)}"' for d, v in zip(dates, daily[column])]
        path = folder / f"{platform.capitalize()}_{metric.replace(' ', '_')}.csv"
        path.write_bytes(codecs.BOM_UTF16_LE + "\n".join(lines).encode("utf-16-le"))
        out.append(path)
    return out
