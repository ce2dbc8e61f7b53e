"""Engagement rates against hand computations, the bootstrap against scipy, rate ratios
against a direct statsmodels fit, and the planted reel/image lift."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis import metrics as M
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.demo import PLANTED
from smm_nb.errors import AnalysisError
from smm_nb.model.workspace import load_client


@pytest.fixture
def tiny() -> pd.DataFrame:
    return pd.DataFrame({
        "platform": ["instagram"] * 4 + ["x"] * 2,
        "engagements_public": pd.array([10, 30, 5, 8, 1, 3], dtype="Float64"),
        "reach": pd.array([100, 200, 50, pd.NA, 10, 60], dtype="Int64"),
        "impressions": pd.array([200, 300, 100, 80, 20, 0], dtype="Int64"),
        "followers_at_post": pd.array([1000, 1000, 1000, 1000, 500, 500], dtype="Int64"),
    })


def test_engagement_rates_by_hand(tiny):
    er = M.engagement_rates(tiny, statistics=("median", "mean", "ratio"), n_boot=200)
    # instagram by reach: post rates .10, .15, .10 (the post without reach is left out)
    assert er.get("reach", "median", platform="instagram").value == pytest.approx(0.10)
    assert er.get("reach", "mean", platform="instagram").value == pytest.approx(0.35 / 3)
    assert er.get("reach", "ratio", platform="instagram").value == pytest.approx(45 / 350)
    assert er.get("reach", "ratio", platform="instagram").n == 3
    # by impressions all four posts count: 10/200, 30/300, 5/100, 8/80
    assert er.get("impressions", "median", platform="instagram").value == pytest.approx(0.075)
    assert er.get("impressions", "ratio", platform="instagram").value == pytest.approx(53 / 680)
    # x: a zero denominator is not a rate
    assert er.get("impressions", "ratio", platform="x").value == pytest.approx(1 / 20)
    assert er.get("impressions", "ratio", platform="x").n == 1
    assert er.get("followers", "ratio", platform="x").value == pytest.approx(4 / 1000)
    # every row says which definition
    assert er.frame["definition"].str.contains("ratio of sums|median of post rates|mean").all()
    assert "reach" in M.definition("reach", "median")


def test_single_post_has_no_interval_and_findings_say_so(tiny):
    er = M.engagement_rates(tiny, bases=("impressions",), n_boot=100)
    one = er.get("impressions", "ratio", platform="x")
    assert np.isnan(one.low) and np.isnan(one.high)
    f = {x.key: x for x in er.to_findings("audit.engagement")}
    assert f["audit.engagement.er_impressions_ratio.x"].low is None


def test_bootstrap_is_seeded_and_matches_scipy(rng):
    num = rng.poisson(40, 300).astype(float)
    den = rng.poisson(900, 300).astype(float) + 1
    a = M.bootstrap_rates(num, den, ("median", "ratio"), n_boot=4000, rng=5)
    b = M.bootstrap_rates(num, den, ("median", "ratio"), n_boot=4000, rng=5)
    assert a == b
    from scipy import stats

    rates = num / den
    ref = stats.bootstrap((rates,), np.median, n_resamples=4000, method="percentile",
                          random_state=np.random.default_rng(9)).confidence_interval
    width = ref.high - ref.low
    assert a["median"].low == pytest.approx(ref.low, abs=0.25 * width)
    assert a["median"].high == pytest.approx(ref.high, abs=0.25 * width)
    ref_r = stats.bootstrap((num, den), lambda x, y: x.sum() / y.sum(), paired=True,
                            n_resamples=4000, method="percentile",
                            random_state=np.random.default_rng(9)).confidence_interval
    w = ref_r.high - ref_r.low
    assert a["ratio"].low == pytest.approx(ref_r.low, abs=0.25 * w)
    assert a["ratio"].high == pytest.approx(ref_r.high, abs=0.25 * w)


def test_median_in_index_space_equals_numpy(rng):
    for n in (7, 8):
        values = np.sort(rng.normal(size=n))
        idx = rng.integers(0, n, (50, n))
        assert np.allclose(M._median_from_indices(values, idx), np.median(values[idx], axis=1))


def test_unknown_basis_or_statistic_is_refused(tiny):
    with pytest.raises(AnalysisError):
        M.engagement_rates(tiny, bases=("views",))
    with pytest.raises(AnalysisError):
        M.engagement_rates(tiny, statistics=("mode",))
    with pytest.raises(AnalysisError, match="prepare_posts"):
        M.engagement_rates(tiny.drop(columns=["reach"]))


def _nb_frame(rng, n=400):
    fmt = rng.choice(["image", "reel", "carousel"], n)
    reach = rng.integers(200, 3000, n)
    mult = np.select([fmt == "reel", fmt == "carousel"], [1.6, 1.2], 1.0)
    eng = rng.poisson(reach * 0.04 * mult * rng.gamma(4, 0.25, n))
    return pd.DataFrame({"platform": "instagram", "format": fmt,
                         "engagements_public": eng.astype(float), "reach": reach,
                         "impressions": reach * 2, "followers_at_post": 5000})


def test_rate_ratio_matches_direct_statsmodels(rng):
    import statsmodels.api as sm

    df = _nb_frame(rng)
    rr = M.rate_ratios(df, by="format")
    X = sm.add_constant(pd.DataFrame({"carousel": (df["format"] == "carousel").astype(float),
                                      "reel": (df["format"] == "reel").astype(float)}))
    direct = sm.NegativeBinomial(df["engagements_public"], X, offset=np.log(df["reach"])) \
        .fit(disp=0, cov_type="HC1")
    reel = rr.get("instagram", "reel")
    assert reel["rate_ratio"] == pytest.approx(np.exp(direct.params["reel"]), rel=1e-4)
    ci = np.exp(direct.conf_int().loc["reel"])
    assert reel["low"] == pytest.approx(ci[0], rel=1e-3)
    assert reel["high"] == pytest.approx(ci[1], rel=1e-3)
    assert reel["low"] <= 1.6 <= reel["high"]
    assert reel["p_holm"] >= reel["p_value"]
    assert "negative binomial" in reel["method"]


def test_rate_ratio_thin_levels_are_insufficient(rng):
    df = _nb_frame(rng, 60)
    df.loc[df.index[:3], "format"] = "story"
    df = df[(df["format"] != "story") | (df.index < 3)]
    rr = M.rate_ratios(df, by="format", min_posts=5)
    story = rr.get("instagram", "story")
    assert story["status"].startswith("insufficient data")
    keys = {f.key: f.value for f in rr.to_findings("audit.format_lift")}
    assert keys["audit.format_lift.instagram.story"] is None


def test_planted_reel_lift_recovered(demo_data_dir):
    ws = load_client("nordwind-shop", demo_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    reel = M.rate_ratios(posts, by="format", basis="reach").get("instagram", "reel")
    assert reel["low"] <= PLANTED["format_er_lift"]["ratio"] <= reel["high"]


def test_large_groups_get_the_bootstraps_large_sample_interval(monkeypatch):
    """Above LARGE_N posts the intervals come without resampling; they must agree with
    the resampled percentile bootstrap within its Monte-Carlo spread."""
    rng = np.random.default_rng(3)
    n = M.LARGE_N + 1  # the smallest large group: where the two differ most
    den = rng.gamma(2, 500, n).round() + 1
    num = rng.negative_binomial(2, 2 / (2 + den * 0.04)).astype(float)
    stats = ("median", "mean", "ratio")
    fast = M.bootstrap_rates(num, den, stats, n_boot=2000, rng=1)
    monkeypatch.setattr(M, "LARGE_N", 10**9)
    boots = [M.bootstrap_rates(num, den, stats, n_boot=2000, rng=s) for s in range(4)]
    for s in stats:
        assert fast[s].value == boots[0][s].value and fast[s].n == n
        width = boots[0][s].high - boots[0][s].low
        for side in ("low", "high"):
            mc = np.array([getattr(b[s], side) for b in boots])
            # within the spread of the resampled bounds (+ 3% of the interval's width)
            assert abs(getattr(fast[s], side) - mc.mean()) <= 3 * mc.std() + 0.03 * width, \
                (s, side, getattr(fast[s], side), mc)


def test_poisson_cells_equal_a_row_level_glm():
    import statsmodels.api as sm

    rng = np.random.default_rng(0)
    n = 3000
    lev = rng.choice(["image", "reel", "video"], n)
    cov = rng.choice(["a", "b"], n)
    e = rng.gamma(2, 300, n) + 1
    mu = e * 0.04 * np.where(lev == "reel", 1.6, 1.0) * np.where(cov == "b", 0.8, 1)
    y = rng.negative_binomial(2, 2 / (2 + mu)).astype(float)
    dummies = pd.get_dummies(pd.Categorical(lev, ["image", "reel", "video"]), drop_first=True,
                             dtype=float).to_numpy()
    X = sm.add_constant(np.column_stack([dummies, (cov == "b").astype(float)]))
    ref = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(e)).fit(cov_type="HC0")
    fit = M.fit_poisson_cells(y, e, X)
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-8)
    # HC1 = HC0 x n / (n - k) (statsmodels' GLM leaves the factor out)
    np.testing.assert_allclose(fit.bse * np.sqrt((n - 4) / n), ref.bse, rtol=1e-8)
    z = fit.params / fit.bse
    assert np.all(fit.pvalues[np.abs(z) > 3] < 0.003)


def test_rate_ratios_of_a_large_platform_use_summed_cells(monkeypatch):
    rng = np.random.default_rng(1)
    n = 4000
    fmt = rng.choice(["image", "reel"], n)
    reach = rng.gamma(2, 400, n).round() + 1
    mu = reach * 0.03 * np.where(fmt == "reel", 1.6, 1.0)
    posts = pd.DataFrame({"platform": "instagram", "format": fmt,
                          "engagements_public": rng.negative_binomial(3, 3 / (3 + mu)),
                          "reach": reach})
    monkeypatch.setattr(M, "LARGE_N", 1000)
    rr = M.rate_ratios(posts, by="format", basis="reach").frame.iloc[0]
    assert rr["level"] == "reel" and rr["method"].startswith("Poisson quasi-likelihood")
    assert rr["low"] < 1.6 < rr["high"] and rr["high"] / rr["low"] < 1.25
    sums = posts.groupby("format")[["engagements_public", "reach"]].sum()
    rates = sums["engagements_public"] / sums["reach"]
    assert rr["rate_ratio"] == pytest.approx(rates["reel"] / rates["image"], rel=1e-9)


@pytest.mark.parametrize("levels, covs", [
    (["image", "reel", "image", "video", "reel", "image"], None),
    (["image", "reel", "image", "reel"], None),
    (["organic", "paid", "organic", "paid"], {"format": ["image", "reel", None, "image"]}),
    (["a", "b", "c", "a"], {"format": ["x", "y", "x", "z"], "hour_block": ["1", "1", "2", "2"]}),
])
def test_design_matrix_is_the_pandas_one_bit_for_bit(levels, covs):
    """The numpy design of fit_rate_model equals the get_dummies/add_constant one in values
    and in memory layout (a row-major copy moves the NB2 fit in the last bit)."""
    import statsmodels.api as sm

    ref = levels[0]
    cats = [ref] + sorted(set(levels) - {ref})
    parts = [pd.get_dummies(pd.Categorical(levels, categories=cats), drop_first=True,
                            dtype=float).to_numpy()]
    cov = pd.DataFrame(covs, dtype="string") if covs else None
    if cov is not None:
        parts.append(pd.get_dummies(cov.astype("string").fillna("none").astype("category"),
                                    drop_first=True, dtype=float).to_numpy())
    old = sm.add_constant(np.column_stack(parts), has_constant="add")
    new, names = M._design(pd.Series(levels, dtype="str"), ref, cov)
    assert names == cats[1:]
    assert np.array_equal(old, new)
    assert old.flags["C_CONTIGUOUS"] == new.flags["C_CONTIGUOUS"]
    assert old.flags["F_CONTIGUOUS"] == new.flags["F_CONTIGUOUS"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nb2_newton_matches_statsmodels(seed):
    """The array Newton of fit_nb2 gives statsmodels' NegativeBinomial newton/HC1 fit:
    coefficients, dispersion, robust errors and p-values to ~1e-10 relative."""
    import statsmodels.api as sm

    r = np.random.default_rng(seed)
    n = 150
    lev = r.choice(["image", "reel", "video"], n)
    reach = r.integers(200, 5000, n).astype(float)
    mu = reach * 0.03 * np.where(lev == "reel", 1.6, np.where(lev == "video", 0.8, 1.0))
    y = r.poisson(r.gamma(2.0, mu / 2.0)).astype(float)
    X, _ = M._design(lev, "image")
    off = np.log(reach)
    start = M._nb2_start(y, X, off)
    ours = M._nb2_newton(y, X, off, start)
    ref = sm.NegativeBinomial(y, X, offset=off).fit(start_params=start, method="newton",
                                                   maxiter=50, disp=0, cov_type="HC1")
    assert ref.mle_retvals["converged"] and ours is not None
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-10)
    np.testing.assert_allclose(ours.bse, ref.bse, rtol=1e-8)
    np.testing.assert_allclose(ours.pvalues, ref.pvalues, rtol=1e-6)
    np.testing.assert_allclose(ours.conf_int(0.05), np.asarray(ref.conf_int(0.05)), rtol=1e-8)
    # fit_nb2 takes this path
    np.testing.assert_allclose(M.fit_nb2(y, X, off).params, ref.params, rtol=1e-10)
