"""ROI: unit costs and returns against a hand computation; no-spend clients."""
import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis.prepare import prepare_posts
from smm_nb.analysis.roi import block_bootstrap_ratio, roi
from smm_nb.model.workspace import load_client


def _tables():
    days = pd.to_datetime(["2026-05-01", "2026-05-02"] * 2)
    spend = pd.DataFrame({"date": days, "platform": ["instagram"] * 2 + ["facebook"] * 2,
                          "campaign": ["a", "a", "b", "b"],
                          "kind": ["ad", "ad", "influencer", "influencer"],
                          "spend": [100.0, 50.0, 20.0, 0.0], "currency": "EUR",
                          "impressions": pd.array([10000, 5000, 2000, 0], dtype="Int64"),
                          "reach": pd.array([8000, 4000, 1500, 0], dtype="Int64"),
                          "clicks": pd.array([100, 50, 10, 0], dtype="Int64")})
    conv = pd.DataFrame({"date": days, "platform": ["instagram"] * 2 + ["facebook"] * 2,
                         "campaign": ["a", "a", "b", "b"], "conversions": [3.0, 2.0, 1.0, 0.0],
                         "revenue": [300.0, 150.0, 25.0, 0.0], "currency": "EUR"})
    return spend, conv


def test_unit_costs_match_hand_computation():
    spend, conv = _tables()
    r = roi(spend, conv, None, "EUR")
    a = r.by_campaign.set_index("campaign").loc["a"]
    assert a["cpm"] == pytest.approx(150 / 15000 * 1000)
    assert a["cpc"] == pytest.approx(1.0)
    assert a["cpa"] == pytest.approx(30.0)
    assert a["roas"] == pytest.approx(3.0) and a["roi"] == pytest.approx(2.0)
    assert r.total["roas"] == pytest.approx(475 / 170)
    assert set(r.by_kind["kind"]) == {"ad", "influencer"}
    keys = {f.key for f in r.to_findings("roi")}
    assert {"roi.roas.all", "roi.cpa.all", "roi.roas.instagram"} <= keys


def test_other_currency_and_missing_conversions_are_said():
    spend, conv = _tables()
    spend.loc[3, "currency"] = "USD"
    r = roi(spend, None, None, "EUR")
    assert any("another currency" in n for n in r.notes)
    assert any("no conversions" in n for n in r.notes)
    assert np.isnan(r.total["roas"])


def test_block_bootstrap_contains_ratio(rng):
    spend = rng.uniform(50, 150, 90)
    rev = spend * 4 * rng.lognormal(0, 0.3, 90)
    lo, hi = block_bootstrap_ratio(rev, spend)
    assert lo < rev.sum() / spend.sum() < hi


def test_no_spend_client(demo_data_dir):
    ws = load_client("kahve-kosesi", demo_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    r = roi(ws.spend, ws.conversions, posts, ws.config.currency)
    assert not r.has_spend and "no spend" in r.reason
    assert r.to_findings("roi")[0].value is None
    assert set(r.paid_vs_organic["posts"]) == {"paid", "organic"}


def test_boosted_posts_without_a_spend_export_are_mentioned():
    posts = pd.DataFrame({"platform": "instagram", "paid": [True, False, True],
                          "spend": [40.0, np.nan, 10.0], "reach": pd.array([100, 80, 120],
                                                                            dtype="Int64"),
                          "er_reach": [0.05, 0.06, 0.04]})
    r = roi(None, None, posts, "TRY")
    assert "2 boosted posts" in r.reason and "50.00 TRY" in r.reason


def test_demo_spend_kinds(demo_data_dir):
    ws = load_client("nordwind-shop", demo_data_dir)
    r = roi(ws.spend, ws.conversions, None, ws.config.currency)
    assert {"ad", "boost", "influencer"} <= set(r.by_kind["kind"])
    assert (r.by_platform["roas_low"] <= r.by_platform["roas"]).all()
