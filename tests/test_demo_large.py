"""smm_nb.demo.large_client at a small size: valid, shaped as planted, reproducible."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from smm_nb.demo import AS_OF, FORMAT_ER_MULTIPLIER, LARGE_PLANTED, large_client

POSTS = 5000


@pytest.fixture(scope="module")
def large_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("large")
    large_client(data, posts=POSTS, years=1, seed=9)
    return data


def test_large_client_validates(large_dir):
    from smm_nb.validate import validate_client

    report = validate_client("bigco", large_dir)
    assert report.ok, report.errors
    assert not [w for w in report.warnings if "configured in client.yaml" in w]
    assert report.tables["posts"]["platforms"] == sorted(
        LARGE_PLANTED["platform_share_of_posts"])
    for table in ("account_daily", "audience", "activity", "spend", "conversions",
                  "competitors", "messages"):
        assert report.tables[table]["rows"] > 0, table
    # posts are the warehouse dump: Parquet, one file per platform
    assert {f["path"] for f in report.files if "posts" in f["tables"]} == {
        f"posts_{p}.parquet" for p in LARGE_PLANTED["platform_share_of_posts"]}


def test_large_client_has_the_planted_shape(large_dir):
    from smm_nb.analysis.prepare import prepare_posts
    from smm_nb.model.workspace import load_client

    ws = load_client("bigco", large_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    assert abs(len(posts) - POSTS) < 0.05 * POSTS
    share = posts["platform"].value_counts(normalize=True)
    for plat, expected in LARGE_PLANTED["platform_share_of_posts"].items():
        assert share[plat] == pytest.approx(expected, abs=0.03)
    first = posts["published_at"].min().date()
    assert (AS_OF - first).days == pytest.approx(365, abs=3)
    assert posts["published_at"].max().date() < AS_OF
    daily = ws.account_daily
    assert daily.groupby("platform")["date"].nunique().min() >= 364

    # the experiment's arms are found from the caption markers alone
    exp = ws.config.experiments[0]
    arms = posts.loc[posts["experiment"] == exp.name, "arm"].value_counts()
    assert set(arms.index) == {a.name for a in exp.arms}
    assert arms.min() == exp.planned_posts_per_arm

    # reels engage 1.6x images per person reached (ratio of sums, outside the experiment)
    ig = posts[(posts["platform"] == "instagram") & posts["experiment"].isna()]
    by = ig.groupby("format")[["engagements_public", "reach"]].sum()
    ratio = (by.loc["reel", "engagements_public"] / by.loc["reel", "reach"]) / \
        (by.loc["image", "engagements_public"] / by.loc["image", "reach"])
    assert ratio == pytest.approx(FORMAT_ER_MULTIPLIER["reel"], rel=0.12)

    # Instagram's daily reach steps up at launch by the planted ratio
    launch = pd.Timestamp(ws.config.phases.launch_start)
    ig_daily = daily[daily["platform"] == "instagram"].set_index("date")["reach"].astype(float)
    before = ig_daily[launch - dt.timedelta(days=60):launch - dt.timedelta(days=1)].mean()
    after = ig_daily[launch:launch + dt.timedelta(days=59)].mean()
    assert after / before == pytest.approx(LARGE_PLANTED["launch_level_shift"]["ratio"],
                                           rel=0.15)


def test_large_client_is_reproducible(tmp_path, large_dir):
    large_client(tmp_path, posts=POSTS, years=1, seed=9)
    for name in ("posts_instagram.parquet", "posts_x.parquet"):
        a = pd.read_parquet(large_dir / "clients" / "bigco" / "exports" / name)
        b = pd.read_parquet(tmp_path / "clients" / "bigco" / "exports" / name)
        pd.testing.assert_frame_equal(a, b)
    assert (large_dir / "clients/bigco/client.yaml").read_text() == \
        (tmp_path / "clients/bigco/client.yaml").read_text()
