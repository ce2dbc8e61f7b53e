"""Launch baseline: medians, IQRs and intervals against hand computations."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis.baseline import (baseline, bootstrap_median, launch_window,
                                      poisson_rate_interval, setup_checklist)
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.model.config import parse_config
from smm_nb.model.workspace import load_client


def _config(**kw):
    base = {"name": "T", "slug": "t", "timezone": "Europe/Berlin", "currency": "EUR",
            "platforms": {"instagram": {"handle": "@t"}, "facebook": {"handle": "t"}},
            "phases": {"launch_start": "2026-03-02", "management_start": "2026-03-30"}}
    base.update(kw)
    return parse_config(base)


def _posts(rng, n=20):
    ts = pd.date_range("2026-03-02 10:00", periods=n, freq="31h", tz="Europe/Berlin")
    reach = rng.integers(100, 1000, n)
    likes = rng.integers(0, 50, n)
    return pd.DataFrame({
        "platform": "instagram", "post_id": [str(i) for i in range(n)], "published_at": ts,
        "format": "image", "category": pd.NA, "tags": "", "text": "", "paid": False,
        "spend": 0.0, "impressions": pd.array(reach * 2, dtype="Int64"),
        "reach": pd.array(reach, dtype="Int64"), "likes": pd.array(likes, dtype="Int64"),
        "comments": pd.array([0] * n, dtype="Int64"), "shares": pd.NA, "saves": pd.NA,
        "clicks": pd.NA, "video_views": pd.NA, "engagements": pd.NA,
        "followers_at_post": pd.array([1000] * n, dtype="Int64"), "experiment": pd.NA,
        "arm": pd.NA}).astype({"category": "string", "experiment": "string", "arm": "string"})


def test_intervals_against_known_values(rng):
    lo, hi = poisson_rate_interval(10, 1.0)
    assert (lo, hi) == pytest.approx((4.7954, 18.3904), abs=1e-3)
    x = rng.normal(10, 2, 200)
    lo, hi = bootstrap_median(x, seed=1)
    assert lo < np.median(x) < hi and hi - lo < 1.5
    lo_b, hi_b = bootstrap_median(x, seed=1, block=7)
    assert lo_b < np.median(x) < hi_b


def test_baseline_matches_hand_computation(rng):
    cfg = _config()
    posts = prepare_posts(_posts(rng), None, cfg)
    b = baseline(posts, None, cfg)
    assert (b.start, b.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 30))
    f = b.frame.set_index(["platform", "metric"])
    inside = posts.loc[posts["published_at"] < pd.Timestamp("2026-03-30", tz="Europe/Berlin")]
    reach = inside["reach"].astype(float)
    assert f.loc[("instagram", "reach_per_post"), "value"] == np.median(reach)
    assert f.loc[("instagram", "reach_per_post"), "q1"] == np.quantile(reach, 0.25)
    er = (inside["likes"] / inside["reach"]).astype(float)  # comments are all 0
    assert f.loc[("instagram", "er_reach"), "value"] == pytest.approx(np.median(er))
    assert "median of posts" in f.loc[("instagram", "er_reach"), "basis"]
    pooled = f.loc[("instagram", "er_reach_pooled")]
    assert pooled["value"] == pytest.approx(inside["likes"].sum() / inside["reach"].sum())
    assert pooled["low"] < pooled["value"] < pooled["high"]
    weeks = 28 / 7
    assert f.loc[("instagram", "posts_per_week"), "value"] == pytest.approx(len(inside) / weeks)
    # facebook has no posts and no daily data: said, not invented
    assert pd.isna(f.loc[("facebook", "reach_per_post"), "value"])
    fb = {x.key: x for x in b.to_findings("baseline")}["baseline.reach_per_post.facebook"]
    assert fb.value is None and "insufficient data" in fb.text


def test_window_without_management_start_runs_to_data_end():
    cfg = _config(phases={"launch_start": "2026-03-02"})
    assert launch_window(cfg, dt.date(2026, 4, 10)) == (dt.date(2026, 3, 2), dt.date(2026, 4, 11))


def test_demo_baselines(demo_data_dir):
    ws = load_client("kahve-kosesi", demo_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    b = baseline(posts, ws.account_daily, ws.config)
    assert b.er_basis == "reach"
    g = b.value("instagram", "follower_growth_per_day")
    assert 5 < g < 20  # planted 9 + 0.15/day gains minus 1.2 losses
    check = setup_checklist(posts, ws.account_daily, ws.config).frame.set_index("platform")
    assert check.loc["facebook", "first_post"] >= dt.date(2026, 10, 9)
    assert check.loc["instagram", "target_posts_per_week"] == 4


def test_client_without_posts_or_daily_data_says_so():
    from smm_nb.analysis.its import interrupted_time_series, its_sentences
    from smm_nb.analysis.power import plan_tests
    from smm_nb.model.schemas import ACCOUNT_DAILY, POSTS

    cfg = _config()
    posts = prepare_posts(POSTS.empty(), None, cfg)
    b = baseline(posts, ACCOUNT_DAILY.empty(), cfg)
    assert b.frame["value"].isna().all() and b.frame["note"].str.len().gt(0).all()
    assert all(f.value is None for f in b.to_findings("baseline"))
    assert plan_tests(posts, "er_reach").summary_frame().empty
    its = interrupted_time_series(ACCOUNT_DAILY.empty(), cfg)
    assert its.effects == () and "No daily account data" in its_sentences(its)[0]


def test_large_launch_windows_get_the_exact_bootstrap_median_interval(monkeypatch):
    from smm_nb.analysis import baseline as Bm

    x = np.random.default_rng(4).gamma(1.5, 100, Bm.LARGE_N + 1)
    fast = Bm.bootstrap_median(x, 2000, seed=0)
    monkeypatch.setattr(Bm, "LARGE_N", 10**9)
    boots = np.array([Bm.bootstrap_median(x, 2000, seed=s) for s in range(4)])
    width = boots[0, 1] - boots[0, 0]
    for side in (0, 1):
        assert abs(fast[side] - boots[:, side].mean()) <= 3 * boots[:, side].std() + 0.03 * width
