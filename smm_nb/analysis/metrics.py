"""Engagement rates with their definitions and intervals, and rate ratios between groups.

Three denominators (``reach``, ``impressions``, ``followers`` at posting) times three
statistics:

* ``median``: the median of the posts' rates (the typical post);
* ``mean``: the mean of the posts' rates (what "average engagement rate" benchmarks use);
* ``ratio``: the ratio of sums, sum(engagements) / sum(denominator) (the rate of the
  account's whole output; big posts weigh more).

Every estimate carries a seeded percentile-bootstrap 95% interval (posts resampled with
replacement). The bootstrap is vectorised: one ``(n_boot, n)`` matrix of indices drawn
once per group and basis, reused for every statistic; the median is taken in index space
of the sorted rates, so it costs an integer partition rather than a float gather. Groups
of more than ``LARGE_N`` posts (a warehouse client's million posts) take the bootstrap's
large-sample distribution instead: the median's exact bootstrap percentiles (binomial),
normal intervals with the bootstrap variance for the mean and the ratio of sums.

:func:`rate_ratios` compares groups of posts (formats, categories, paid vs organic) as a
rate ratio from a negative binomial regression of engagements with ``log(denominator)``
as offset (over-dispersion modelled, the post is the unit), robust (HC1) standard errors
and Holm-adjusted p-values across the comparisons of one platform.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smm_nb.analysis.multiple import holm as _holm
from smm_nb.analysis.prepare import ER_BASES, ER_DEFINITION
from smm_nb.errors import AnalysisError
from smm_nb.report.findings import Finding

BASES = tuple(ER_BASES)
STATISTICS = {"median": "median of post rates", "mean": "mean of post rates",
              "ratio": "ratio of sums"}
DENOMINATOR_LABEL = {"reach": "reach", "impressions": "impressions",
                     "followers": "followers at posting"}
LEVEL = 0.95


def definition(basis: str, statistic: str) -> str:
    """The one-line definition every number and chart carries."""
    _check_basis(basis)
    if statistic not in STATISTICS:
        raise AnalysisError(f"statistic {statistic!r} is not one of {', '.join(STATISTICS)}")
    return f"{ER_DEFINITION} / {DENOMINATOR_LABEL[basis]}, {STATISTICS[statistic]}"


def _check_basis(basis: str) -> None:
    if basis not in ER_BASES:
        raise AnalysisError(f"basis {basis!r} is not one of {', '.join(ER_BASES)}")


# --------------------------------------------------------------------------- bootstrap

def _indices(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    return rng.integers(0, n, size=(n_boot, n), dtype=np.int32 if n < 2**31 else np.int64)


def _median_from_indices(sorted_values: np.ndarray, idx: np.ndarray,
                         overwrite: bool = False) -> np.ndarray:
    """Medians of ``sorted_values[idx]`` row-wise, computed on the indices (monotone map).

    ``overwrite=True`` partitions ``idx`` in place (its rows are reordered, the values
    kept): no copy of the whole index matrix, for its last use."""
    n = idx.shape[1]
    if overwrite:
        idx.partition(n // 2, axis=1)
        part = idx
    else:
        part = np.partition(idx, n // 2, axis=1)
    if n % 2:
        return sorted_values[part[:, n // 2]]
    # one selection and the maximum of the lower half: the same two middle order
    # statistics as partitioning at both, several times faster (numpy's multi-kth
    # partition is slow)
    lower = part[:, :n // 2].max(axis=1)
    return (sorted_values[lower] + sorted_values[part[:, n // 2]]) / 2


def _percentile(boot: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    a = (1 - level) / 2
    # np.quantile when nothing is missing: same interpolation, without nanquantile's
    # per-call masking overhead
    q = np.quantile if np.isfinite(boot).all() else np.nanquantile
    lo, hi = q(boot, [a, 1 - a])
    return float(lo), float(hi)


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float
    n: int


#: Above this many posts in one group the intervals are computed from the bootstrap's
#: large-sample distribution instead of by resampling: a (n_boot, n) index matrix of a
#: million posts would take gigabytes and minutes, and at this size the two agree
#: within the resampling's own Monte-Carlo error (tests/analysis/test_metrics.py).
LARGE_N = 2_000


def _median_interval(sorted_values: np.ndarray, level: float) -> tuple[float, float]:
    """Percentile interval of the bootstrap distribution of the median, exactly, without
    resampling: the resample's ``m``-th smallest value is at most ``x_(k)`` when at least
    ``m`` of ``n`` draws fall on ``x_(1..k)``, a Binomial(n, k/n) event. For an even ``n``
    the two middle order statistics' quantiles are averaged (they differ by less than
    the gap between neighbouring values)."""
    from scipy.stats import binom

    n = len(sorted_values)
    a = (1 - level) / 2
    # the median's resampled rank stays within a few sqrt(n) of the middle
    width = int(8 * np.sqrt(n)) + 2
    k = np.arange(max(1, n // 2 - width), min(n, n // 2 + width) + 1)
    middles = [(n + 1) // 2] if n % 2 else [n // 2, n // 2 + 1]
    lo = hi = 0.0
    for m in middles:
        cdf = binom.sf(m - 1, n, k / n)  # P(resampled median <= x_(k))
        lo += sorted_values[k[min(np.searchsorted(cdf, a), len(k) - 1)] - 1]
        hi += sorted_values[k[min(np.searchsorted(cdf, 1 - a), len(k) - 1)] - 1]
    return float(lo / len(middles)), float(hi / len(middles))


def _large_sample(rates: np.ndarray, num: np.ndarray, den: np.ndarray, statistics,
                  level: float) -> dict[str, Estimate]:
    """The bootstrap's intervals for a large group (``rates`` sorted): the median's exact
    bootstrap percentiles, and for the mean and the ratio of sums the normal interval
    with the bootstrap's own variance (plug-in; linearised for the ratio)."""
    from scipy.stats import norm

    n = len(rates)
    z = float(norm.ppf(1 - (1 - level) / 2))
    out: dict[str, Estimate] = {}
    for s in statistics:
        if s == "median":
            value = float(np.median(rates))
            low, high = _median_interval(rates, level)
        elif s == "mean":
            value = float(rates.mean())
            se = float(rates.std()) / np.sqrt(n)
            low, high = value - z * se, value + z * se
        elif s == "ratio":
            total = den.sum()
            value = float(num.sum() / total)
            se = float(np.sqrt(np.sum((num - value * den) ** 2)) / total)
            low, high = value - z * se, value + z * se
        else:
            raise AnalysisError(f"statistic {s!r} is not one of {', '.join(STATISTICS)}")
        out[s] = Estimate(value, low, high, n)
    return out


