"""Experiments: the NB2 rate ratio against statsmodels, its error rates by simulation,
and recovery of the demo's planted effects."""
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from smm_nb.analysis.experiments import (analyze_experiment, analyze_experiments,
                                         balance_check, naive_z_test, rate_ratio,
                                         verdict_text, welch_lift)
from smm_nb.analysis.power import info_per_post, power_for_lift
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.demo import PLANTED
from smm_nb.model.config import Experiment
from smm_nb.model.workspace import load_client

DISPERSION = 0.25  # per-post CV 0.5, as in the demo


def simulate(rng, n: int, lift: float, dispersion: float = DISPERSION, rate: float = 0.05):
    """Two arms of ``n`` posts: reach varies, engagements are Poisson-gamma (NB2)."""
    reach = rng.poisson(rng.lognormal(math.log(1500), 0.5, 2 * n)).clip(1).astype(float)
    treated = np.r_[np.zeros(n, bool), np.ones(n, bool)]
    mu = reach * rate * np.where(treated, lift, 1.0)
    y = rng.poisson(mu * rng.gamma(1 / dispersion, dispersion, 2 * n)).astype(float)
    return y, reach, treated


def test_rate_ratio_matches_direct_statsmodels_fit(rng):
    y, reach, treated = simulate(rng, 40, 1.3)
    rr = rate_ratio(y, reach, treated)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.NegativeBinomial(y, sm.add_constant(treated.astype(float)),
                                  exposure=reach).fit(disp=0)
    assert rr.estimate == pytest.approx(math.exp(fit.params[1]), rel=1e-6)
    assert rr.se_log == pytest.approx(fit.bse[1], rel=1e-6)
    assert rr.dispersion == pytest.approx(fit.params[-1], rel=1e-6)
    assert rr.low < rr.estimate < rr.high
    # NB2 GLM with the dispersion fixed at the ML value gives the same coefficient
    glm = sm.GLM(y, sm.add_constant(treated.astype(float)),
                 family=sm.families.NegativeBinomial(alpha=fit.params[-1]),
                 exposure=reach).fit()
    assert rr.estimate == pytest.approx(math.exp(glm.params[1]), rel=1e-4)


def test_welch_and_naive_cross_checks(rng):
    y, reach, treated = simulate(rng, 40, 1.0)
    r = y / reach
    w = welch_lift(r[~treated], r[treated])
    from scipy import stats
    assert w.p_value == pytest.approx(stats.ttest_ind(r[treated], r[~treated],
                                                      equal_var=False).pvalue)
    assert w.lift == pytest.approx(r[treated].mean() / r[~treated].mean())
    # the naive z-test of a 2x2 table equals the chi-square test without correction
    p = naive_z_test(y[~treated], reach[~treated], y[treated], reach[treated])
    a, b = y[~treated].sum(), y[treated].sum()
    table = [[a, reach[~treated].sum() - a], [b, reach[treated].sum() - b]]
    assert p == pytest.approx(stats.chi2_contingency(table, correction=False)[1], rel=1e-6)


def test_no_effect_rejects_at_nominal_rate_while_naive_z_test_does_not(rng):
    n_sim, rej, rej_naive = 300, 0, 0
    for _ in range(n_sim):
        y, reach, treated = simulate(rng, 30, 1.0)
        rej += rate_ratio(y, reach, treated).p_value < 0.05
        rej_naive += naive_z_test(y[~treated], reach[~treated], y[treated],
                                  reach[treated]) < 0.05
    assert 0.03 <= rej / n_sim <= 0.07
    assert rej_naive / n_sim > 0.3  # per-impression "significance" is mostly noise


def test_interval_coverage_and_power_match_simulation(rng):
    n_sim, n, lift = 400, 40, 1.3
    cover = reject = 0
    infos = []
    for _ in range(n_sim):
        y, reach, treated = simulate(rng, n, lift)
        rr = rate_ratio(y, reach, treated)
        cover += rr.low <= lift <= rr.high
        reject += rr.p_value < 0.05
        infos.append(info_per_post(reach[~treated] * 0.05, DISPERSION))
    assert cover / n_sim >= 0.92
    predicted = power_for_lift(lift, n, n, float(np.mean(infos)))
    assert abs(reject / n_sim - predicted) < 0.05, (reject / n_sim, predicted)


