import pytest


def test_ads_manager_turkish_semicolon_export(fixtures, ingest):
    p = next((fixtures / "meta_ads").glob("*.csv"))
    r = ingest(p)
    f = r.files[0]
    assert (f.rows_read, f.rows_skipped) == (3, 1)  # the totals row
    s = r.tables["spend"].set_index("platform")
    assert s.loc["instagram", "spend"] == pytest.approx(1500.0)
    assert s.loc["instagram", "impressions"] == 50000
    assert s.loc["instagram", "campaign"] == "Kış kampanyası"
    assert str(s.loc["instagram", "reach"]) == "<NA>"  # two ad sets: reach not additive
    assert s.loc["facebook", "reach"] == 6000
    assert set(s.currency) == {"TRY"}
    c = r.tables["conversions"]
    assert c.conversions.sum() == 14 and c.revenue.sum() == pytest.approx(4100.0)
