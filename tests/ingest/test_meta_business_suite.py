MBS = "meta_business_suite"


def test_instagram_content_export(fixtures, ingest):
    r = ingest(fixtures / MBS / "Nov-01-2026_Nov-20-2026_1234567890.csv")
    posts = r.tables["posts"].set_index("post_id")
    assert set(posts.platform) == {"instagram"}
    reel = posts.loc["18011"]
    assert (reel.format, reel.impressions, reel.reach, reel.saves) == ("reel", 12400, 9100, 230)
    assert reel.tags == "#jackets #hookfirst"
    # Pacific 01:30 just before the US spring-forward = 09:30 UTC = 12:30 Istanbul
    assert str(reel.published_at) == "2026-03-08 12:30:00+03:00"
    # 01:30 on the US fall-back day happens twice: read as the first (PDT)
    assert str(posts.loc["18012", "published_at"]) == "2026-11-01 11:30:00+03:00"
    assert posts.loc["18012", "format"] == "carousel"
    assert posts.loc["18012", "shares"] is not None and str(posts.loc["18012", "shares"]) == "<NA>"


def test_facebook_content_export(fixtures, ingest):
    r = ingest(fixtures / MBS / "Facebook_content_Nov-01-2026_Nov-20-2026.csv")
    posts = r.tables["posts"].set_index("post_id")
    assert set(posts.platform) == {"facebook"}
    assert posts.format.tolist() == ["image", "reel"]
    assert posts.likes.tolist() == [110, 180] and posts.clicks.tolist() == [40, 0]
    assert posts.paid.tolist() == [True, False]


def test_overview_files_utf16(fixtures, ingest):
    r = ingest(fixtures / MBS / "Reach.csv", fixtures / MBS / "Follows.csv",
               fixtures / MBS / "Facebook_Views.csv")
    d = r.tables["account_daily"].set_index(["platform", "date"])
    ig = d.loc["instagram"]
    assert ig.reach.tolist() == [1500, 1620] and ig.follower_gains.tolist() == [12, 9]
    assert d.loc["facebook"].impressions.tolist() == [4000]  # platform from the file name
    assert len(d) == 3  # two files, same days: one row a day


def test_bad_value_and_unknown_post_type_name_the_cell(tmp_path, fixtures, ingest):
    import pytest

    from smm_nb.errors import ExportError

    src = (fixtures / MBS / "Nov-01-2026_Nov-20-2026_1234567890.csv").read_text(
        encoding="utf-8-sig")
    bad = tmp_path / "content.csv"
    bad.write_text(src.replace(",520,", ",lots,"), encoding="utf-8")
    with pytest.raises(ExportError) as e:
        ingest(bad)
    assert (e.value.row, e.value.column, e.value.value) == (4, "Reach", "lots")
    assert "content.csv" in str(e.value)
    bad.write_text(src.replace("IG carousel", "IG hologram"), encoding="utf-8")
    with pytest.raises(ExportError) as e:
        ingest(bad)
    assert (e.value.row, e.value.column) == (3, "Post type") and "unknown post type" in str(e.value)