def bootstrap_rates(num: np.ndarray, den: np.ndarray, statistics=("median", "ratio"),
                    n_boot: int = 2000, rng: np.random.Generator | int | None = 0,
                    level: float = LEVEL) -> dict[str, Estimate]:
    """Point estimate and percentile-bootstrap interval of each statistic of
    ``num / den`` over posts (posts with a missing or non-positive ``den`` are left out).

    Groups of more than :data:`LARGE_N` posts get the bootstrap's large-sample intervals
    (:func:`_large_sample`) instead of resampling; ``rng`` is then not used.
    """
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    ok = np.isfinite(num) & np.isfinite(den) & (den > 0)
    num, den = num[ok], den[ok]
    n = len(num)
    out: dict[str, Estimate] = {}
    if n == 0:
        return {s: Estimate(np.nan, np.nan, np.nan, 0) for s in statistics}
    rates = num / den
    if n > LARGE_N:
        return _large_sample(np.sort(rates), num, den, statistics, level)
    order = np.argsort(rates, kind="stable")
    rates, num, den = rates[order], num[order], den[order]
    idx = _indices(rng, n, n_boot) if n >= 2 else None
    boots = {}
    # the median last: it may then partition the index matrix in place (the other
    # statistics sum rows of idx, and a reordered row would sum in another order)
    for s in sorted(statistics, key=lambda s: s == "median"):
        if s == "median":
            boots[s] = _median_from_indices(rates, idx, overwrite=True) \
                if idx is not None else None
        elif s == "mean":
            boots[s] = rates[idx].mean(axis=1) if idx is not None else None
        elif s == "ratio":
            boots[s] = num[idx].sum(axis=1) / den[idx].sum(axis=1) if idx is not None else None
        else:
            raise AnalysisError(f"statistic {s!r} is not one of {', '.join(STATISTICS)}")
    for s in statistics:
        if s == "median":
            value = float(np.median(rates))
        elif s == "mean":
            value = float(rates.mean())
        else:
            value = float(num.sum() / den.sum())
        boot = boots[s]
        low, high = _percentile(boot, level) if boot is not None else (np.nan, np.nan)
        out[s] = Estimate(value, low, high, n)
    return out


