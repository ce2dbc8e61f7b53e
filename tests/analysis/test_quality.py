"""Data-quality checks list each problem with its file and row."""
from __future__ import annotations

import pandas as pd

from smm_nb.analysis.quality import data_quality


def test_quality_finds_duplicates_impossible_values_and_gaps():
    t = pd.to_datetime(["2026-03-01 10:00"] * 3 + ["2026-03-02 10:00"]).tz_localize("UTC")
    posts = pd.DataFrame({
        "platform": "instagram", "post_id": ["a", "a", "b", "c"], "published_at": t,
        "text": ["x", "x", "x", "y"],
        "likes": pd.array([10, 10, 10, 10], dtype="Int64"),
        "engagements": pd.array([12, 12, 12, 5], dtype="Int64"),
        "reach": pd.array([100, 100, 100, 300], dtype="Int64"),
        "impressions": pd.array([150, 150, 150, 200], dtype="Int64"),
        "source_file": ["p1.csv", "p1.csv", "p2.csv", "p2.csv"],
        "source_row": pd.array([2, 3, 2, 3], dtype="Int64")})
    days = pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-05", "2026-03-06"])
    daily = pd.DataFrame({"platform": "instagram", "date": days,
                          "reach": pd.array([1, 1, 1, 1], dtype="Int64"),
                          "impressions": pd.array([2, 2, 2, 2], dtype="Int64"),
                          "source_file": "d.csv", "source_row": pd.array([2, 3, 4, 5],
                                                                         dtype="Int64")})
    q = data_quality({"posts": posts, "account_daily": daily})
    counts = dict(zip(q.summary_frame()["check"], q.summary_frame()["problems"]))
    assert counts["duplicate post id"] == 1
    assert counts["duplicate post (same time and text)"] == 1  # b repeats a
    assert counts["engagements below likes"] == 1
    assert counts["reach above impressions"] == 1
    assert counts["missing days in daily data"] == 2
    bad = q.issues[q.issues["check"] == "reach above impressions"].iloc[0]
    assert (bad["source_file"], bad["source_row"]) == ("p2.csv", 3)
    assert q.gaps.iloc[0]["days"] == 2
    files = q.files.set_index("source_file")
    assert files.loc["p1.csv", "rows"] == 2 and str(files.loc["p2.csv", "last"]) == "2026-03-02"
    assert {f.key for f in q.to_findings("audit.quality")} >= {
        "audit.quality.duplicate_post_id", "audit.quality.missing_days_in_daily_data"}
