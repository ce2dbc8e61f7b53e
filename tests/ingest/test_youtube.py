YT = "youtube"


def test_table_data_total_row_skipped(fixtures, ingest):
    r = ingest(fixtures / YT / "Table data.csv", tz="America/New_York")
    assert r.files[0].rows_read == 2 and r.files[0].rows_skipped == 1
    posts = r.tables["posts"]
    assert posts.video_views.sum() == 9580 - 0  # equals the Total row the export printed
    assert posts.impressions.sum() == 120000 - 0
    assert posts.comments.tolist() == [30, 3]
    assert str(posts.published_at[0]) == "2026-10-03 00:00:00-04:00"


def test_chart_and_totals(fixtures, ingest):
    r = ingest(fixtures / YT / "Chart data.csv", fixtures / YT / "Table data.csv",
               fixtures / YT / "Totals.csv")
    assert len(r.tables["posts"]) == 2
    assert r.tables["posts"].set_index("post_id").loc["abcDEF12345", "video_views"] == 9000
    d = r.tables["account_daily"]
    assert d.date.dt.strftime("%Y-%m-%d").tolist() == ["2026-10-03", "2026-10-04", "2026-10-05"]
