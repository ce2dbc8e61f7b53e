from smm_nb.ingest.base import find_adapter, probe_file


def test_legacy_tweets(fixtures, ingest):
    p = fixtures / "x" / "tweet_activity_metrics_nordwind_20260301_20260401_en.csv"
    assert find_adapter(probe_file(p)).name == "x-tweet-activity"
    r = ingest(p, tz="Europe/Berlin")
    posts = r.tables["posts"].set_index("post_id")
    t = posts.loc["1773000000000000003"]
    # 01:30 UTC on the Berlin spring-forward day is 03:30 CEST
    assert str(t.published_at) == "2026-03-29 03:30:00+02:00"
    assert (t.impressions, t.engagements, t.shares, t.comments, t.likes, t.clicks) == \
        (1215, 40, 3, 2, 25, 6)
    assert t.text.startswith("Spring jackets are in #jackets\ntwo lines")
    assert t.tags == "#jackets" and t.format == "link"
    assert posts.loc["1773000000000000002", "format"] == "image"
    assert posts.loc["1773000000000000002", "paid"]  # promoted columns hold numbers
    assert not posts.loc["1773000000000000001", "paid"]  # "-" = not promoted


def test_legacy_daily(fixtures, ingest):
    r = ingest(fixtures / "x" / "daily_tweet_activity_metrics_nordwind_20260301_20260401_en.csv")
    d = r.tables["account_daily"]
    assert d.impressions.tolist() == [100, 40] and d.follower_gains.tolist() == [1, 0]


def test_2024_posts_and_overview(fixtures, ingest):
    r = ingest(fixtures / "x" / "account_analytics_content_2025-03-20_2025-03-21.csv",
               fixtures / "x" / "account_overview_analytics_2025-03-20_2025-03-21.csv",
               tz="UTC")
    posts = r.tables["posts"].set_index("post_id")
    p = posts.loc["1902000000000000002"]
    assert p.impressions == 1204 and p.saves == 4 and p.shares == 2 and p.comments == 3
    assert str(p.published_at) == "2025-03-21 00:00:00+00:00"
    assert any("no time of day" in w for w in r.warnings)
    d = r.tables["account_daily"]
    assert d.date.dt.strftime("%Y-%m-%d").tolist() == ["2025-03-20", "2025-03-21"]  # sorted
    assert d.follower_losses.tolist() == [0, 1]
