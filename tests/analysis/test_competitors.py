"""Share of voice and competitor engagement rate by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from smm_nb.analysis.competitors import compare_competitors


def test_share_of_voice_by_hand():
    comp = pd.DataFrame({"platform": "instagram", "handle": ["@a", "@a"],
                         "date": pd.to_datetime(["2026-03-08", "2026-03-15"]),
                         "followers": pd.array([1000, 1100], dtype="Int64"),
                         "posts": pd.array([2, 2], dtype="Int64"),
                         "engagements": pd.array([20, 20], dtype="Int64")})
    t = pd.to_datetime(["2026-03-03 10:00", "2026-03-10 10:00"]).tz_localize("UTC")
    posts = pd.DataFrame({"platform": "instagram", "published_at": t,
                          "engagements_public": [30.0, 30.0]})
    daily = pd.DataFrame({"platform": "instagram",
                          "date": pd.date_range("2026-03-01", "2026-03-15"),
                          "followers": pd.array([500] * 15, dtype="Int64")})
    cc = compare_competitors(comp, posts, daily)
    f = cc.frame.set_index("account")
    assert f.loc["client", "share_posts"] == pytest.approx(2 / 6)
    assert f.loc["client", "share_engagements"] == pytest.approx(60 / 100)
    assert f.loc["client", "er_followers"] == pytest.approx(60 / (2 * 500))
    assert f.loc["@a", "er_followers"] == pytest.approx(40 / (4 * 1050))
    assert f.loc["@a", "growth_pct"] == pytest.approx(0.1)
    keys = {x.key for x in cc.to_findings("audit.competitors")}
    assert "audit.competitors.share_of_voice_posts.instagram" in keys


def test_no_competitor_data_says_so():
    cc = compare_competitors(pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    f = cc.to_findings("audit.competitors")
    assert f[0].value is None and "no competitor" in f[0].text
