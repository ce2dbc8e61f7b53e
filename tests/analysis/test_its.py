"""Interrupted time series: the AR(1) regression against statsmodels SARIMAX, interval
coverage by simulation, and recovery of the demo's planted launch shift."""
import datetime as dt
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from smm_nb.analysis.its import (Event, ar1_gls, events_from_config, fit_its,
                                 interrupted_time_series, its_text)
from smm_nb.demo import PLANTED
from smm_nb.model.workspace import load_client


def _series(rng, n=112, t0=70, level=1.0, phi=0.5):
    days = pd.date_range("2026-01-01", periods=n)
    ar = np.zeros(n)
    eps = rng.normal(0, 0.15, n)
    for i in range(1, n):
        ar[i] = phi * ar[i - 1] + eps[i]
    week = np.array([1, 1, 1, 1, 1, 1.3, 1.3])[days.day_of_week]
    mean = 500 * np.exp(ar + 0.002 * np.arange(n)) * week * np.where(np.arange(n) >= t0, level, 1)
    return pd.DataFrame({"platform": "instagram", "date": days,
                         "reach": pd.array(rng.poisson(mean), dtype="Int64")}), days[t0].date()


def test_ar1_gls_matches_sarimax(rng):
    n = 120
    X = np.column_stack([np.ones(n), np.arange(n) / 7, (np.arange(n) >= 60).astype(float)])
    e = np.zeros(n)
    for i in range(1, n):
        e[i] = 0.6 * e[i - 1] + rng.normal(0, 0.2)
    y = X @ [5.0, 0.02, 0.7] + e
    params, bse, rho = ar1_gls(y, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.tsa.SARIMAX(y, exog=X, order=(1, 0, 0), trend="n").fit(disp=0)
    np.testing.assert_allclose(params, fit.params[:3], rtol=2e-3, atol=2e-3)
    assert rho == pytest.approx(fit.params[3], abs=5e-3)
    # standard errors: GLS with the AR(1) error covariance at that rho (statsmodels
    # divides by n - k; ar1_gls by n - k - 1 because rho is estimated as well)
    from scipy.linalg import toeplitz
    gls = sm.GLS(y, X, sigma=toeplitz(rho ** np.arange(n))).fit()
    np.testing.assert_allclose(params, gls.params, rtol=1e-8)
    np.testing.assert_allclose(bse, gls.bse * math.sqrt((n - 3) / (n - 4)), rtol=1e-6)


def test_missing_days_are_handled_as_gaps(rng):
    n = 100
    days = np.sort(rng.choice(130, n, replace=False))
    X = np.column_stack([np.ones(n), days / 7, (days >= 60).astype(float)])
    y = X @ [3.0, 0.01, 0.5] + rng.normal(0, 0.2, n)
    params, bse, rho = ar1_gls(y, X, days)
    # GLS with the AR(1) covariance on the irregular days: rho ** |d_i - d_j|
    gls = sm.GLS(y, X, sigma=rho ** np.abs(days[:, None] - days[None, :])).fit()
    np.testing.assert_allclose(params, gls.params, rtol=1e-6)
    np.testing.assert_allclose(bse, gls.bse * math.sqrt((n - 3) / (n - 4)), rtol=1e-5)


def test_level_shift_recovered_and_null_mostly_not_significant(rng):
    d, t0 = _series(rng, level=2.0)
    e = fit_its(d, "reach", Event("launch", t0, "launch"), "instagram")
    assert e.level_low <= 2.0 <= e.level_high and e.significant
    assert set(e.series.columns) == {"date", "observed", "fitted", "counterfactual"}
    false = 0
    for _ in range(40):
        d, t0 = _series(rng)
        false += fit_its(d, "reach", Event("launch", t0, "launch"), "instagram").significant
    assert false <= 5  # 5 % of 40 is 2; the full check (94 % coverage, 1000 runs) is in its.py


def test_too_short_or_no_before(rng):
    d, _ = _series(rng, n=30, t0=10)
    short = fit_its(d, "reach", Event("launch", dt.date(2026, 1, 25), "launch"), "instagram")
    assert not short.estimated and "insufficient data" in short.reason
    none = fit_its(d, "reach", Event("launch", dt.date(2026, 1, 1), "launch"), "instagram")
    assert none.n_before == 0 and "no daily data before" in none.reason
    assert "cannot be measured" in its_text(none)


def test_demo_launch_shift_recovered(demo_data_dir):
    ws = load_client("kahve-kosesi", demo_data_dir)
    res = interrupted_time_series(ws.account_daily, ws.config)
    ig = res.effect("launch", "reach", "instagram")
    planted = PLANTED["launch_level_shift"]["ratio"]
    assert ig.level_low <= planted <= ig.level_high
    assert ig.n_before == 70  # ten weeks of Instagram data before the launch
    fb = res.effect("launch", "reach", "facebook")
    assert not fb.estimated and fb.n_before == 0
    findings = {f.key: f for f in res.to_findings("its")}
    assert findings["its.launch.reach.instagram"].low <= planted
    assert findings["its.launch.reach.facebook"].value is None
    assert "its.launch.reach_mde.instagram" in findings


def test_plan_changes_are_events(demo_data_dir):
    ws = load_client("nordwind-shop", demo_data_dir)
    ev = events_from_config(ws.config)
    assert [e.key for e in ev] == ["launch", "change_20260601"]
    res = interrupted_time_series(ws.account_daily, ws.config)
    ch = res.effect("change_20260601", "reach", "instagram")
    assert ch.estimated and ch.min_detectable_ratio > 1
    assert not any(e.platform == "tiktok" and e.event.key != "launch" for e in res.effects)
    if not ch.significant:
        assert "no measurable change yet" in its_text(ch)
