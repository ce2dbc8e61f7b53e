"""How large a change a test could detect, and how many posts it needs.

The model is the one :mod:`smm_nb.analysis.experiments` fits: post counts (engagements,
clicks, ...) are negative binomial (NB2) around ``exposure x rate``, so a post with
expected count ``mu`` has variance ``mu + a * mu**2``; ``a`` is the over-dispersion
between posts (the demo plants a per-post CV of 0.5, ``a = 0.25``). The Fisher
information a post carries about the log rate is ``mu / (1 + a * mu)``: a post with
thousands of people reached is worth at most ``1 / a`` "effective observations", which
is why a per-impression test (information ``mu``) is wildly over-confident.

For two arms with ``n_a`` and ``n_b`` posts the standard error of the log rate ratio is
``sqrt(1 / (n_a I) + 1 / (n_b I))`` with ``I`` the mean information per post; a lift
``r`` is found with power ``Phi(|log r| / se - t_crit)``. The critical value is from a
t distribution with the model's residual degrees of freedom, as in the analysis.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from smm_nb.analysis.metrics import LARGE_N

#: Default smallest lift worth acting on when nothing else is known (+20 %).
DEFAULT_MIN_LIFT = 1.2


def info_per_post(expected_counts: np.ndarray | float, dispersion: float) -> float:
    """Mean Fisher information about the log rate carried by one post.

    Parameters
    ----------
    expected_counts : array or float
        ``exposure x rate`` of typical posts (e.g. reach x engagement rate).
    dispersion : float
        NB2 over-dispersion ``a`` (0 = Poisson).
    """
    mu = np.atleast_1d(np.asarray(expected_counts, dtype=float))
    mu = mu[np.isfinite(mu) & (mu > 0)]
    if mu.size == 0:
        return float("nan")
    return float(np.mean(mu / (1.0 + max(dispersion, 0.0) * mu)))


def _t_crit(n_a: float, n_b: float, alpha: float) -> float:
    df = max(n_a + n_b - 3, 1)  # intercept, arm effect and dispersion are estimated
    return float(stats.t.ppf(1 - alpha / 2, df))


def se_log_ratio(n_a: float, n_b: float, info: float) -> float:
    """Standard error of the log rate ratio between two arms."""
    if n_a <= 0 or n_b <= 0 or not info > 0:
        return float("inf")
    return math.sqrt(1.0 / (n_a * info) + 1.0 / (n_b * info))


def power_for_lift(lift: float, n_a: float, n_b: float, info: float,
                   alpha: float = 0.05) -> float:
    """Power of a two-sided test at level ``alpha`` to detect the rate ratio ``lift``."""
    se = se_log_ratio(n_a, n_b, info)
    if not math.isfinite(se) or n_a + n_b < 4:
        return float("nan")
    d = abs(math.log(lift)) / se
    c = _t_crit(n_a, n_b, alpha)
    return float(stats.norm.cdf(d - c) + stats.norm.cdf(-d - c))


def min_detectable_lift(n_per_arm: float, info: float, alpha: float = 0.05,
                        power: float = 0.8) -> float:
    """Smallest rate ratio (> 1) found with ``power`` by two arms of ``n_per_arm`` posts."""
    se = se_log_ratio(n_per_arm, n_per_arm, info)
    if not math.isfinite(se) or n_per_arm < 2:
        return float("nan")
    return float(math.exp((_t_crit(n_per_arm, n_per_arm, alpha) + stats.norm.ppf(power)) * se))


def posts_needed(lift: float, info: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Posts per arm for a two-arm test to find ``lift`` with ``power``."""
    if not info > 0 or lift <= 0 or lift == 1:
        return None
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    n = 2 * z ** 2 / (info * math.log(lift) ** 2)
    n = max(int(math.ceil(n)), 3)
    # the t critical value depends on n: step up until the power is reached
    while power_for_lift(lift, n, n, info, alpha) < power and n < 1_000_000:
        n += 1
    return n


@dataclass(frozen=True)
class Dispersion:
    """Rate and NB2 over-dispersion of a set of posts (intercept-only fit)."""

    rate: float
    dispersion: float
    n: int
    method: str


