import pandas as pd

FB = "facebook"


def test_post_level_and_video_files_merge(fixtures, ingest):
    d = fixtures / FB
    first = d / "Facebook Insights Data Export (Post Level) - Kahve - 2026-03-01 - 2026-03-09.csv"
    later = d / "Facebook Insights Data Export (Video Posts) - Kahve - 2026-03-01 - 2026-03-31.csv"
    r = ingest(first, later)
    assert r.files[0].rows_read == 2 and r.files[0].rows_skipped == 1  # the blank row
    posts = r.tables["posts"].set_index("post_id")
    assert len(posts) == 3
    p = posts.loc["5189_1002"]
    # later export's lifetime metrics win; columns only the first file has are kept
    assert (p.reach, p.impressions) == (1500, 2600)
    assert (p.likes, p.comments, p.shares, p.engagements) == (60, 4, 0, 90)
    assert p.paid and p.format == "image"
    assert p.text == 'Cumartesi akustik gece, "herkesi" bekleriz\n#etkinlik'
    # Pacific 03:30 on the US spring-forward day = 10:30 UTC = 13:30 Istanbul
    assert str(p.published_at) == "2026-03-08 13:30:00+03:00"
    assert posts.loc["5189_1003", "video_views"] == 430
    assert posts.loc["5189_1001", "format"] == "link"
    assert any("merged" in w for w in r.warnings)


def test_page_level_daily_audience_activity(fixtures, ingest):
    r = ingest(fixtures / FB / "Facebook Insights Data Export - Kahve - 2026-03-07 - 2026-03-08.csv")
    d = r.tables["account_daily"]
    assert d.followers.tolist() == [100, 102] and d.reach.tolist() == [250, 260]
    assert d.profile_visits.tolist() == [5, 6]  # the first of the repeated columns
    a = r.tables["audience"].set_index(["dimension", "bucket"])["share"]
    assert a["age_gender", "18-24|male"] == 0.3
    assert a["gender", "female"] == 0.7
    assert a["city", "Malmö, Skåne County, Sweden"] == 0.125  # cp1252 decoded
    act = r.tables["activity"]
    assert act.hour.between(0, 23).all() and len(act) == 47  # 48 hours, 1 lost to the DST gap


def test_uci_research_dataset(tmp_path, ingest):
    p = tmp_path / "dataset_Facebook.csv"
    p.write_text("Page total likes;Type;Category;Post Month;Post Weekday;Post Hour;Paid;"
                 "Lifetime Post Total Reach;Lifetime Post Total Impressions;Lifetime Engaged "
                 "Users;comment;like;share;Total Interactions\n"
                 "139441;Photo;2;12;4;3;0;2752;5091;178;4;79;17;100\n"
                 "139441;Status;2;12;3;10;;10460;19057;1457;5;130;29;164\n")
    r = ingest(p, tz="UTC")
    posts = r.tables["posts"]
    ts = posts.published_at
    assert (ts.dt.month == 12).all()
    assert sorted(ts.dt.day_of_week.tolist()) == [1, 2]  # weekday 3 = Tuesday, 4 = Wednesday
    assert posts.paid.isna().sum() == 1 and posts.impressions.sum() == 24148
    assert pd.api.types.is_string_dtype(posts.category)
