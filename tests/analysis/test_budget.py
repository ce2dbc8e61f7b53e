"""Budget: curve fit against a direct likelihood maximisation, the optimal split against
a brute-force search, planted ledgerline curves recovered, no spend said so."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from smm_nb.analysis.budget import (_negll, _score_info, _water_fill, daily_outcome, fit_curve, fit_curves,
                                    optimise_budget)
from smm_nb.demo import PLANTED
from smm_nb.model.workspace import load_client


def _tables(rng, curves, days=300):
    dates = pd.date_range("2025-01-01", periods=days, freq="D")
    spend, conv = [], []
    for plat, (a, b, mean) in curves.items():
        s = (mean * rng.lognormal(0, 0.6, days) * (rng.random(days) > 0.1)).round(2)
        y = rng.poisson(a * np.log1p(s / b))
        spend.append(pd.DataFrame({"date": dates, "platform": plat, "campaign": "c1",
                                   "spend": s}))
        conv.append(pd.DataFrame({"date": dates, "platform": plat, "campaign": "c1",
                                  "conversions": y.astype(float)}))
    return pd.concat(spend, ignore_index=True), pd.concat(conv, ignore_index=True)


def test_fit_matches_direct_poisson_likelihood(rng):
    s = rng.lognormal(4, 0.7, 400)
    y = rng.poisson(0.5 + 5 * np.log1p(s / 60))
    c, a, b = fit_curve(s, y)

    def nll(p):
        mu = p[0] + p[1] * np.log1p(s / p[2])
        return -(y * np.log(mu) - mu).sum()

    direct = optimize.minimize(nll, [1, 4, 50], method="Nelder-Mead",
                               options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 20000}).x
    assert nll([c, a, b]) <= nll(direct) + 1e-6
    assert [c, a, b] == pytest.approx(direct, rel=0.02)


def test_daily_outcome_sums_campaigns():
    sp = pd.DataFrame({"date": ["2025-01-01"] * 2 + ["2025-01-02"], "platform": "x",
                       "campaign": ["a", "b", "a"], "spend": [10.0, 5.0, 7.0],
                       "clicks": [3, 4, 5]})
    cv = pd.DataFrame({"date": ["2025-01-01", "2025-01-01"], "platform": "x",
                       "campaign": ["a", "b"], "conversions": [1.0, 2.0]})
    d = daily_outcome(sp, cv)
    assert d["spend"].tolist() == [15.0] and d["y"].tolist() == [3.0]  # day 2: no conversions
    assert daily_outcome(sp, None, "clicks")["y"].tolist() == [7.0, 5.0]


def test_water_filling_matches_brute_force():
    a, b = np.array([6.0, 1.5, 3.0]), np.array([150.0, 80.0, 200.0])
    cur = np.array([300.0, 60.0, 100.0])
    lo, hi = cur * 0.7, cur * 1.3
    best = _water_fill(a, b, lo, hi, cur.sum())
    assert best.sum() == pytest.approx(cur.sum())
    f = lambda s: (a * np.log1p(s / b)).sum()  # noqa: E731
    grid = [np.linspace(l, h, 61) for l, h in zip(lo[:2], hi[:2])]
    brute = max((f(np.array([x, y, cur.sum() - x - y])), x, y)
                for x, y in itertools.product(*grid) if lo[2] <= cur.sum() - x - y <= hi[2])
    assert f(best) >= brute[0] - 1e-9


def test_batched_bootstrap_fits_reach_the_one_by_one_optimum(rng):
    s = rng.lognormal(4, 0.7, 200) * (rng.random(200) > 0.1)
    y = rng.poisson(0.3 + 4 * np.log1p(s / 60))
    est = fit_curve(s, y)
    w = rng.multinomial(len(y), np.full(len(y), 1 / len(y)), size=40)
    batch = fit_curves(s, y, w, np.log(est))
    for wi, p in zip(w, batch):
        one = fit_curve(s, y, wi, np.log(est))
        # at least as high a likelihood as the scalar optimiser, and the same point
        assert _negll(np.log(p), s, y, wi)[0] <= _negll(np.log(one), s, y, wi)[0] + 1e-6
        assert p[1:] == pytest.approx(one[1:], rel=1e-2)


def test_score_and_information_equal_the_jacobian_form(rng):
    s = rng.lognormal(4, 0.7, 150) * (rng.random(150) > 0.1)
    y = rng.poisson(0.3 + 4 * np.log1p(s / 60)).astype(float)
    w = rng.multinomial(150, np.full(150, 1 / 150), size=7).astype(float)
    c, a, b = (rng.uniform(0.2, 3, (7, 1)) for _ in range(3))
    b = b * 50
    lg = np.log1p(s / b)
    mu = c + a * lg
    jac = np.stack([np.broadcast_to(c, mu.shape), a * lg, -a * s / (b + s)], axis=2)
    score = (jac * (w * (y / mu - 1.0))[:, :, None]).sum(axis=1)
    info = np.matmul((jac * (w / mu)[:, :, None]).transpose(0, 2, 1), jac)
    got_s, got_i = _score_info(c, a, lg, s / (b + s), mu, w, y)
    np.testing.assert_allclose(got_s, score, rtol=1e-12, atol=1e-12 * np.abs(score).max())
    np.testing.assert_allclose(got_i, info, rtol=1e-12)


def test_batched_fits_in_blocks_equal_one_pass(rng):
    s = rng.lognormal(4, 0.7, 120) * (rng.random(120) > 0.1)
    y = rng.poisson(0.3 + 4 * np.log1p(s / 60))
    w = rng.multinomial(len(y), np.full(len(y), 1 / len(y)), size=50)
    start = np.log(fit_curve(s, y))
    one = fit_curves(s, y, w, start, block=10 ** 9)
    for block in (1, 7 * 120, 3000):  # one row, seven rows, uneven blocks
        assert np.array_equal(fit_curves(s, y, w, start, block=block), one)


def test_water_filling_of_many_draws_at_once_matches_one_by_one():
    gen = np.random.default_rng(5)
    a, b = gen.uniform(1, 6, (20, 3)), gen.uniform(50, 250, (20, 3))
    cur = np.array([300.0, 60.0, 100.0])
    lo, hi = cur * 0.7, cur * 1.3
    many = _water_fill(a, b, lo, hi, cur.sum())
    one = np.array([_water_fill(a[i], b[i], lo, hi, cur.sum()) for i in range(20)])
    assert many == pytest.approx(one)
    loose = _water_fill(a, b, lo, hi, 10 * cur.sum())  # the total exceeds every upper bound
    assert loose == pytest.approx(np.tile(hi, (20, 1)))


def test_planted_curves_recovered_and_split_moves_to_the_best_margin(rng):
    curves = {"linkedin": (6.0, 150.0, 300.0), "x": (1.5, 80.0, 60.0),
              "youtube": (3.0, 200.0, 100.0)}
    sp, cv = _tables(rng, curves, days=500)
    r = optimise_budget(sp, cv, currency="USD", n_boot=150)
    for plat, (a, b, _m) in curves.items():
        c = r.curve(plat)
        assert c.ci["a"][0] <= a <= c.ci["a"][1] and c.ci["b"][0] <= b <= c.ci["b"][1]
    # marginal returns a/(b+s) at today's spend: linkedin highest, so it gains budget
    row = r.split.set_index("platform")
    assert row.loc["linkedin", "proposed"] > row.loc["linkedin", "current"]
    assert row["proposed"].sum() == pytest.approx(row["current"].sum())
    assert ((row["change"] >= -0.3 - 1e-9) & (row["change"] <= 0.3 + 1e-9)).all()
    g, lo, hi = r.gain
    assert lo <= g <= hi and 0 <= r.prob_gain <= 1
    band = r.curve("x").band(np.array([0.0, 50.0, 200.0]))
    assert (band["low"] <= band["expected"]).all() and (band["expected"] <= band["high"]).all()
    keys = {f.key for f in r.to_findings("budget")}
    assert {"budget.gain_per_day", "budget.prob_gain", "budget.linkedin.marginal_per_100",
            "budget.x.proposed_daily_spend"} <= keys


def test_demo_ledgerline_planted_spend_response_recovered(demo_data_dir):
    ws = load_client("ledgerline", demo_data_dir)
    r = optimise_budget(ws.spend, ws.conversions, currency="USD", n_boot=200)
    planted = PLANTED["spend_response"]
    for plat in ("linkedin", "x", "youtube"):
        c = r.curve(plat)
        for k in ("a", "b"):
            low, high = c.ci[k]
            assert low <= planted[plat][k] <= high, (plat, k, planted[plat][k], low, high)
    assert r.ok and "observational" in r.note


def test_no_spend_and_thin_spend_say_so(rng):
    r = optimise_budget(pd.DataFrame(), None)
    assert not r.ok and r.reason == "no spend data"
    assert r.to_findings("budget")[0].value is None
    sp, cv = _tables(rng, {"instagram": (5.0, 60.0, 80.0)}, days=20)
    r2 = optimise_budget(sp, cv)
    assert "20 days" in r2.curve("instagram").reason and not r2.ok