def _toy_posts(rng, n=30, lift=1.0):
    y, reach, treated = simulate(rng, n, lift)
    ts = pd.Series(pd.date_range("2026-06-01 09:00", periods=2 * n, freq="19h",
                                 tz="Europe/Berlin")).sample(frac=1, random_state=1).to_numpy()
    df = pd.DataFrame({
        "platform": "instagram", "post_id": [f"p{i}" for i in range(2 * n)],
        "published_at": ts, "format": "reel", "paid": False,
        "reach": pd.array(reach.astype(int), dtype="Int64"),
        "engagements_public": y, "experiment": "t1",
        "arm": np.where(treated, "b", "a"), "category": "x",
    })
    local = df["published_at"].dt.tz_localize(None)
    df["weekday"] = local.dt.day_of_week
    df["hour"] = local.dt.hour
    df["hour_block"] = pd.cut(df["hour"], [0, 12, 24], right=False).astype(str)
    return df


def _experiment(planned=30, sequential=False):
    return Experiment(name="t1", hypothesis="b beats a", platform="instagram",
                      assign_by="post_ids", arms=[{"name": "a", "post_ids": ["x"]},
                                                  {"name": "b", "post_ids": ["y"]}],
                      planned_posts_per_arm=planned, start="2026-06-01", end="2026-07-31",
                      sequential=sequential)


def test_verdicts_and_early_look(rng):
    big = analyze_experiment(_toy_posts(rng, 60, 1.8), _experiment(60))
    assert big.verdict == "winner" and big.winner == "b" and not big.early_look
    early = analyze_experiment(_toy_posts(rng, 20, 1.8), _experiment(60))
    assert early.early_look and early.verdict == "early_look"
    assert "early look" in verdict_text(early)
    seq = analyze_experiment(_toy_posts(rng, 20, 1.0), _experiment(60, sequential=True))
    assert not seq.early_look and seq.verdict in ("inconclusive", "no_difference")
    assert any("O'Brien-Fleming" in n for n in seq.notes)
    none = analyze_experiment(_toy_posts(rng, 2, 1.0), _experiment(2))
    assert none.verdict == "insufficient_data"
    keys = {f.key for f in none.to_findings("tests")}
    assert "tests.t1.lift" in keys
    assert next(f for f in none.to_findings("tests") if f.key == "tests.t1.lift").value is None


def test_obrien_fleming_spending():
    from smm_nb.analysis.experiments import obf_alpha
    assert obf_alpha(1.0) == pytest.approx(0.05)
    assert obf_alpha(0.5) == pytest.approx(0.0056, abs=2e-4)  # Lan-DeMets tables
    assert obf_alpha(0.25) < 1e-4


def test_balance_check_flags_a_confounded_arm(rng):
    df = _toy_posts(rng, 40)
    df.loc[df["arm"] == "b", "format"] = "image"
    shares, tests = balance_check(df)
    assert not tests.set_index("variable").loc["format", "balanced"]
    fmt = shares.loc[shares["variable"] == "format"].set_index("level")
    assert fmt.loc["reel", "a"] == 1.0 and fmt.loc["image", "b"] == 1.0


def test_demo_planted_effects_recovered(demo_data_dir):
    ws = load_client("nordwind-shop", demo_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    res = {r.name: r for r in analyze_experiments(posts, ws.config).results}
    hook = res["hook_first"]
    planted = PLANTED["experiments"]["nordwind-shop"]["hook_first"]
    p = hook.primary
    assert p["low"] <= planted <= p["high"]
    assert hook.n_per_arm == {"standard": 45, "hook_first": 45} and not hook.early_look
    assert 0.15 < hook.dispersion < 0.4  # planted 0.25
    ugc = res["ugc_vs_studio"]
    assert ugc.early_look and ugc.verdict == "early_look"
    assert max(ugc.n_per_arm.values()) < ugc.planned_per_arm
    assert ugc.primary["low"] <= 1.0 <= ugc.primary["high"]
    assert not hook.cuts.empty and hook.cuts["q_bh"].between(0, 1).all()


def test_no_experiments_says_so(edge_data_dir):
    ws = load_client("tiny-shop", edge_data_dir)
    res = analyze_experiments(prepare_posts(ws.posts, ws.account_daily, ws.config), ws.config)
    assert res.results == () and "no experiments" in res.reason
    assert res.to_findings("tests")[0].value == 0.0
