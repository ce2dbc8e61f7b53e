"""Power and minimum detectable lift: closed forms, monotonicity, dispersion recovery.

The check against simulated power lives in test_experiments.py, beside the analysis
whose power it predicts."""
import math

import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis.power import (estimate_dispersion, info_per_post, min_detectable_lift,
                                   plan_tests, posts_needed, power_for_lift)


def test_info_per_post_caps_at_one_over_dispersion():
    assert info_per_post(1e9, 0.25) == pytest.approx(4.0, rel=1e-6)
    assert info_per_post(50.0, 0.0) == pytest.approx(50.0)  # Poisson: every event counts
    assert math.isnan(info_per_post(np.array([np.nan, 0.0]), 0.25))


def test_mde_power_and_posts_needed_agree():
    info = 3.5
    mde = min_detectable_lift(40, info)
    assert power_for_lift(mde, 40, 40, info) == pytest.approx(0.8, abs=0.01)
    n = posts_needed(mde, info)
    assert 38 <= n <= 42
    assert power_for_lift(1.2, 200, 200, info) > power_for_lift(1.2, 50, 50, info)
    assert min_detectable_lift(100, info) < min_detectable_lift(25, info)
    assert posts_needed(1.0, info) is None


def test_dispersion_recovered_from_simulated_posts(rng):
    n = 400
    reach = rng.integers(500, 5000, n).astype(float)
    y = rng.poisson(reach * 0.05 * rng.gamma(4.0, 0.25, n))
    d = estimate_dispersion(y, reach)
    assert d.rate == pytest.approx(0.05, rel=0.08)
    assert d.dispersion == pytest.approx(0.25, abs=0.06)
    assert math.isnan(estimate_dispersion(y[:3], reach[:3]).dispersion)


def test_plan_tests_per_platform(rng):
    n = 60
    posts = pd.DataFrame({
        "platform": ["instagram"] * n,
        "published_at": pd.date_range("2026-01-01", periods=n, freq="14h", tz="Europe/Berlin"),
        "reach": pd.array(rng.integers(800, 3000, n), dtype="Int64"),
    })
    posts["engagements_public"] = rng.poisson(posts["reach"].astype(float) * 0.05
                                              * rng.gamma(4.0, 0.25, n)).astype(float)
    plan = plan_tests(posts, "er_reach", weeks=8)
    row = plan.frame.iloc[0]
    # 60 posts in 35 days = 12/week; 8 weeks over two arms = 48 per arm
    assert row.posts_per_week == pytest.approx(12.0, rel=0.05)
    assert row.posts_per_arm == pytest.approx(48, rel=0.05)
    assert 1.1 < row.min_detectable_lift < 1.6
    f = plan.to_findings("targets")[0]
    assert f.key == "targets.min_detectable_lift.instagram" and f.unit == "rate_ratio"


def test_large_samples_reach_the_same_nb2_maximum_by_newton():
    import statsmodels.api as sm

    from smm_nb.analysis import power as P

    rng = np.random.default_rng(0)
    n = P.LARGE_N + 3000
    e = rng.gamma(2, 300, n) + 1
    y = rng.negative_binomial(1.5, 1.5 / (1.5 + e * 0.03)).astype(float)
    fast = P.estimate_dispersion(y, e)
    ref = sm.NegativeBinomial(y, np.ones((n, 1)), exposure=e).fit(disp=0, maxiter=200)
    assert fast.method.startswith("negative binomial")
    assert fast.rate == pytest.approx(np.exp(ref.params[0]), rel=1e-4)
    assert fast.dispersion == pytest.approx(ref.params[-1], rel=1e-4)