# --------------------------------------------------------------------------- engagement rates

def _columns(posts: pd.DataFrame, basis: str) -> tuple[np.ndarray, np.ndarray]:
    num = pd.to_numeric(posts["engagements_public"]).astype("float64").to_numpy(na_value=np.nan)
    den = pd.to_numeric(posts[ER_BASES[basis]]).astype("float64").to_numpy(na_value=np.nan)
    return num, den


@dataclass(frozen=True)
class EngagementRates:
    """Engagement rates per group (one row per group x basis x statistic).

    ``frame`` columns: the ``by`` columns, basis, statistic, value, low, high, n, definition.
    """

    frame: pd.DataFrame
    by: tuple[str, ...]
    n_boot: int
    seed: int

    @property
    def title(self) -> str:
        return f"Engagement rate ({ER_DEFINITION}), 95% bootstrap intervals"

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def get(self, basis: str, statistic: str, **where) -> Estimate:
        f = self.frame[(self.frame["basis"] == basis) & (self.frame["statistic"] == statistic)]
        for k, v in where.items():
            f = f[f[k] == v]
        if f.empty:
            return Estimate(np.nan, np.nan, np.nan, 0)
        r = f.iloc[0]
        return Estimate(float(r["value"]), float(r["low"]), float(r["high"]), int(r["n"]))

    def wide(self, statistic: str = "median") -> pd.DataFrame:
        """One row per group, one column per basis (value only), for tables."""
        f = self.frame[self.frame["statistic"] == statistic]
        return f.pivot_table(index=list(self.by), columns="basis", values="value",
                             observed=True).reset_index()

    def to_findings(self, key: str) -> list[Finding]:
        """``{key}.er_{basis}_{statistic}.{group}`` for every row (group values joined by
        ``.``); a missing estimate is recorded with value None and its reason."""
        out = []
        for r in self.frame.itertuples(index=False):
            group = ".".join(_slug(getattr(r, c)) for c in self.by)
            k = f"{key}.er_{r.basis}_{r.statistic}.{group}" if group else \
                f"{key}.er_{r.basis}_{r.statistic}"
            label = " ".join(str(getattr(r, c)) for c in self.by)
            if r.n == 0 or not np.isfinite(r.value):
                out.append(Finding(k, None, f"{label}: no posts with a known "
                                   f"{DENOMINATOR_LABEL[r.basis]}; cannot compute.",
                                   "ratio", r.definition, n=int(r.n)))
                continue
            text = (f"{label}: {r.value:.2%} ({r.definition}; 95% CI "
                    f"{r.low:.2%}–{r.high:.2%}, {r.n} posts)")
            out.append(Finding(k, float(r.value), text, "ratio", r.definition,
                               _finite(r.low), _finite(r.high), int(r.n)))
        return out


def _finite(x) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def _slug(v) -> str:
    """A finding-key part: lower case ASCII (``"tatlı"`` -> ``"tatli"``), ``_`` elsewhere."""
    import unicodedata

    s = str(v).replace("ı", "i").replace("İ", "i").lower()
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    out = "".join(ch if ch.isalnum() and ch.isascii() else "_" for ch in s).strip("_")
    return out or "none"


