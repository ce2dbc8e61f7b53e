"""Forecasts: series built by hand, simulated intervals match statsmodels' analytic ones,
backtest coverage on the demo follower series, KPI chances, thin data said so."""
from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis.forecast import (MIN_HISTORY, backtest, daily_series, forecast,
                                      simulate_paths)
from smm_nb.model.config import parse_config
from smm_nb.model.workspace import load_client


def _daily(days=200, gains=10.0, losses=2.0, seed=1, platform="instagram", start=1000):
    rng = np.random.default_rng(seed)
    g = rng.poisson(gains, days)
    lo = rng.poisson(losses, days)
    dates = pd.date_range("2026-01-01", periods=days, freq="D")
    reach = (5000 * np.exp(rng.normal(0, 0.2, days)) * np.where(dates.day_of_week >= 5, 1.3, 1)
             ).round()
    return pd.DataFrame({"platform": platform, "date": dates,
                         "followers": start + np.cumsum(g - lo), "follower_gains": g,
                         "follower_losses": lo, "reach": reach, "impressions": reach * 1.5})


def _config(kpis):
    return parse_config({"name": "T", "slug": "t", "timezone": "UTC", "currency": "EUR",
                         "platforms": {"instagram": {"handle": "@t"}},
                         "phases": {"launch_start": "2026-01-01"}, "kpis": kpis})


def test_daily_series_by_hand():
    d = _daily(10)
    s = daily_series(d, "instagram", "net_adds")
    assert s.tolist() == (d["follower_gains"] - d["follower_losses"]).tolist()
    d2 = d.assign(follower_gains=pd.NA, follower_losses=pd.NA).drop(index=4)
    s2 = daily_series(d2, "instagram", "net_adds")
    assert len(s2) == 10 and np.isnan(s2.iloc[4])  # the calendar is complete, gaps stay gaps
    assert s2.iloc[2] == d["followers"].iloc[2] - d["followers"].iloc[1]


def test_simulated_intervals_match_statsmodels_analytic_forecast():
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    y = daily_series(_daily(200), "instagram", "net_adds")
    paths = simulate_paths(y, 30, 4000, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = UnobservedComponents(y.iloc[-182:].to_numpy(float), level="local linear trend",
                                      seasonal=7, stochastic_seasonal=False).fit(disp=False)
    fc = direct.get_forecast(30)
    ci = fc.conf_int(alpha=0.2)
    assert np.median(paths, axis=1) == pytest.approx(fc.predicted_mean, abs=0.35)
    assert np.quantile(paths, 0.1, axis=1) == pytest.approx(ci[:, 0], abs=0.6)
    assert np.quantile(paths, 0.9, axis=1) == pytest.approx(ci[:, 1], abs=0.6)


def test_forecast_centre_and_kpi_chances():
    d = _daily(200, gains=10, losses=2)
    last = d["date"].max()
    by = (last + pd.Timedelta(days=60)).date().isoformat()
    now = int(d["followers"].iloc[-1])
    cfg = _config([
        {"metric": "followers", "target": now + 300, "platform": "instagram", "by": by},
        {"metric": "followers", "target": now + 800, "platform": "instagram", "by": by},
        {"metric": "followers", "target": now + 800, "platform": "instagram", "by": by,
         "direction": "at_most"},
        {"metric": "followers", "target": 5, "platform": "instagram"},
        {"metric": "er_reach", "target": 0.05}])
    r = forecast(d, cfg, horizon=60, repetitions=500, backtest_origins=2)
    fol = r.get("instagram", "followers")
    med, lo80, hi80, lo95, hi95 = fol.total
    assert lo95 < lo80 < med < hi80 < hi95
    assert med == pytest.approx(now + 60 * 8, rel=0.03)  # 8 net adds a day
    adds = r.get("instagram", "net_adds").forecast
    assert len(adds) == 60 and (adds["lo80"] <= adds["median"]).all()
    p = [k.probability for k in r.kpis]
    assert p[0] > 0.95 and p[1] < 0.05 and p[2] == pytest.approx(1 - p[1])
    assert p[3] is None and "no date" in r.kpis[3].reason
    assert len(r.kpis) == 4  # only follower KPIs
    reach = r.get("instagram", "reach")
    assert reach.total[0] == pytest.approx(60 * 5000 * 1.09 * 1.02, rel=0.15)
    keys = {f.key for f in r.to_findings("forecast")}
    assert "forecast.instagram.followers" in keys and "forecast.instagram.reach" in keys
    assert f"forecast.kpi.followers.instagram.{by.replace('-', '')}" in keys
    assert "forecast.backtest.instagram.net_adds.coverage80" in keys


def test_short_history_is_insufficient():
    r = forecast(_daily(30), _config([{"metric": "followers", "target": 2000,
                                       "platform": "instagram", "by": "2026-06-01"}]))
    assert all(s.total is None and str(MIN_HISTORY) in s.reason for s in r.series)
    assert r.backtests == () and r.kpis[0].probability is None
    f = r.to_findings("forecast")
    assert f and all(x.value is None for x in f)


@pytest.mark.parametrize("slug", ["nordwind-shop", "ledgerline"])
def test_backtest_coverage_of_80_percent_interval_on_demo_followers(demo_data_dir, slug):
    ws = load_client(slug, demo_data_dir)
    runs = []
    for plat in ws.account_daily["platform"].unique():
        s = daily_series(ws.account_daily, plat, "net_adds")
        level = daily_series(ws.account_daily, plat, "followers")
        runs += backtest(s, plat, "net_adds", origins=6, seed=1, level=level)
    for metric in ("net_adds", "followers"):
        bts = [b for b in runs if b.metric == metric]
        n = sum(b.n_points for b in bts)
        cov = sum(b.coverage80 * b.n_points for b in bts) / n
        assert 0.70 <= cov <= 0.90, (slug, metric, cov)
        assert sum(b.mae_model * b.n_points for b in bts) < \
            sum(b.mae_naive * b.n_points for b in bts)


def test_demo_forecast_runs_and_says_what_it_cannot(demo_data_dir):
    ws = load_client("kahve-kosesi", demo_data_dir)
    r = forecast(ws.account_daily, ws.config, repetitions=300, backtest_origins=2)
    fb = r.get("facebook", "followers")
    assert fb.total is None and "days" in fb.reason  # six weeks of Facebook only
    ig = r.get("instagram", "followers")
    assert ig.total is not None and r.start == dt.date(2026, 11, 20)
    (kpi,) = r.kpis
    assert kpi.platform == "instagram" and 0 <= kpi.probability <= 1
