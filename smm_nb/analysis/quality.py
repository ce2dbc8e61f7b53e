"""Data quality: which export covers which dates, gaps, duplicates, impossible values.

Every problem is listed with the export file and row it came from (``source_file``,
``source_row``), so the analyst can open the file and look.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smm_nb.model.schemas import TABLES
from smm_nb.report.findings import Finding


@dataclass(frozen=True)
class DataQuality:
    """``files``: table, source_file, platforms, rows, first, last.
    ``gaps``: platform, first_missing, last_missing, days (runs of missing daily rows).
    ``issues``: check, table, platform, source_file, source_row, detail.
    """

    files: pd.DataFrame
    gaps: pd.DataFrame
    issues: pd.DataFrame
    daily_days: dict[str, int]

    title = "Data quality"

    def summary_frame(self) -> pd.DataFrame:
        counts = self.issues.groupby("check").size() if len(self.issues) else pd.Series(
            dtype="int64")
        rows = [{"check": c, "problems": int(counts.get(c, 0))} for c in CHECKS]
        rows.append({"check": "missing days in daily data",
                     "problems": int(self.gaps["days"].sum()) if len(self.gaps) else 0})
        return pd.DataFrame(rows)

    @property
    def n_problems(self) -> int:
        return int(self.summary_frame()["problems"].sum())

    def missing_days(self, platform: str) -> int:
        g = self.gaps[self.gaps["platform"] == platform]
        return int(g["days"].sum()) if len(g) else 0

    def to_findings(self, key: str) -> list[Finding]:
        out = []
        for r in self.summary_frame().itertuples():
            k = f"{key}.{r.check.replace(' ', '_').replace('>', 'gt')}"
            k = "".join(ch for ch in k if ch.isalnum() or ch in "._").lower()
            out.append(Finding(k, float(r.problems), f"{r.check}: {r.problems}", "count"))
        return out


CHECKS = ("duplicate post id", "duplicate post (same time and text)",
          "engagements below likes", "reach above impressions")


def _naive(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    return s


def _issue(check: str, table: str, df: pd.DataFrame, detail: pd.Series | str) -> pd.DataFrame:
    return pd.DataFrame({"check": check, "table": table,
                         "platform": df["platform"].astype("string").to_numpy()
                         if "platform" in df else "",
                         "source_file": df.get("source_file", pd.Series("", index=df.index))
                         .astype("string").to_numpy(),
                         "source_row": df.get("source_row", pd.Series(pd.NA, index=df.index))
                         .astype("Int64").to_numpy(),
                         "detail": detail if isinstance(detail, str) else
                         detail.astype("string").to_numpy()})


def data_quality(tables: dict[str, pd.DataFrame]) -> DataQuality:
    """Coverage by export file, missing days in daily data, duplicate posts and values
    that cannot be right (a platform's engagement total below its likes, reach above
    impressions)."""
    files = []
    for name, schema in TABLES.items():
        df = tables.get(name)
        if df is None or df.empty or "source_file" not in df:
            continue
        tcol = schema.time_column
        # files as codes and row positions over plain arrays: a pandas groupby per table
        # costs more than this whole check
        codes, sources = pd.factorize(df["source_file"].fillna("<unknown>"), sort=True)
        t_all = _naive(df[tcol]).to_numpy() if tcol and tcol in df else None
        plat_all = df["platform"].to_numpy(dtype=object, na_value=None) \
            if "platform" in df else None
        for i, src in enumerate(sources):
            pos = np.flatnonzero(codes == i)
            t = t_all[pos] if t_all is not None else None
            if t is not None:
                t = t[~np.isnat(t)]
            files.append({"table": name, "source_file": src,
                          "platforms": ", ".join(sorted(set(plat_all[pos]) - {None}))
                          if plat_all is not None else "",
                          "rows": len(pos),
                          "first": pd.Timestamp(t.min()).date()
                          if t is not None and len(t) else None,
                          "last": pd.Timestamp(t.max()).date()
                          if t is not None and len(t) else None})
    issues = []
    posts = tables.get("posts")
    if posts is not None and len(posts):
        # only the columns read here: row subsets of the whole table (text, tags...)
        # cost more than the checks
        posts = posts[[c for c in ("platform", "post_id", "published_at", "text",
                                   "engagements", "likes", "reach", "impressions",
                                   "source_file", "source_row") if c in posts]]
        dup = posts[posts.duplicated(["platform", "post_id"], keep="first")]
        issues.append(_issue("duplicate post id", "posts", dup, "post " + dup["post_id"]))
        same = posts.dropna(subset=["text"])
        same = same[same.duplicated(["platform", "published_at", "text"], keep="first") &
                    ~same.duplicated(["platform", "post_id"], keep="first")]
        issues.append(_issue("duplicate post (same time and text)", "posts", same,
                             "post " + same["post_id"]))
        if "engagements" in posts:
            e = pd.to_numeric(posts["engagements"]).astype("Float64")
            lk = pd.to_numeric(posts["likes"]).astype("Float64")
            bad = posts[(e < lk).fillna(False)]
            issues.append(_issue("engagements below likes", "posts", bad,
                                 "engagements " + e[bad.index].astype("string") + " < likes "
                                 + lk[bad.index].astype("string")))
        r = pd.to_numeric(posts["reach"]).astype("Float64")
        im = pd.to_numeric(posts["impressions"]).astype("Float64")
        bad = posts[(r > im).fillna(False)]
        issues.append(_issue("reach above impressions", "posts", bad,
                             "reach " + r[bad.index].astype("string") + " > impressions "
                             + im[bad.index].astype("string")))
    daily = tables.get("account_daily")
    gaps, days = [], {}
    if daily is not None and len(daily):
        r = pd.to_numeric(daily["reach"]).astype("Float64")
        im = pd.to_numeric(daily["impressions"]).astype("Float64")
        bad = daily[(r > im).fillna(False)]
        issues.append(_issue("reach above impressions", "account_daily", bad,
                             "reach " + r[bad.index].astype("string") + " > impressions "
                             + im[bad.index].astype("string")))
        codes, plats = pd.factorize(daily["platform"], sort=True)
        dates = _naive(daily["date"]).to_numpy()
        one_day = np.timedelta64(1, "D")
        for i, plat in enumerate(plats):
            d = dates[codes == i]
            d = np.unique(d[~np.isnat(d)])  # sorted distinct days
            days[plat] = len(d)
            if len(d) < 2:
                continue
            full = np.arange(d[0], d[-1] + one_day, one_day).astype(d.dtype)
            missing = np.setdiff1d(full, d, assume_unique=True)
            if len(missing):
                starts = np.flatnonzero(np.r_[True, np.diff(missing) != one_day])
                ends = np.r_[starts[1:], len(missing)]
                for a, b in zip(starts, ends):
                    gaps.append({"platform": plat,
                                 "first_missing": pd.Timestamp(missing[a]).date(),
                                 "last_missing": pd.Timestamp(missing[b - 1]).date(),
                                 "days": int(b - a)})
    issues = [i for i in issues if len(i)]
    issue_frame = pd.concat(issues, ignore_index=True) if issues else pd.DataFrame(
        columns=["check", "table", "platform", "source_file", "source_row", "detail"])
    return DataQuality(pd.DataFrame(files, columns=["table", "source_file", "platforms", "rows",
                                                    "first", "last"]),
                       pd.DataFrame(gaps, columns=["platform", "first_missing", "last_missing",
                                                   "days"]),
                       issue_frame, days)


__all__ = ["CHECKS", "DataQuality", "data_quality"]