def engagement_rates(posts: pd.DataFrame, by: str | tuple[str, ...] = "platform",
                     bases: tuple[str, ...] = BASES,
                     statistics: tuple[str, ...] = ("median", "ratio"),
                     n_boot: int = 2000, seed: int = 0) -> EngagementRates:
    """Engagement rate of each group on each basis and statistic, with bootstrap intervals.

    Parameters
    ----------
    posts : DataFrame
        Prepared posts (:func:`~smm_nb.analysis.prepare.prepare_posts`).
    by : column name or tuple of them
        Groups, e.g. ``"platform"`` or ``("platform", "format")``.
    n_boot, seed : bootstrap replicates and seed (each group gets its own stream spawned
        from ``seed``, so adding a group does not change the others' intervals).
    """
    by = (by,) if isinstance(by, str) else tuple(by)
    for b in bases:
        _check_basis(b)
    missing = ({"engagements_public"} | {ER_BASES[b] for b in bases} | set(by)) - set(posts)
    if missing:
        raise AnalysisError(f"posts lack {', '.join(sorted(missing))}: pass the output of "
                            "prepare_posts()")
    rows = []
    # columns to float arrays once, then groups as row positions: a pandas sub-frame and
    # its conversions per group cost more than the bootstrap of a small group
    cols = {b: _columns(posts, b) for b in bases}
    if by:
        groups = posts.groupby(list(by), sort=True, observed=True).indices.items()
    else:
        groups = [((), slice(None))]
    seeds = np.random.SeedSequence(seed)
    for key, pos in groups:
        key = key if isinstance(key, tuple) else (key,)
        for basis, child in zip(bases, seeds.spawn(len(bases))):
            num, den = cols[basis]
            est = bootstrap_rates(num[pos], den[pos], statistics, n_boot,
                                  np.random.default_rng(child))
            for stat, e in est.items():
                rows.append({**dict(zip(by, key)), "basis": basis, "statistic": stat,
                             "value": e.value, "low": e.low, "high": e.high, "n": e.n,
                             "definition": definition(basis, stat)})
    cols = [*by, "basis", "statistic", "value", "low", "high", "n", "definition"]
    return EngagementRates(pd.DataFrame(rows, columns=cols), by, n_boot, seed)


# --------------------------------------------------------------------------- rate ratios

@dataclass(frozen=True)
class RateRatios:
    """Rate ratios of groups of posts against a reference group, per platform.

    ``frame`` columns: platform, level, reference, rate_ratio, low, high, p_value, p_holm,
    n, n_reference, share_of_posts, status, method. ``status`` is ``"ok"`` or the reason a
    level was not estimated.
    """

    frame: pd.DataFrame
    by: str
    basis: str
    definition: str

    @property
    def title(self) -> str:
        return f"Rate ratio by {self.by} ({self.definition}), 95% CI"

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.drop(columns=["method"]).copy()

    def get(self, platform: str, level: str) -> pd.Series | None:
        f = self.frame[(self.frame["platform"] == platform) & (self.frame["level"] == level)]
        return None if f.empty else f.iloc[0]

    def to_findings(self, key: str) -> list[Finding]:
        """``{key}.{platform}.{level}``: rate ratio of ``level`` over the reference."""
        out = []
        for r in self.frame.itertuples(index=False):
            k = f"{key}.{_slug(r.platform)}.{_slug(r.level)}"
            if r.status != "ok":
                out.append(Finding(k, None, f"{r.platform} {r.level} vs {r.reference}: "
                                   f"{r.status}", "rate_ratio", self.definition, n=int(r.n)))
                continue
            text = (f"{r.platform}: {r.level} posts engage {r.rate_ratio:.2f}× as much as "
                    f"{r.reference} posts (95% CI {r.low:.2f}–{r.high:.2f}; {r.n} vs "
                    f"{r.n_reference} posts; {r.method})")
            out.append(Finding(k, float(r.rate_ratio), text, "rate_ratio", self.definition,
                               float(r.low), float(r.high), int(r.n + r.n_reference)))
        return out


