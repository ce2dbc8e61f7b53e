"""Presence, activity, growth, top posts and trends against hand computations."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis import audit as A
from smm_nb.model.config import ClientConfig


def _config(platforms=("instagram", "facebook")) -> ClientConfig:
    return ClientConfig.model_validate({
        "name": "T", "slug": "t", "timezone": "Europe/Berlin", "currency": "EUR",
        "language": "en", "platforms": {p: {"handle": f"@{p}"} for p in platforms},
        "phases": {"launch_start": "2026-01-01"}})


def _posts(times, platform="instagram", tz="Europe/Berlin"):
    t = pd.to_datetime(pd.Series(times)).dt.tz_localize(tz)
    return pd.DataFrame({"platform": platform, "post_id": [f"p{i}" for i in range(len(t))],
                         "published_at": t})


def test_presence_flags_missing_stale_and_unconfigured():
    posts = pd.concat([_posts(["2026-03-01 10:00", "2026-03-20 10:00"]),
                       _posts(["2026-02-01 10:00"], platform="x")], ignore_index=True)
    daily = pd.DataFrame({"platform": ["instagram"], "date": pd.to_datetime(["2026-03-21"])})
    pr = A.presence(_config(), {"posts": posts, "account_daily": daily}, stale_days=14)
    st = dict(zip(pr.frame["platform"], pr.frame["status"]))
    assert st == {"instagram": "ok", "facebook": "no data", "x": "not configured"}
    assert pr.frame.set_index("platform").loc["instagram", "days_since"] == 0
    pr2 = A.presence(_config(("instagram", "x")), {"posts": posts, "account_daily": daily})
    assert pr2.status("x") == "stale"
    assert "48 days old" in pr2.frame.set_index("platform").loc["x", "reason"]
    f = {x.key: x.value for x in pr.to_findings("audit.presence")}
    assert f["audit.presence.problems"] == 2


def test_activity_by_hand():
    # Mon 2 Mar, Tue 3 Mar, then nothing until Mon 23 Mar; end Sun 29 Mar: 4 weeks
    posts = _posts(["2026-03-02 09:00", "2026-03-03 09:00", "2026-03-23 09:00"])
    a = A.activity(posts, as_of=pd.Timestamp("2026-03-29"))
    r = a.frame.iloc[0]
    assert r["weeks"] == 4 and r["empty_weeks"] == 2
    assert r["posts_per_week"] == pytest.approx(3 / 4)
    assert r["longest_gap_days"] == 20 and r["gaps_over_week"] == 1
    assert list(a.weekly["posts"]) == [2, 0, 0, 1]


def test_growth_by_hand():
    dates = pd.date_range("2025-01-01", "2026-03-15", freq="D")
    followers = 1000 + np.arange(len(dates)) * 2  # +2 a day
    daily = pd.DataFrame({"platform": "instagram", "date": dates,
                          "followers": pd.array(followers, dtype="Int64")})
    g = A.growth(daily)
    m = g.monthly.set_index("month")
    feb = m.loc[pd.Period("2026-02")]
    assert feb["net"] == 28 * 2
    assert feb["growth_pct"] == pytest.approx(56 / m.loc[pd.Period("2026-01"), "followers"])
    assert not m.loc[pd.Period("2026-03"), "complete"]
    r = g.frame.iloc[0]
    assert r["months"] == 14  # Jan 2025 .. Feb 2026 complete
    last12 = m[m["complete"]].tail(12)["growth_pct"].mean()
    assert r["recent_growth_pct"] == pytest.approx(last12)
    assert np.isfinite(r["before_growth_pct"])
    short = A.growth(daily[daily["date"] >= "2026-03-01"])
    assert short.to_findings("g")[0].value is None


def test_top_posts_skip_tiny_denominators_and_keep_text():
    posts = _posts(["2026-03-02 09:00"] * 5)
    posts["post_id"] = [f"p{i}" for i in range(5)]
    posts["format"] = "image"
    posts["text"] = ["<b>a</b>", "b", "c", "d", "e"]
    posts["reach"] = pd.array([1000, 1000, 1000, 1000, 5], dtype="Int64")
    posts["engagements_public"] = pd.array([50, 10, 30, 20, 5], dtype="Float64")
    posts["er_reach"] = posts["engagements_public"].astype(float) / posts["reach"].astype(float)
    tp = A.top_posts(posts, k=2, min_denominator=50)
    top = tp.frame[tp.frame["which"] == "top"]
    assert list(top["rate"]) == [0.05, 0.03]
    assert top.iloc[0]["text"] == "<b>a</b>"  # raw here; escaped by show()
    assert tp.frame[tp.frame["which"] == "bottom"].iloc[0]["rate"] == 0.01


def test_monthly_trend_recovers_a_planted_slope(rng):
    months = np.repeat(np.arange(12), 30)
    reach = rng.integers(500, 2000, len(months))
    eng = rng.poisson(reach * 0.05 * 1.03 ** months * rng.gamma(4, 0.25, len(months)))
    start = pd.Timestamp("2025-01-01")
    t = pd.Series([start + pd.DateOffset(months=int(m)) + pd.Timedelta(days=int(d))
                   for m, d in zip(months, rng.integers(0, 27, len(months)))])
    posts = pd.DataFrame({"platform": "instagram", "engagements_public": eng.astype(float),
                          "reach": reach, "month": t.dt.to_period("M")})
    tr = A.monthly_trend(posts, basis="reach", n_boot=100)
    s = tr.slopes.iloc[0]
    assert s["low"] <= 0.03 <= s["high"]
    assert len(tr.frame) == 12


def test_trend_of_a_large_platform_is_the_monthly_quasi_poisson_slope(monkeypatch):
    import statsmodels.api as sm

    from smm_nb.analysis import metrics as M

    rng = np.random.default_rng(2)
    x = rng.integers(0, 12, 3000).astype(float)
    den = rng.gamma(2, 300, 3000) + 1
    num = rng.negative_binomial(2, 2 / (2 + den * 0.03 * 1.02 ** x)).astype(float)
    monkeypatch.setattr(M, "LARGE_N", 1000)
    slope, lo, hi = A._log_slope(num, den, x)
    ref = sm.GLM(num, sm.add_constant(x), family=sm.families.Poisson(),
                 offset=np.log(den)).fit(cov_type="HC0")
    assert slope == pytest.approx(ref.params[1], rel=1e-8)
    assert (hi - lo) / 2 == pytest.approx(1.959964 * ref.bse[1], rel=1e-3)
    assert lo < np.log(1.02) < hi
