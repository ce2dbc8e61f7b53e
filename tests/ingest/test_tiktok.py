import datetime as dt
import os

TT = "tiktok"


def test_content(fixtures, ingest):
    r = ingest(fixtures / TT / "Content.csv", tz="Europe/Berlin")
    posts = r.tables["posts"].set_index("post_id")
    v = posts.loc["7412345678901234567"]
    assert (v.likes, v.video_views, v.reach, v.saves) == (1200, 18400, 15000, 22)
    assert v.format == "video" and v.tags == "#ugc #jackets"
    assert str(v.published_at) == "2026-11-02 18:05:00+01:00"


def test_yearless_days_cross_new_year(tmp_path, fixtures, ingest):
    for name in ("Overview.csv", "FollowerHistory.csv"):
        p = tmp_path / name
        p.write_bytes((fixtures / TT / name).read_bytes())
        stamp = dt.datetime(2026, 1, 3, 12).timestamp()
        os.utime(p, (stamp, stamp))
    r = ingest(tmp_path / "Overview.csv", tmp_path / "FollowerHistory.csv")
    d = r.tables["account_daily"]
    assert d.date.dt.strftime("%Y-%m-%d").tolist() == ["2025-12-30", "2025-12-31",
                                                        "2026-01-01", "2026-01-02"]
    assert d.video_views.tolist() == [100, 120, 200, 50]  # columns of both files unioned
    assert d.followers.tolist() == [900, 910, 909, 909]
    assert d.follower_losses.tolist() == [0, 0, 1, 0]


def test_audience(fixtures, ingest):
    r = ingest(fixtures / TT / "FollowerGender.csv", fixtures / TT / "FollowerTopTerritories.csv")
    a = r.tables["audience"]
    assert set(a.dimension) == {"gender", "country"}
    assert "Others" not in set(a.bucket)  # the remainder row is skipped and counted
    assert r.files[1].rows_skipped == 1