def holm(p: np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values (NaN stays NaN)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.isfinite(p)
    if not ok.any():
        return out
    # smm_nb's own Holm: statsmodels' multipletests runs a full gc.collect() per call
    # (~0.3 s in a loaded notebook kernel); the step-down is the same
    out[ok] = _holm(p[ok])
    return out


def _labels(s: pd.Series, by: str) -> pd.Series:
    if by == "paid":
        return s.astype("boolean").map({True: "paid", False: "organic"}).astype("string")
    return s.astype("string")


def fit_rate_model(counts: np.ndarray, exposure: np.ndarray, levels: pd.Series,
                   reference: str, covariates: pd.DataFrame | None = None):
    """Negative binomial (NB2) regression of counts on level dummies (plus dummies of any
    ``covariates``) with ``log(exposure)`` offset and HC1 standard errors; falls back on a
    Poisson GLM with HC1 errors when the NB fit fails. Returns (fitted results, level
    names in design order (columns 1..k), method)."""
    import statsmodels.api as sm

    X, names = _design(levels, reference, covariates)
    if len(counts) > LARGE_N:
        res = fit_poisson_cells(counts, exposure, X)
        method = (f"Poisson quasi-likelihood on {len(counts):,} posts summed per design cell, "
                  "log exposure offset, HC1 (large data)")
        return res, names, method
    offset = np.log(exposure)
    res = fit_nb2(counts, X, offset)
    if res is not None:
        method = "negative binomial (NB2), log exposure offset, HC1"
    else:  # any fit failure falls back on quasi-Poisson
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.GLM(counts, X, family=sm.families.Poisson(), offset=offset).fit(
                cov_type="HC1")
        method = "Poisson GLM, log exposure offset, HC1 (negative binomial did not fit)"
    return res, names, method


def _design(levels, reference: str, covariates: pd.DataFrame | None = None
            ) -> tuple[np.ndarray, list[str]]:
    """Design matrix of :func:`fit_rate_model`: a constant, one dummy per level other than
    ``reference`` (sorted), then the dummies of each covariate column (missing as
    ``"none"``, first level in sorted order dropped). Built with numpy comparisons: the
    same 0/1 columns as ``sm.add_constant(pd.get_dummies(..., drop_first=True))`` at a
    fraction of pandas' cost per fit."""
    lev = np.asarray(levels, dtype=object)
    # distinct values first: iterating a long (Arrow-backed) column in Python is slow
    names = sorted(set(pd.unique(lev)) - {reference})
    parts = [_dummies(lev, names)]
    if covariates is not None and covariates.shape[1]:
        cov = [covariates[c].astype("string").fillna("none").to_numpy(dtype=object)
               for c in covariates.columns]
        pairs = [(v, lv) for v in cov for lv in sorted(set(pd.unique(v)))[1:]]
        block = np.empty((len(lev), len(pairs)), order="F")  # one block, as pandas' is
        for j, (v, lv) in enumerate(pairs):
            block[:, j] = v == lv
        parts.append(block)
    # the same stacking as before (and so the same memory layout: BLAS sums a row-major
    # and a column-major matrix in different orders, and the fit moves in the last bit)
    X = np.column_stack((np.ones(len(lev)), np.column_stack(parts)))
    return X, names


def _dummies(values: np.ndarray, levels: list) -> np.ndarray:
    """0/1 columns of ``values == level`` in column-major order, as pandas builds them."""
    out = np.empty((len(values), len(levels)), order="F")
    for j, v in enumerate(levels):
        out[:, j] = values == v
    return out


@dataclass(frozen=True)
class CellFit:
    """The parts of a statsmodels result that :func:`rate_ratios` reads."""

    params: np.ndarray
    bse: np.ndarray
    pvalues: np.ndarray
    nobs: int

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        from scipy.stats import norm

        z = norm.ppf(1 - alpha / 2)
        return np.column_stack([self.params - z * self.bse, self.params + z * self.bse])


def fit_poisson_cells(counts: np.ndarray, exposure: np.ndarray, X: np.ndarray) -> CellFit:
    """Poisson regression of per-post ``counts`` on a design of dummies ``X`` with
    ``log(exposure)`` offset and HC1 (robust, over-dispersion-proof) errors, computed
    from sums per design cell: the same estimates and errors as
    ``sm.GLM(counts, X, Poisson, offset=log(exposure)).fit(cov_type="HC1")`` on the
    posts, without a row-level fit.

    With a design of dummies every post of a cell shares ``x``: the score equations only
    see the cell's sums of counts and exposure, and each cell's contribution to the
    robust "meat" is ``x x' sum((y - m e)^2)``, expanded into sums of ``y^2``, ``y e`` and
    ``e^2``. A negative binomial likelihood has no such sums, hence quasi-Poisson here.
    """
    import statsmodels.api as sm
    from scipy.stats import norm

    y = np.asarray(counts, dtype=float)
    e = np.asarray(exposure, dtype=float)
    X = np.asarray(X, dtype=float)
    # rows of X to cell numbers by hashing (np.unique(axis=0) sorts a void view: slow)
    inv = pd.DataFrame(X).groupby(list(range(X.shape[1])), sort=False).ngroup().to_numpy()
    size = int(inv.max()) + 1
    cells = X[np.unique(inv, return_index=True)[1]]

    def total(v):
        return np.bincount(inv, weights=v, minlength=size)

    Y, E = total(y), total(e)
    YY, YE, EE = total(y * y), total(y * e), total(e * e)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        beta = np.asarray(sm.GLM(Y, cells, family=sm.families.Poisson(),
                                 offset=np.log(E)).fit().params)
    m = np.exp(cells @ beta)                      # rate per unit of exposure in each cell
    bread = (cells * (m * E)[:, None]).T @ cells
    meat = (cells * (YY - 2 * m * YE + m * m * EE)[:, None]).T @ cells
    inv_bread = np.linalg.inv(bread)
    n, k = len(y), X.shape[1]
    cov = inv_bread @ meat @ inv_bread * n / (n - k)
    bse = np.sqrt(np.diag(cov))
    p = 2 * norm.sf(np.abs(beta / bse))
    return CellFit(beta, bse, p, n)


def _nb2_start(counts: np.ndarray, X: np.ndarray, offset: np.ndarray) -> np.ndarray | None:
    """Start values for the NB2 likelihood: a few Poisson IRLS steps for the coefficients
    and the moment estimate of the dispersion ``alpha``."""
    y = np.asarray(counts, dtype=float)
    beta = np.linalg.lstsq(X, np.log((y + 0.5) / np.exp(offset)), rcond=None)[0]
    for _ in range(3):  # Poisson IRLS: close to the NB2 optimum of the coefficients
        mu = np.exp(np.clip(X @ beta + offset, -700, 700))
        z = X @ beta + (y - mu) / mu
        w = np.sqrt(mu)
        step = np.linalg.lstsq(X * w[:, None], z * w, rcond=None)[0]
        if not np.all(np.isfinite(step)):
            return None
        beta = step
    mu = np.exp(X @ beta + offset)
    alpha = float(np.mean(((y - mu) ** 2 - y) / mu ** 2))
    if not np.isfinite(alpha):
        return None
    return np.r_[beta, min(max(alpha, 0.01), 10.0)]


@dataclass(frozen=True)
class NB2Fit(CellFit):
    """An NB2 maximum-likelihood fit with HC1 errors (coefficients, then ``alpha``)."""

    mle_retvals: dict | None = None


def _nb2_derivatives(params: np.ndarray, y: np.ndarray, X: np.ndarray, offset: np.ndarray):
    """Gradient, Hessian and per-post scores of the NB2 log-likelihood in
    ``(beta, alpha)``: the analytic forms of statsmodels' ``NegativeBinomial`` (nb2)
    score, hessian and score_obs (which it takes by complex-step differentiation)."""
    from scipy.special import digamma, polygamma

    a = params[-1]
    m = np.exp(X @ params[:-1] + offset)
    am1 = 1 + a * m
    w = (y - m) / am1                                   # d loglike / d linear predictor
    dg = digamma(1 / a) - digamma(y + 1 / a) + np.log(am1)
    s_alpha = dg / a**2 + (y - m) / (a * am1)          # d loglike_i / d alpha
    k = len(params)
    H = np.empty((k, k))
    H[:-1, :-1] = -(X * (m * (1 + a * y) / am1**2)[:, None]).T @ X
    H[:-1, -1] = H[-1, :-1] = X.T @ (-(y - m) * m / am1**2)
    H[-1, -1] = np.sum(-2 / a**3 * dg
                       + ((polygamma(1, y + 1 / a) - polygamma(1, 1 / a)) / a**2 + m / am1)
                       / a**2 - (y - m) * (1 + 2 * a * m) / (a + a * a * m) ** 2)
    scores = np.column_stack([X * w[:, None], s_alpha])
    return np.r_[X.T @ w, s_alpha.sum()], H, scores


def _nb2_newton(counts: np.ndarray, X: np.ndarray, offset: np.ndarray, start: np.ndarray,
                maxiter: int = 50, tol: float = 1e-8) -> NB2Fit | None:
    """statsmodels' ``NegativeBinomial(...).fit(method="newton", cov_type="HC1")`` from
    ``start``, step for step (Newton on the mean negative log-likelihood with its 1e-10
    ridge, stopping when no parameter moves by more than ``tol``; the robust sandwich of
    the per-post scores that statsmodels' "HC1" gives a likelihood model), on arrays: the same estimates to ~1e-12 relative
    (tests/analysis/test_metrics.py) at a tenth of the model-object overhead. None when
    it does not converge or gives a non-finite or non-positive dispersion."""
    from scipy.stats import norm

    y = np.asarray(counts, dtype=float)
    n, k = len(y), X.shape[1] + 1
    new, old, it = np.asarray(start, dtype=float), np.inf, 0
    with np.errstate(all="ignore"):
        try:
            while it < maxiter and np.any(np.abs(new - old) > tol):
                grad, H, _ = _nb2_derivatives(new, y, X, offset)
                Hn = -H / n
                Hn[np.diag_indices(k)] += 1e-10
                old, new = new, new - np.linalg.solve(Hn, -grad / n)
                it += 1
            if it == maxiter or not np.all(np.isfinite(new)) or new[-1] <= 0:
                return None
            _, H, scores = _nb2_derivatives(new, y, X, offset)
            h_inv = np.linalg.inv(H)
            # what statsmodels' cov_type="HC1" gives a maximum-likelihood model: the
            # sandwich without a small-sample factor (cov_white_simple, no correction)
            cov = h_inv @ (scores.T @ scores) @ h_inv.T
        except np.linalg.LinAlgError:
            return None
        bse = np.sqrt(np.diag(cov))
        if not np.all(np.isfinite(bse[:-1])):
            return None
        p = 2 * norm.sf(np.abs(new / bse))
    return NB2Fit(new, bse, p, n, {"converged": True, "iterations": it})


def fit_nb2(counts: np.ndarray, X: np.ndarray, offset: np.ndarray):
    """Maximum-likelihood NB2 regression with HC1 errors, or None when it does not
    converge.

    Newton's method from Poisson/moment start values needs a handful of iterations
    (:func:`_nb2_newton`, statsmodels' Newton on arrays); statsmodels' default (a Poisson
    fit for start values, then BFGS) reaches the same optimum several times slower. When
    Newton fails, statsmodels' own Newton and then its default are tried before giving up.
    """
    import statsmodels.api as sm

    k = X.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = _nb2_start(counts, X, offset)
        if start is not None:
            res = _nb2_newton(counts, X, offset, start)
            if res is not None:
                return res
        attempts = ([dict(start_params=start, method="newton", maxiter=50)]
                    if start is not None else []) + [dict(method="bfgs", maxiter=200)]
        for kw in attempts:
            try:
                res = sm.NegativeBinomial(counts, X, offset=offset).fit(
                    disp=0, cov_type="HC1", **kw)
            except Exception:  # noqa: BLE001 - a failed attempt moves on to the next
                continue
            if res.mle_retvals.get("converged", True) and \
                    np.all(np.isfinite(res.bse[:k])) and np.isfinite(res.params[k]) and \
                    res.params[k] > 0:
                return res
    return None


def rate_ratios(posts: pd.DataFrame, by: str = "format", reference: str | None = None,
                basis: str = "reach", min_posts: int = 5,
                platforms: list[str] | None = None, adjust: tuple[str, ...] = (),
                exclude_experiments: bool = True) -> RateRatios:
    """Rate ratio of each level of ``by`` over ``reference``, per platform.

    ``adjust`` names categorical columns held fixed in the model (e.g. ``("format",)``
    when comparing paid with organic posts, whose format mix differs). Posts in a content
    experiment (a non-missing ``arm``) are left out by default: the treatment changes
    their engagement and would bias the comparison.

    ``reference`` defaults to ``image`` for formats, ``organic`` for paid, else the most
    common level of each platform. Levels with fewer than ``min_posts`` posts (or a
    platform whose reference has too few) are listed with the reason, not estimated.
    """
    _check_basis(basis)
    den_col = ER_BASES[basis]
    defn = f"{ER_DEFINITION} / {DENOMINATOR_LABEL[basis]}, rate ratio of post counts model"
    # only the columns the models read: sub-frames of the whole prepared table (string
    # columns included) cost more to take than the fits
    need = list(dict.fromkeys(["platform", by, "engagements_public", den_col, *adjust]))
    if exclude_experiments and "arm" in posts:
        posts = posts.loc[posts["arm"].isna().to_numpy(), need]
    else:
        posts = posts[need]
    if adjust:
        defn += f", adjusted for {', '.join(adjust)}"
    rows = []
    # columns to arrays once for all platforms, platforms as codes: per-platform pandas
    # sub-frames and conversions cost more than the fits
    num_all, den_all = _columns(posts, basis)
    plat_codes, plat_names = pd.factorize(posts["platform"], sort=True)
    lev_all = _labels(posts[by], by)
    ok_all = (np.isfinite(num_all) & np.isfinite(den_all) & (den_all > 0)
              & lev_all.notna().to_numpy())
    lev_obj = lev_all.to_numpy(dtype=object, na_value=None)
    covs_all = posts[list(adjust)].reset_index(drop=True) if adjust else None
    for code, plat in enumerate(plat_names):
        if platforms and plat not in platforms:
            continue
        sel = np.flatnonzero((plat_codes == code) & ok_all)
        num, den = num_all[sel], den_all[sel]
        # labels as a "str" Series: its value_counts() orders ties as before
        lev = pd.Series(lev_obj[sel], dtype="str")
        covs = covs_all.iloc[sel].reset_index(drop=True) if covs_all is not None else None
        counts = lev.value_counts()
        if counts.empty:
            continue
        ref = reference or {"format": "image", "paid": "organic"}.get(by)
        if ref not in counts.index:
            ref = str(counts.index[0])
        n_total = int(counts.sum())
        others = [lv for lv in sorted(counts.index) if lv != ref]
        if counts.get(ref, 0) < min_posts:
            for lv in others:
                rows.append(_row(plat, lv, ref, counts, n_total, status=(
                    f"insufficient data: {counts.get(ref, 0)} {ref} posts "
                    f"(need {min_posts})")))
            continue
        fit_levels = [lv for lv in others if counts[lv] >= min_posts]
        for lv in others:
            if lv not in fit_levels:
                rows.append(_row(plat, lv, ref, counts, n_total, status=(
                    f"insufficient data: {counts[lv]} posts (need {min_posts})")))
        if not fit_levels:
            continue
        lev_np = lev_obj[sel]
        keep = np.isin(lev_np, [ref, *fit_levels])
        res, cols, method = fit_rate_model(
            num[keep], den[keep], lev_np[keep], ref,
            covs[keep].reset_index(drop=True) if covs is not None else None)
        ci = np.asarray(res.conf_int(alpha=1 - LEVEL))
        params, pvals = np.asarray(res.params), np.asarray(res.pvalues)
        p_adj = holm(pvals[1:len(cols) + 1])
        for j, lv in enumerate(cols, start=1):
            rows.append(_row(plat, lv, ref, counts, n_total, rr=np.exp(params[j]),
                             low=np.exp(ci[j, 0]), high=np.exp(ci[j, 1]), p=pvals[j],
                             p_holm=p_adj[j - 1], method=method))
    cols = ["platform", "level", "reference", "rate_ratio", "low", "high", "p_value", "p_holm",
            "n", "n_reference", "share_of_posts", "status", "method"]
    frame = pd.DataFrame(rows, columns=cols)
    return RateRatios(frame, by, basis, defn)


def _row(plat, lv, ref, counts, n_total, rr=np.nan, low=np.nan, high=np.nan, p=np.nan,
         p_holm=np.nan, status="ok", method=""):
    return {"platform": plat, "level": str(lv), "reference": str(ref), "rate_ratio": float(rr),
            "low": float(low), "high": float(high), "p_value": float(p),
            "p_holm": float(p_holm), "n": int(counts.get(lv, 0)),
            "n_reference": int(counts.get(ref, 0)),
            "share_of_posts": float(counts.get(lv, 0) / n_total) if n_total else np.nan,
            "status": status, "method": method}
