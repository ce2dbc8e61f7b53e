"""Persona fit, platform fit, online hours and service lines against hand computations."""
from __future__ import annotations

import pandas as pd
import pytest

from smm_nb.analysis import audience as AU
from smm_nb.model.config import ClientConfig


def _config(**persona) -> ClientConfig:
    return ClientConfig.model_validate({
        "name": "T", "slug": "t", "timezone": "Europe/Berlin", "currency": "EUR",
        "language": "en", "platforms": {"instagram": {"handle": "@t"}},
        "persona": persona, "phases": {"launch_start": "2026-01-01"}})


def _audience(rows, platform="instagram"):
    return pd.DataFrame([(platform, pd.Timestamp("2026-11-01"), d, b, s) for d, b, s in rows],
                        columns=["platform", "snapshot_date", "dimension", "bucket", "share"])


def test_age_overlap():
    assert AU.age_range("25-34") == (25, 35)
    assert AU.age_range("65+") == (65, 85)
    assert AU.overlap_share("18-29", [(25, 35)]) == pytest.approx(5 / 12)
    assert AU.overlap_share("25-34", [(18, 25), (25, 35)]) == 1.0


def test_persona_fit_by_hand():
    aud = _audience([("age", "18-24", 0.2), ("age", "25-34", 0.5), ("age", "35-44", 0.3),
                     ("gender", "female", 0.6), ("gender", "male", 0.4),
                     ("country", "DE", 0.7), ("country", "PL", 0.3)])
    cfg = _config(ages=["25-34", "35-44"], genders=["female"], countries=["DE", "AT"])
    fit = AU.persona_fit(aud, cfg)
    f = fit.frame.set_index("dimension")
    assert f.loc["age", "share_inside"] == pytest.approx(0.8)
    # target 0 / .5 / .5: D = .5 * (.2 + 0 + .2) = .2
    assert f.loc["age", "dissimilarity"] == pytest.approx(0.2)
    assert f.loc["gender", "share_inside"] == pytest.approx(0.6)
    assert f.loc["country", "share_inside"] == pytest.approx(0.7)
    assert "AT" in f.loc["country", "largest_gap"]  # named persona country not in export
    # target DE .5, AT .5 (absent), PL 0: D = .5 * (.2 + .3 + .5)
    assert f.loc["country", "dissimilarity"] == pytest.approx(0.5)
    assert f.loc["gender", "dissimilarity"] == pytest.approx(0.4)
    # no age_gender table: marginals multiplied, location independent
    assert fit.combined.iloc[0]["share_inside"] == pytest.approx(0.8 * 0.6 * 0.7)
    assert "independent" in fit.combined.iloc[0]["method"]


def test_persona_fit_uses_joint_age_gender():
    aud = _audience([("age", "25-34", 0.5), ("age", "35-44", 0.5),
                     ("gender", "female", 0.5), ("gender", "male", 0.5),
                     ("age_gender", "25-34|female", 0.4), ("age_gender", "25-34|male", 0.1),
                     ("age_gender", "35-44|female", 0.1), ("age_gender", "35-44|male", 0.4)])
    fit = AU.persona_fit(aud, _config(ages=["25-34"], genders=["female"]))
    assert fit.combined.iloc[0]["share_inside"] == pytest.approx(0.4)


def test_missing_audience_or_persona_says_so():
    assert "no audience" in AU.persona_fit(pd.DataFrame(), _config()).reason
    aud = _audience([("age", "25-34", 1.0)])
    assert AU.persona_fit(aud, _config()).to_findings("a")[0].value is None


def _usage():
    rows = []
    for plat, shares in {"Instagram": [80, 60, 40, 20], "LinkedIn": [30, 40, 30, 10],
                         "X (Twitter)": [40, 20, 10, 5]}.items():
        for g, s in zip(["18-29", "30-49", "50-64", "65+"], shares):
            rows.append(("Pew Research Center: X (n=1)", 2025, "U.S. adults 18+", plat, "age",
                         g, s))
    rows.append(("TurkStat (TÜİK): ICT", 2025, "Turkey, internet users 16-74", "Instagram",
                 "total", "all", 68.1))
    return pd.DataFrame(rows, columns=["source", "survey_year", "population", "platform",
                                       "group_type", "group", "share_pct"])


def test_platform_fit_by_hand():
    cfg = _config(ages=["25-34"])  # 5 years in 18-29, 5 in 30-49
    fit = AU.platform_fit(_usage(), cfg)
    f = fit.frame.set_index("platform")
    assert f.loc["instagram", "reachable_share"] == pytest.approx((80 + 60) / 2 / 100)
    assert f.loc["linkedin", "reachable_share"] == pytest.approx(0.35)
    assert f.loc["instagram", "rank"] == 1 and bool(f.loc["instagram", "active"])
    assert f.loc["x", "survey_year"] == 2025 and "Pew" in f.loc["x", "source"]
    # Pew rows only on the ranking; TurkStat is separate context
    assert "TurkStat" not in " ".join(fit.frame["source"])
    assert list(fit.context["platform"]) == ["Instagram"]
    assert fit.recommendation()["add"] == ["linkedin"]


def test_online_hours_peaks():
    act = pd.DataFrame([("instagram", wd, h, 100.0 + (50 if (wd, h) == (3, 19) else 0))
                        for wd in range(7) for h in range(24)],
                       columns=["platform", "weekday", "hour", "online_followers"])
    oh = AU.online_hours(act, k=1)
    r = oh.peaks.iloc[0]
    assert (r["weekday"], r["hour_block"]) == (3, "18-21")
    assert oh.grid["online"].max() == 1.0
    assert oh.to_findings("a")[0].value == "thu_18_21"
    assert AU.online_hours(None).to_findings("a")[0].value is None


def test_service_lines_by_hand():
    posts = pd.DataFrame({"platform": "instagram",
                          "category": ["a"] * 6 + ["b"] * 6 + [None] * 2,
                          "engagements_public": [10.0] * 6 + [20.0] * 6 + [1.0] * 2,
                          "reach": [100] * 14, "impressions": [200] * 14,
                          "followers_at_post": [1000] * 14})
    sl = AU.service_lines(posts, n_boot=100)
    r = sl.rates.set_index("category")
    assert r.loc["a", "value"] == pytest.approx(0.1) and r.loc["b", "value"] == pytest.approx(0.2)
    assert r.loc["a", "share_of_posts"] == pytest.approx(0.5)
    assert sl.uncategorised == pytest.approx(2 / 14)
    none = AU.service_lines(posts.assign(category=None))
    assert none.to_findings("a")[0].value is None
