"""Posting-time grid: hand computations, DerSimonian-Laird against statsmodels, planted
best window recovered on the demo clients."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis.prepare import prepare_posts
from smm_nb.analysis.timing import (INSUFFICIENT, OK, dersimonian_laird, post_timing,
                                    window_key)
from smm_nb.demo import PLANTED
from smm_nb.errors import AnalysisError
from smm_nb.model.workspace import load_client


def _frame(rows):
    """rows: (platform, weekday, hour_block, engagements, reach)"""
    df = pd.DataFrame(rows, columns=["platform", "weekday", "hour_block", "engagements_public",
                                     "reach"])
    df["followers_at_post"] = 1000
    df["impressions"] = df["reach"] * 2
    return df


def test_rates_are_ratios_of_sums_by_hand():
    df = _frame([("instagram", 3, "18-21", 10, 100), ("instagram", 3, "18-21", 30, 100),
                 ("instagram", 0, "09-12", 5, 200), ("instagram", 0, "09-12", 5, 300)])
    r = post_timing(df, basis="reach", min_posts=2)
    thu = r.cell("instagram", 3, "18-21")
    assert thu["n"] == 2
    assert thu["rate"] == pytest.approx(40 / 200)
    assert r.cell("instagram", 0, "09-12")["rate"] == pytest.approx(10 / 500)
    plat_rate = 50 / 700
    assert thu["lift"] == pytest.approx((40 / 200) / plat_rate)
    assert r.platforms.set_index("platform").loc["instagram", "rate"] == pytest.approx(plat_rate)
    assert thu["low"] < thu["rate"] < thu["high"]
    # every weekday x block is in the grid, empty ones with n = 0
    assert len(r.cells) == 49 and (r.cells["n"] == 0).sum() == 47
    imp = post_timing(df, basis="impressions", min_posts=2)
    assert imp.cell("instagram", 3, "18-21")["rate"] == pytest.approx(40 / 400)
    fol = post_timing(df, basis="followers", min_posts=2)
    assert fol.cell("instagram", 3, "18-21")["rate"] == pytest.approx(40 / 2000)


def test_thin_cells_are_insufficient_and_never_best():
    df = _frame([("x", 1, "09-12", 50, 100)] + [("x", 2, "12-15", 5, 100)] * 5)
    r = post_timing(df, min_posts=5)
    assert r.cell("x", 1, "09-12")["status"] == INSUFFICIENT
    assert r.cell("x", 2, "12-15")["status"] == OK
    best = r.best_windows(k=3)
    assert list(best["hour_block"]) == ["12-15"]
    findings = {f.key: f for f in r.to_findings("t")}
    assert findings["t.best.x.window"].value == "wed_12_15"
    none = post_timing(df, min_posts=50).to_findings("t")
    assert {f.key: f.value for f in none}["t.best.x"] is None
    assert "insufficient data" in none[0].text


def test_unknown_basis_and_unprepared_posts_are_refused():
    df = _frame([("x", 1, "09-12", 5, 100)])
    with pytest.raises(AnalysisError):
        post_timing(df, basis="views")
    with pytest.raises(AnalysisError, match="prepare_posts"):
        post_timing(df.drop(columns=["weekday"]))


def test_dersimonian_laird_matches_statsmodels(rng):
    from statsmodels.stats.meta_analysis import combine_effects

    y = rng.normal(0, 0.3, 30)
    v = rng.uniform(0.01, 0.1, 30)
    res = combine_effects(y, v, method_re="dl")
    assert dersimonian_laird(y, v) == pytest.approx(res.tau2, rel=1e-9)


def test_shrinkage_pulls_toward_platform_rate(rng):
    rows = []
    for wd in range(7):
        for block in ("09-12", "12-15", "18-21"):
            mult = 1.5 if (wd, block) == (3, "18-21") else 1.0
            for _ in range(6):
                reach = int(rng.integers(200, 400))
                rows.append(("instagram", wd, block,
                             rng.poisson(reach * 0.05 * mult * rng.gamma(4, 0.25)), reach))
    r = post_timing(_frame(rows), min_posts=5)
    c = r.cells[r.cells["n"] > 0]
    # shrunk lifts lie between 1 and the raw lift
    lo = np.minimum(1.0, c["lift"]) - 1e-12
    hi = np.maximum(1.0, c["lift"]) + 1e-12
    assert ((c["shrunk_lift"] >= lo) & (c["shrunk_lift"] <= hi)).all()
    assert (c["shrunk_high"] - c["shrunk_low"] <= c["high"] - c["low"] + 1e-12).all()


@pytest.mark.parametrize("client", ["nordwind-shop", "ledgerline"])
def test_planted_best_window_recovered(demo_data_dir, client):
    ws = load_client(client, demo_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    r = post_timing(posts, basis="reach")
    bw = PLANTED["best_window"]
    block = f"{bw['hours'][0]:02d}-{bw['hours'][1]:02d}"
    findings = {f.key: f for f in r.to_findings("audience.timing")}
    pooled = findings["audience.timing.best.all"]
    assert findings["audience.timing.best.all.window"].value == window_key(bw["weekday"], block)
    assert pooled.low <= bw["er_multiplier"] <= pooled.high
    top = r.pooled_best(k=1).iloc[0]
    assert (top["weekday"], top["hour_block"]) == (bw["weekday"], block)


def test_no_posts_gives_an_empty_grid_and_a_reason():
    df = _frame([]).astype({"weekday": "int64", "engagements_public": "float64",
                            "reach": "int64"})
    r = post_timing(df)
    assert r.best_windows().empty
    f = r.to_findings("t")
    assert [x.key for x in f] == ["t.best.all"] and f[0].value is None