def estimate_dispersion(counts: np.ndarray, exposure: np.ndarray) -> Dispersion:
    """Fit ``counts ~ NB2(exposure x rate, a)`` and return the rate and ``a``.

    Falls back to the method of moments when the maximum-likelihood fit fails (few
    posts); with fewer than 5 usable posts the dispersion is unknown (NaN).
    """
    import warnings

    import statsmodels.api as sm

    y = np.asarray(counts, dtype=float)
    e = np.asarray(exposure, dtype=float)
    ok = np.isfinite(y) & np.isfinite(e) & (e > 0)
    y, e = y[ok], e[ok]
    n = int(y.size)
    if n < 5:
        rate = float(y.sum() / e.sum()) if n and e.sum() > 0 else float("nan")
        return Dispersion(rate, float("nan"), n, "too few posts")
    rate = float(y.sum() / e.sum())
    kw: dict = {"maxiter": 200}
    if n > LARGE_N:
        # the same maximum-likelihood fit, by Newton from the moment estimates: the
        # default (a Poisson fit for start values, then BFGS) takes seconds on a large
        # client's tens of thousands of posts
        mu = e * rate
        a0 = float(np.sum((y - mu) ** 2 - mu) / np.sum(mu ** 2))
        kw = {"maxiter": 50, "method": "newton",
              "start_params": np.array([np.log(rate) if rate > 0 else -10.0,
                                        min(max(a0, 0.01), 10.0)])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = sm.NegativeBinomial(y, np.ones((n, 1)), exposure=e).fit(disp=0, **kw)
            a = float(fit.params[-1])
            if np.isfinite(a) and a >= 0:
                return Dispersion(float(np.exp(fit.params[0])), a, n,
                                  "negative binomial (NB2) maximum likelihood")
        except Exception:  # noqa: BLE001 - fall through to moments
            pass
    mu = e * rate
    a = float(max(np.sum((y - mu) ** 2 - mu) / np.sum(mu ** 2), 0.0))
    return Dispersion(rate, a, n, "method of moments")


@dataclass(frozen=True)
class TestPlan:
    """What a phase-2 test on each platform could detect (see :func:`plan_tests`)."""

    frame: pd.DataFrame
    weeks: int
    arms: int
    metric: str
    power: float = 0.8
    alpha: float = 0.05

    def summary_frame(self) -> pd.DataFrame:
        from smm_nb.analysis.baseline import tidy

        return tidy(self.frame.drop(columns=["info_per_post"], errors="ignore"))

    def to_findings(self, key: str, lang=None) -> list:
        from smm_nb.report.findings import Finding

        out = []
        for r in self.frame.itertuples():
            mde = r.min_detectable_lift
            ok = mde is not None and np.isfinite(mde)
            out.append(Finding(
                f"{key}.min_detectable_lift.{r.platform}", float(mde) if ok else None,
                (f"A {self.weeks}-week test with {self.arms} arms on {r.platform} "
                 f"({r.posts_per_arm:.0f} posts per arm) finds a x{mde:.2f} change in "
                 f"{self.metric} with {self.power:.0%} power." if ok else
                 f"{r.platform}: not enough posts to plan a test ({r.note})."),
                unit="rate_ratio", basis=f"{self.metric}, NB2 dispersion {r.dispersion:.2f}",
                n=int(r.n_posts)))
        return out


def plan_tests(posts: pd.DataFrame, metric: str = "er_reach", weeks: int = 8, arms: int = 2,
               posts_per_week: dict[str, float] | None = None, alpha: float = 0.05,
               power: float = 0.8) -> TestPlan:
    """Minimum detectable lift per platform for a test of ``weeks`` weeks.

    Parameters
    ----------
    posts : DataFrame
        Prepared posts (:func:`~smm_nb.analysis.prepare.prepare_posts`) of the baseline
        window; their cadence, exposures and dispersion define the plan.
    metric : str
        A key of :data:`~smm_nb.model.config.RATE_METRICS`.
    posts_per_week : dict, optional
        Planned cadence per platform; defaults to the cadence of ``posts``.
    """
    num, den = rate_columns(metric)
    rows = []
    for plat, g in posts.groupby("platform", sort=True):
        y = g[num].astype("Float64").astype(float).to_numpy()
        e = g[den].astype("Float64").astype(float).to_numpy()
        disp = estimate_dispersion(y, e)
        days = _span_days(g)
        cadence = (posts_per_week or {}).get(plat, len(g) / (days / 7) if days else np.nan)
        n_arm = cadence * weeks / arms if np.isfinite(cadence) else np.nan
        ok = np.isfinite(e) & (e > 0)
        info = (info_per_post(e[ok] * disp.rate, disp.dispersion)
                if np.isfinite(disp.dispersion) else float("nan"))
        mde = min_detectable_lift(n_arm, info, alpha, power) if np.isfinite(n_arm) else np.nan
        rows.append({"platform": plat, "n_posts": disp.n, "posts_per_week": cadence,
                     "posts_per_arm": n_arm, "rate": disp.rate, "dispersion": disp.dispersion,
                     "info_per_post": info, "min_detectable_lift": mde,
                     "posts_per_arm_for_20pct": posts_needed(DEFAULT_MIN_LIFT, info, alpha, power)
                     if info > 0 else None,
                     "note": disp.method})
    return TestPlan(pd.DataFrame(rows), weeks, arms, metric, power, alpha)


DEFAULT_TEST_WEEKS = 8


def planned_test_weeks(config) -> int:
    """The test length the client plans: the median length of its configured
    experiments, else :data:`DEFAULT_TEST_WEEKS`."""
    lengths = [((x.end - x.start).days + 1) / 7 for x in getattr(config, "experiments", [])]
    if not lengths:
        return DEFAULT_TEST_WEEKS
    return max(int(round(float(np.median(lengths)))), 1)


def rate_columns(metric: str) -> tuple[str, str]:
    """Numerator and denominator columns of a rate metric in prepared posts."""
    from smm_nb.model.config import RATE_METRICS

    num, den = RATE_METRICS[metric]
    if num == "engagements":
        num = "engagements_public"  # never the platform's own total (see prepare.py)
    return num, den


def _span_days(g: pd.DataFrame) -> float:
    t = g["published_at"]
    if t.empty:
        return 0.0
    return max((t.max() - t.min()).total_seconds() / 86400 + 1, 7.0)
