"""prepare_posts' helpers against hand computations and plain pandas on tiny frames."""
from __future__ import annotations

import numpy as np
import pandas as pd

from smm_nb.analysis.prepare import assign_arms, attach_followers, categories_from_tags, \
    engagements_public
from smm_nb.model.config import Experiment


def _posts(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"platform": ["instagram"] * n, "post_id": [f"p{i}" for i in range(n)],
            "published_at": pd.Timestamp("2026-03-02 10:00", tz="Europe/Berlin"),
            "tags": [pd.NA] * n, "text": [pd.NA] * n, "category": [pd.NA] * n,
            "followers_at_post": [pd.NA] * n}
    base.update(cols)
    df = pd.DataFrame(base)
    for c in ("platform", "post_id", "tags", "text", "category"):
        df[c] = df[c].astype("string")
    df["followers_at_post"] = df["followers_at_post"].astype("Int64")
    return df


def test_engagements_public_sums_present_parts_and_keeps_all_missing_missing():
    p = pd.DataFrame({"likes": pd.array([10, pd.NA, pd.NA, 0], dtype="Int64"),
                      "comments": pd.array([2, 3, pd.NA, 0], dtype="Int64"),
                      "shares": pd.array([pd.NA, 1, pd.NA, 0], dtype="Int64"),
                      "saves": pd.array([1, pd.NA, pd.NA, 0], dtype="Int64")},
                     index=[5, 6, 7, 8])
    got = engagements_public(p)
    assert str(got.dtype) == "Float64" and list(got.index) == [5, 6, 7, 8]
    assert got.tolist()[:2] == [13.0, 4.0] and got.isna().tolist() == [False, False, True, False]
    assert got.iloc[3] == 0.0


def test_attach_followers_is_the_last_daily_count_at_or_before_the_post_like_merge_asof():
    ts = pd.to_datetime(["2026-03-01 09:00", "2026-03-03 23:30", "2026-02-27 12:00",
                         "2026-03-05 08:00", "2026-03-02 07:00"]).tz_localize("Europe/Berlin")
    posts = _posts(platform=["instagram", "instagram", "instagram", "x", "tiktok"],
                   published_at=ts, followers_at_post=[pd.NA, 500, pd.NA, pd.NA, pd.NA])
    daily = pd.DataFrame({
        "platform": ["instagram", "instagram", "instagram", "x", "x"],
        "date": pd.to_datetime(["2026-03-03", "2026-02-28", "2026-03-01", "2026-03-04",
                                "2026-03-06"]),
        "followers": pd.array([130, 100, 120, 40, pd.NA], dtype="Int64")})
    daily["platform"] = daily["platform"].astype("string")
    got = attach_followers(posts, daily)
    # reported value kept; before the first daily row and platforms without daily: missing
    assert got.tolist()[:2] == [120.0, 500.0]
    assert got.isna().tolist() == [False, False, True, False, True]
    assert got.iloc[3] == 40.0

    # the same as pandas' merge_asof on the posts that lack the count
    d = daily.dropna(subset=["followers"]).sort_values("date")
    left = posts.assign(day=posts["published_at"].dt.tz_localize(None).dt.normalize()
                        .astype("datetime64[ns]"), i=range(len(posts))).sort_values("day")
    ref = pd.merge_asof(left, d.assign(date=d["date"].astype("datetime64[ns]")),
                        left_on="day", right_on="date", by="platform").sort_values("i")
    expected = posts["followers_at_post"].astype("Float64").fillna(
        pd.Series(ref["followers"].astype("Float64").to_numpy(), index=posts.index))
    pd.testing.assert_series_equal(got, expected)


def test_categories_keep_given_values_first_line_wins_and_repeated_texts_agree():
    lines = {"coffee": ["kahve", "espresso"], "cake": ["pasta"]}
    posts = _posts(tags=["#Espresso", pd.NA, "#pasta #kahve", pd.NA, "#kahvesiz"],
                   text=[pd.NA, "Yeni pasta!", pd.NA, "nothing here", pd.NA],
                   category=["events", pd.NA, pd.NA, pd.NA, pd.NA])
    got = categories_from_tags(posts, lines)
    assert got.tolist()[:3] == ["events", "cake", "coffee"]
    assert got.isna().tolist()[3:] == [True, True]  # "#kahvesiz" is not the tag "kahve"

    # many posts with few distinct texts take the search-distinct-texts-once path
    big = posts.iloc[np.arange(25_000) % len(posts)].reset_index(drop=True)
    expected = got.iloc[np.arange(25_000) % len(posts)].reset_index(drop=True)
    pd.testing.assert_series_equal(categories_from_tags(big, lines), expected)
    assert categories_from_tags(posts, {}).tolist()[0] == "events"


def _exp(assign_by: str, arms: list[dict]) -> Experiment:
    return Experiment(name="t", hypothesis="h", platform="instagram", assign_by=assign_by,
                      arms=arms, planned_posts_per_arm=10, start="2026-03-01",
                      end="2026-03-31")


def test_assign_arms_by_marker_tag_and_ids_inside_the_window_only():
    ts = pd.to_datetime(["2026-03-02 10:00", "2026-03-02 10:00", "2026-03-02 10:00", "2026-04-02 10:00",
                         "2026-03-31 23:00", "2026-03-02 10:00"]).tz_localize("Europe/Berlin")
    posts = _posts(published_at=ts,
                   platform=["instagram"] * 5 + ["x"],
                   text=["[A] a", "[B] b", "[A][B] both", "[A] late", "[B] last day", "[A] x"],
                   tags=["#studio", "#UGC x", "#ugc #studio", "#studio", "#ugcs", "#studio"])
    by_marker = assign_arms(posts, _exp("caption_marker", [{"name": "a", "match": "[A]"},
                                                           {"name": "b", "match": "[B]"}]))
    assert str(by_marker.dtype) == "string"
    assert by_marker.tolist()[:2] == ["a", "b"] and by_marker.iloc[4] == "b"
    assert by_marker.isna().tolist() == [False, False, True, True, False, True]

    by_tag = assign_arms(posts, _exp("tag", [{"name": "studio", "match": "#studio"},
                                             {"name": "ugc", "match": "ugc"}]))
    assert by_tag.tolist()[:2] == ["studio", "ugc"]
    assert by_tag.isna().tolist() == [False, False, True, True, True, True]

    by_ids = assign_arms(posts, _exp("post_ids", [{"name": "x", "post_ids": ["p0", "p3"]},
                                                  {"name": "y", "post_ids": ["p1"]}]))
    assert by_ids.tolist()[:2] == ["x", "y"] and by_ids.isna().sum() == 4
    assert assign_arms(posts.iloc[3:4], _exp("caption_marker", [
        {"name": "a", "match": "[A]"}, {"name": "b", "match": "[B]"}])).isna().all()
