from smm_nb.ingest.base import find_adapter, probe_file

LI = "linkedin"


def test_content_xlsx(fixtures, ingest):
    p = fixtures / LI / "ledgerline_content_1762300000000.xlsx"
    assert find_adapter(probe_file(p)).name == "linkedin-page"
    r = ingest(p, tz="America/New_York")
    posts = r.tables["posts"]
    assert posts.format.tolist() == ["image", "carousel"]
    assert posts.paid.tolist() == [False, True]
    assert str(posts.published_at[0]) == "2026-11-01 09:05:00-05:00"  # UTC, after US DST end
    d = r.tables["account_daily"]
    assert d.impressions.tolist() == [1234, 1269]
    # LinkedIn engagements: clicks + reactions + comments + reposts (reactions may be < 0)
    assert d.engagements.tolist() == [59 + 42 + 2 + 1, 105 + 32 + 1 + 1]


def test_followers_xlsx_and_csv(fixtures, ingest):
    r = ingest(fixtures / LI / "ledgerline_followers_1762300000000.xlsx",
               fixtures / LI / "ledgerline_content_metrics.csv")
    d = r.tables["account_daily"].set_index("date")
    assert d.follower_gains.tolist()[:2] == [4, 0] and d.follower_losses.tolist()[:2] == [0, 1]
    assert d.impressions.iloc[-1] == 900
    assert any("Job function" in w for w in r.warnings)
    assert set(r.tables["audience"].dimension) == {"city"}


def test_visitors_csv_joins_the_same_days(fixtures, ingest):
    r = ingest(fixtures / LI / "ledgerline_content_1762300000000.xlsx",
               fixtures / LI / "ledgerline_visitors_1762300000000.csv")
    d = r.tables["account_daily"].set_index("date")
    assert d.profile_visits.tolist() == [31, 27]  # unique visitors, all pages
    assert d.impressions.tolist() == [1234, 1269]  # columns of both files unioned
