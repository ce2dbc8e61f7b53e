"""Content experiments: which arm won, by how much, and how sure we are.

The unit is the post. Each post has a count (engagements, clicks, ...) and an exposure
(reach, impressions, ...), and posts differ far more than a per-impression coin flip
allows (over-dispersion): two reels to the same audience easily differ by 50 %. The
primary estimate therefore comes from a **negative binomial (NB2) regression with log
exposure**: ``count ~ NB(exposure x rate x lift**arm, a)``, fitted by maximum
likelihood (statsmodels ``NegativeBinomial``). ``exp(coef)`` is the rate ratio of an arm
against the control; the dispersion ``a`` is estimated from the data, so the interval
widens as posts get noisier. Wald intervals and p-values use a t reference with
``n - k - 1`` degrees of freedom, which keeps the false-positive rate at 5 % with the
20-50 posts per arm typical of social media tests (checked by simulation in
``tests/analysis/test_experiments.py``).

Cross-check: Welch's t-test on the per-post rates (no model, unequal variances).
For contrast only, :func:`naive_z_test` is the per-impression two-proportion z-test
that online A/B calculators apply; it ignores over-dispersion and is not used for any
verdict.

Arms with several comparisons against the control are Holm-corrected; exploratory
cuts (service line, weekend, time of day) are Benjamini-Hochberg-corrected and are
leads, not verdicts. Looking at a test before ``planned_posts_per_arm`` is flagged as
an early look unless the experiment declares a sequential design; a sequential
experiment read early is judged at the O'Brien-Fleming alpha-spending level for the
share of posts in (:func:`obf_alpha`).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from smm_nb.analysis.multiple import benjamini_hochberg, holm
from smm_nb.analysis.power import (DEFAULT_MIN_LIFT, info_per_post, posts_needed,
                                   power_for_lift, rate_columns)
from smm_nb.model.config import ClientConfig, Experiment

METHOD = "negative binomial (NB2) GLM, log exposure offset, Wald t interval"
MIN_POSTS_PER_ARM = 3
MIN_POSTS_PER_CUT = 5


# --------------------------------------------------------------------------- the model

@dataclass(frozen=True)
class RateRatio:
    """The rate of one arm relative to the control, with its 95 % interval."""

    estimate: float
    low: float
    high: float
    p_value: float | None
    n_posts: tuple[int, int]
    dispersion: float
    se_log: float
    method: str = METHOD

    def summary_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"rate_ratio": self.estimate, "low": self.low, "high": self.high,
                              "p_value": self.p_value, "posts_control": self.n_posts[0],
                              "posts_arm": self.n_posts[1], "dispersion": self.dispersion,
                              "method": self.method}])


def _nan_ratio(n: tuple[int, int], reason: str) -> RateRatio:
    nan = float("nan")
    return RateRatio(nan, nan, nan, None, n, nan, nan, reason)


def nb_fit(counts: np.ndarray, exposure: np.ndarray, groups: np.ndarray, levels: list[str],
           level: float = 0.95) -> tuple[dict[str, RateRatio], float]:
    """Fit the NB2 model with one indicator per non-control level.

    Returns ``{level: RateRatio}`` for every level after the first (the control) and
    the estimated dispersion. Levels with fewer than :data:`MIN_POSTS_PER_ARM` posts
    get a NaN ratio with the reason in ``method``.
    """
    import statsmodels.api as sm

    y = np.asarray(counts, dtype=float)
    e = np.asarray(exposure, dtype=float)
    g = np.asarray(groups, dtype=object)
    ok = np.isfinite(y) & np.isfinite(e) & (e > 0) & pd.notna(g)
    y, e, g = y[ok], e[ok], g[ok]
    n_by = {lv: int(np.sum(g == lv)) for lv in levels}
    usable = [lv for lv in levels if n_by[lv] >= MIN_POSTS_PER_ARM]
    out: dict[str, RateRatio] = {}
    if levels[0] not in usable or len(usable) < 2:
        for lv in levels[1:]:
            out[lv] = _nan_ratio((n_by[levels[0]], n_by[lv]),
                                 f"insufficient data: fewer than {MIN_POSTS_PER_ARM} posts "
                                 "with a count and an exposure in an arm")
        return out, float("nan")
    keep = np.isin(g, usable)
    y, e, g = y[keep], e[keep], g[keep]
    X = np.column_stack([np.ones(y.size)] + [(g == lv).astype(float) for lv in usable[1:]])
    df_resid = y.size - X.shape[1] - 1  # the dispersion is estimated too
    disp = float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = sm.NegativeBinomial(y, X, exposure=e).fit(disp=0, maxiter=200)
            params, bse = np.asarray(fit.params), np.asarray(fit.bse)
            disp = float(params[-1])
            method = METHOD
            if not np.all(np.isfinite(bse[:-1])):
                raise ValueError("singular fit")
        except Exception:  # noqa: BLE001 - e.g. all counts zero in an arm
            # quasi-Poisson keeps the rate ratio and scales its variance by the
            # Pearson dispersion: a fallback that still respects over-dispersion
            fit = sm.GLM(y, X, family=sm.families.Poisson(), exposure=e).fit(scale="X2")
            params, bse = np.asarray(fit.params), np.asarray(fit.bse)
            method = "quasi-Poisson GLM (NB2 did not converge), log exposure offset"
    tq = stats.t.ppf(0.5 + level / 2, max(df_resid, 1))
    for j, lv in enumerate(usable[1:], start=1):
        b, se = float(params[j]), float(bse[j])
        if not (np.isfinite(b) and np.isfinite(se) and se > 0):
            out[lv] = _nan_ratio((n_by[levels[0]], n_by[lv]), "model could not be estimated")
            continue
        p = float(2 * stats.t.sf(abs(b / se), max(df_resid, 1)))
        out[lv] = RateRatio(math.exp(b), math.exp(b - tq * se), math.exp(b + tq * se), p,
                            (n_by[levels[0]], n_by[lv]), disp, se, method)
    for lv in levels[1:]:
        if lv not in out:
            out[lv] = _nan_ratio((n_by[levels[0]], n_by[lv]),
                                 f"insufficient data: fewer than {MIN_POSTS_PER_ARM} posts")
    return out, disp


def rate_ratio(counts: np.ndarray, exposure: np.ndarray, treated: np.ndarray,
               level: float = 0.95) -> RateRatio:
    """Rate ratio of ``treated`` posts against the rest (NB2, log exposure)."""
    g = np.where(np.asarray(treated, dtype=bool), "b", "a").astype(object)
    return nb_fit(counts, exposure, g, ["a", "b"], level)[0]["b"]


@dataclass(frozen=True)
class WelchLift:
    """Cross-check: Welch's t-test on per-post rates."""

    lift: float
    low: float
    high: float
    p_value: float | None
    mean_control: float
    mean_arm: float


def welch_lift(rates_control: np.ndarray, rates_arm: np.ndarray, level: float = 0.95
               ) -> WelchLift:
    """Relative lift of mean per-post rates with Welch's t-test.

    The interval is the Welch interval of the difference divided by the control mean
    (it ignores the uncertainty of that mean: a cross-check, not the estimate).
    """
    a = np.asarray(rates_control, dtype=float)
    b = np.asarray(rates_arm, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    nan = float("nan")
    if a.size < 2 or b.size < 2 or a.mean() <= 0:
        return WelchLift(nan, nan, nan, None, float(a.mean()) if a.size else nan,
                         float(b.mean()) if b.size else nan)
    res = stats.ttest_ind(b, a, equal_var=False)
    ci = res.confidence_interval(level)
    m = float(a.mean())
    p = float(res.pvalue) if np.isfinite(res.pvalue) else None
    return WelchLift(float(b.mean()) / m, 1 + float(ci.low) / m, 1 + float(ci.high) / m, p, m,
                     float(b.mean()))


def naive_z_test(counts_control: np.ndarray, exposure_control: np.ndarray,
                 counts_arm: np.ndarray, exposure_arm: np.ndarray) -> float:
    """p-value of the per-impression two-proportion z-test (pooled).

    For contrast only: it treats every person reached as an independent trial and so
    ignores that whole posts succeed or fail together. Never used for a verdict.
    """
    x1, n1 = float(np.sum(counts_control)), float(np.sum(exposure_control))
    x2, n2 = float(np.sum(counts_arm)), float(np.sum(exposure_arm))
    if min(n1, n2) <= 0:
        return float("nan")
    p = (x1 + x2) / (n1 + n2)
    se = math.sqrt(max(p * (1 - p), 1e-300) * (1 / n1 + 1 / n2))
    z = (x2 / n2 - x1 / n1) / se
    return float(2 * stats.norm.sf(abs(z)))


# --------------------------------------------------------------------------- balance

BALANCE_VARIABLES = ("format", "weekday", "hour_block", "paid")


def balance_check(posts: pd.DataFrame, arm_col: str = "arm",
                  variables: tuple[str, ...] = BALANCE_VARIABLES
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shares of each level by arm, and a chi-square test per variable.

    Returns ``(shares, tests)``: ``shares`` has one row per variable and level with one
    column per arm; ``tests`` one row per variable with the chi-square p-value
    (``None`` when every post has the same value) and whether the arms look balanced
    (p >= 0.05). With a few posts the chi-square is approximate: read it as a flag.
    """
    rows, tests = [], []
    arms = list(pd.unique(posts[arm_col].dropna()))
    for var in variables:
        if var not in posts:
            continue
        v = posts[var]
        if var == "weekday":
            v = v.map(lambda d: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][int(d)]
                      if pd.notna(d) else pd.NA)
        v = v.astype("string").fillna("unknown")
        # the counts crosstab gives (levels and arms sorted), without its pivot_table
        tab = v.groupby(posts[arm_col], dropna=True).value_counts().unstack(
            arm_col, fill_value=0).sort_index().reindex(columns=arms, fill_value=0
                                                        ).astype("int64")
        shares = tab / tab.sum(axis=0).replace(0, np.nan)
        for level, r in shares.iterrows():
            rows.append({"variable": var, "level": str(level),
                         **{str(a): float(r[a]) for a in arms}})
        p = None
        if tab.shape[0] >= 2 and tab.shape[1] >= 2 and (tab.sum(axis=1) > 0).sum() >= 2:
            t = tab.loc[tab.sum(axis=1) > 0]
            p = float(stats.chi2_contingency(t.to_numpy())[1])
        tests.append({"variable": var, "p_value": p,
                      "balanced": True if p is None else bool(p >= 0.05)})
    return pd.DataFrame(rows), pd.DataFrame(tests)


# --------------------------------------------------------------------------- one experiment

VERDICTS = ("winner", "no_difference", "inconclusive", "early_look", "insufficient_data")


@dataclass(frozen=True)
class ExperimentResult:
    """Everything 04 says about one experiment."""

    name: str
    hypothesis: str
    platform: str | None
    metric: str
    control: str
    arms: tuple[str, ...]
    planned_per_arm: int
    sequential: bool
    arm_table: pd.DataFrame
    comparisons: pd.DataFrame
    balance_shares: pd.DataFrame
    balance_tests: pd.DataFrame
    cuts: pd.DataFrame
    dispersion: float
    min_lift: float
    verdict: str
    winner: str | None
    early_look: bool
    method: str = METHOD
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_per_arm(self) -> dict[str, int]:
        return dict(zip(self.arm_table["arm"], self.arm_table["posts"].astype(int)))

    @property
    def primary(self) -> pd.Series:
        """The comparison the verdict rests on (the best arm, or the only one)."""
        c = self.comparisons
        if c.empty:
            return pd.Series(dtype=object)
        if self.winner and self.winner in set(c["arm"]):
            return c.loc[c["arm"] == self.winner].iloc[0]
        order = c["p_holm"].fillna(2).to_numpy()
        return c.iloc[int(np.argmin(order))]

    def summary_frame(self) -> pd.DataFrame:
        cols = ["arm", "posts", "rate_ratio", "low", "high", "p_value", "p_holm", "welch_lift",
                "welch_p", "power", "posts_needed_per_arm"]
        from smm_nb.analysis.baseline import tidy

        c = self.comparisons
        if c.empty:
            return tidy(self.arm_table)
        return tidy(c[[k for k in cols if k in c]])

    def to_findings(self, key: str, lang=None) -> list:
        from smm_nb.report.findings import Finding

        base = f"{key}.{self.name}"
        p = self.primary
        basis = f"{self.metric} ({rate_columns(self.metric)[0]} / {rate_columns(self.metric)[1]})"
        n = int(self.arm_table["posts"].sum())
        out = [Finding(f"{base}.verdict", self.verdict, verdict_text(self, lang), unit="text",
                       basis=self.method, n=n)]
        if not p.empty and pd.notna(p.get("rate_ratio")):
            out.append(Finding(
                f"{base}.lift", float(p["rate_ratio"]),
                f"{p['arm']} vs {self.control}: rate ratio {p['rate_ratio']:.2f} "
                f"(95% CI {p['low']:.2f}-{p['high']:.2f}).",
                unit="rate_ratio", basis=basis, low=float(p["low"]), high=float(p["high"]),
                n=int(p["posts"] + self.n_per_arm.get(self.control, 0))))
            out.append(Finding(f"{base}.p_holm", _f(p["p_holm"]),
                               "Holm-adjusted p-value of the primary comparison"
                               if pd.notna(p["p_holm"]) else "not estimable",
                               unit="probability", basis=self.method))
            out.append(Finding(f"{base}.power", _f(p["power"]),
                               f"power to detect a x{self.min_lift:.2f} lift with the posts so far"
                               if pd.notna(p["power"]) else "not estimable",
                               unit="probability", basis=basis))
            need = p.get("posts_more_per_arm")
            out.append(Finding(f"{base}.posts_more_per_arm", _f(need),
                               "posts per arm still needed for 80% power at the smallest lift "
                               f"worth acting on (x{self.min_lift:.2f})" if pd.notna(need)
                               else "not estimable", unit="count", basis=basis))
        else:
            out.append(Finding(f"{base}.lift", None, "insufficient data: " + "; ".join(
                self.notes or ("no comparison could be estimated",)), unit="rate_ratio",
                basis=basis, n=n))
        out.append(Finding(f"{base}.early_look", 1.0 if self.early_look else 0.0,
                           "looked before the planned number of posts per arm"
                           if self.early_look else "planned number of posts reached",
                           unit="count", basis=f"planned {self.planned_per_arm} posts per arm"))
        return out


def _f(x) -> float | None:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def analyze_experiment(posts: pd.DataFrame, experiment: Experiment,
                       min_lift: float = DEFAULT_MIN_LIFT, alpha: float = 0.05,
                       cuts: tuple[str, ...] = ("category", "daypart", "weekend")
                       ) -> ExperimentResult:
    """Analyse one experiment of ``client.yaml`` on prepared posts.

    Parameters
    ----------
    posts : DataFrame
        Output of :func:`~smm_nb.analysis.prepare.prepare_posts` (which fills
        ``experiment`` and ``arm``).
    experiment : Experiment
        The experiment as configured; its first arm is the control.
    min_lift : float
        The smallest rate ratio worth acting on: the power and the posts still needed
        are computed for it.
    """
    num, den = rate_columns(experiment.primary_metric)
    arms = [a.name for a in experiment.arms]
    control = arms[0]
    d = posts.loc[(posts["experiment"] == experiment.name) & posts["arm"].isin(arms)].copy()
    y = d[num].astype("Float64").astype(float)
    e = d[den].astype("Float64").astype(float)
    usable = y.notna() & e.notna() & (e > 0)
    notes = []
    if (~usable).any():
        notes.append(f"{int((~usable).sum())} posts without {num} or {den} left out")
    d, y, e = d.loc[usable], y[usable], e[usable]
    rate = y / e
    arm_rows = []
    for a in arms:
        m = (d["arm"] == a).to_numpy()
        arm_rows.append({"arm": a, "posts": int(m.sum()),
                         "rate": float(y[m].sum() / e[m].sum()) if m.any() else np.nan,
                         "median_post_rate": float(rate[m].median()) if m.any() else np.nan,
                         "mean_post_rate": float(rate[m].mean()) if m.any() else np.nan,
                         "planned": experiment.planned_posts_per_arm})
    arm_table = pd.DataFrame(arm_rows)
    ratios, disp = nb_fit(y.to_numpy(), e.to_numpy(), d["arm"].to_numpy(dtype=object), arms)
    p_adj = holm([ratios[a].p_value for a in arms[1:]])
    ctrl = (d["arm"] == control).to_numpy()
    ctrl_rate = float(y[ctrl].sum() / e[ctrl].sum()) if ctrl.any() else np.nan
    info = (info_per_post(e.to_numpy() * ctrl_rate, disp)
            if np.isfinite(disp) and np.isfinite(ctrl_rate) else float("nan"))
    need = posts_needed(min_lift, info, alpha) if info > 0 else None
    comp = []
    for a, padj in zip(arms[1:], p_adj):
        rr = ratios[a]
        m = (d["arm"] == a).to_numpy()
        w = welch_lift(rate[ctrl].to_numpy(), rate[m].to_numpy())
        n_c, n_a = rr.n_posts
        comp.append({
            "arm": a, "posts": n_a, "rate_ratio": rr.estimate, "low": rr.low, "high": rr.high,
            "p_value": rr.p_value, "p_holm": padj if np.isfinite(padj) else None,
            "welch_lift": w.lift, "welch_low": w.low, "welch_high": w.high, "welch_p": w.p_value,
            "naive_z_p": naive_z_test(y[ctrl], e[ctrl], y[m], e[m]),
            "power": power_for_lift(min_lift, n_c, n_a, info, alpha) if info > 0 else np.nan,
            "posts_needed_per_arm": need,
            "posts_more_per_arm": max(need - min(n_c, n_a), 0) if need is not None else None,
            "method": rr.method})
    comparisons = pd.DataFrame(comp)
    shares, tests = balance_check(d)
    if not tests.empty and not tests["balanced"].all():
        bad = ", ".join(tests.loc[~tests["balanced"], "variable"])
        notes.append(f"arms differ in {bad} (chi-square p < 0.05): read the lift with care")
    cut_frame = _cuts(d, y, e, arms, cuts)
    n_min = int(arm_table["posts"].min()) if len(arm_table) else 0
    early = (n_min < experiment.planned_posts_per_arm) and not experiment.sequential
    level = alpha
    if experiment.sequential and n_min < experiment.planned_posts_per_arm:
        level = obf_alpha(n_min / experiment.planned_posts_per_arm, alpha)
        notes.append(f"sequential design: interim look at {n_min} of "
                     f"{experiment.planned_posts_per_arm} posts per arm, tested at the "
                     f"O'Brien-Fleming level {level:.4f} instead of {alpha}")
    verdict, winner = _verdict(comparisons, control, n_min, early, min_lift, level)
    return ExperimentResult(
        experiment.name, experiment.hypothesis, experiment.platform, experiment.primary_metric,
        control, tuple(arms), experiment.planned_posts_per_arm, experiment.sequential,
        arm_table, comparisons, shares, tests, cut_frame, disp, min_lift, verdict, winner,
        early, METHOD, tuple(notes))


def obf_alpha(information: float, alpha: float = 0.05) -> float:
    """Lan-DeMets O'Brien-Fleming alpha spent by information fraction ``information``.

    A sequential experiment read at an interim look is tested at this level: very
    strict early (0.0001 at a quarter of the posts), ``alpha`` at the planned end. Using
    the cumulative spending as the level of the current look is the usual shortcut for
    a handful of looks; it is exact for a single interim look.
    """
    t = min(max(information, 1e-9), 1.0)
    return float(2 * (1 - stats.norm.cdf(stats.norm.ppf(1 - alpha / 2) / math.sqrt(t))))


def _verdict(comp: pd.DataFrame, control: str, n_min: int, early: bool, min_lift: float,
             alpha: float) -> tuple[str, str | None]:
    if comp.empty or n_min < MIN_POSTS_PER_ARM or comp["rate_ratio"].isna().all():
        return "insufficient_data", None
    if early:
        return "early_look", None
    sig = comp.loc[comp["p_holm"].notna() & (comp["p_holm"] < alpha)]
    if not sig.empty:
        up = sig.loc[sig["rate_ratio"] > 1]
        if not up.empty:
            return "winner", str(up.sort_values("rate_ratio").iloc[-1]["arm"])
        if len(sig) == len(comp):  # every arm lost to the control
            return "winner", control
    ok = comp.dropna(subset=["low", "high"])
    if len(ok) == len(comp) and ((ok["low"] > 1 / min_lift) & (ok["high"] < min_lift)).all():
        return "no_difference", None
    if (comp["power"].fillna(0) >= 0.8).all():
        return "no_difference", None
    return "inconclusive", None


def _cuts(d: pd.DataFrame, y: pd.Series, e: pd.Series, arms: list[str],
          cuts: tuple[str, ...]) -> pd.DataFrame:
    """The lift within subgroups (exploratory; BH-adjusted across all cuts)."""
    views = {}
    if "category" in cuts and "category" in d:
        views["category"] = d["category"].astype("string")
    if "weekend" in cuts and "weekday" in d:
        views["weekend"] = pd.Series(np.where(d["weekday"] >= 5, "weekend", "weekday"),
                                     index=d.index, dtype="string")
    if "daypart" in cuts and "hour" in d:
        views["daypart"] = pd.Series(pd.cut(d["hour"], [0, 12, 17, 24], right=False,
                                            labels=["morning", "afternoon", "evening"]
                                            ).astype("string"), index=d.index)
    rows = []
    for cut, v in views.items():
        for level in v.dropna().unique():
            m = (v == level).to_numpy()
            counts = d.loc[m, "arm"].value_counts()
            if any(counts.get(a, 0) < MIN_POSTS_PER_CUT for a in arms):
                continue
            ratios, _ = nb_fit(y[m].to_numpy(), e[m].to_numpy(),
                               d.loc[m, "arm"].to_numpy(dtype=object), arms)
            for a in arms[1:]:
                rr = ratios[a]
                rows.append({"cut": cut, "level": str(level), "arm": a,
                             "posts": int(sum(rr.n_posts)), "rate_ratio": rr.estimate,
                             "low": rr.low, "high": rr.high, "p_value": rr.p_value})
    out = pd.DataFrame(rows, columns=["cut", "level", "arm", "posts", "rate_ratio", "low",
                                      "high", "p_value"])
    out["q_bh"] = benjamini_hochberg(out["p_value"].tolist()) if len(out) else []
    return out


@dataclass(frozen=True)
class ExperimentsResult:
    """All experiments of a client."""

    results: tuple[ExperimentResult, ...]
    reason: str | None = None  # why there is nothing to show

    def summary_frame(self) -> pd.DataFrame:
        rows = []
        for r in self.results:
            p = r.primary
            rows.append({"experiment": r.name, "platform": r.platform or "all",
                         "metric": r.metric,
                         "posts per arm": ", ".join(f"{a}: {n}" for a, n in r.n_per_arm.items()),
                         "planned": r.planned_per_arm,
                         "rate_ratio": p.get("rate_ratio") if not p.empty else np.nan,
                         "low": p.get("low") if not p.empty else np.nan,
                         "high": p.get("high") if not p.empty else np.nan,
                         "p_holm": p.get("p_holm") if not p.empty else np.nan,
                         "verdict": r.verdict})
        from smm_nb.analysis.baseline import tidy

        return tidy(pd.DataFrame(rows))

    def to_findings(self, key: str, lang=None) -> list:
        from smm_nb.report.findings import Finding

        if not self.results:
            return [Finding(f"{key}.count", 0.0, self.reason or "no experiments configured",
                            unit="count")]
        out = [Finding(f"{key}.count", float(len(self.results)),
                       f"{len(self.results)} experiments analysed", unit="count")]
        for r in self.results:
            out += r.to_findings(key, lang)
        return out


def analyze_experiments(posts: pd.DataFrame, config: ClientConfig,
                        min_lift: float = DEFAULT_MIN_LIFT) -> ExperimentsResult:
    """:func:`analyze_experiment` for every experiment in ``client.yaml``."""
    if not config.experiments:
        return ExperimentsResult((), "no experiments are configured in client.yaml")
    return ExperimentsResult(tuple(analyze_experiment(posts, x, min_lift)
                                   for x in config.experiments))


# --------------------------------------------------------------------------- words

class _Lang:
    """Stand-in when no language is given (English, plain formatting)."""

    code = "en"

    def text(self, en: str, tr: str) -> str:
        return en

    def ratio(self, x, digits: int = 2) -> str:
        return f"{x:.{digits}f}×"

    def number(self, x, digits: int = 0) -> str:
        return f"{x:,.{digits}f}"

    def percent(self, x, digits: int = 1) -> str:
        return f"{x * 100:.{digits}f}%"


def verdict_text(r: ExperimentResult, lang=None) -> str:
    """One sentence a client can read: the verdict and the numbers behind it."""
    L = lang or _Lang()
    p = r.primary
    counts = r.n_per_arm
    n_min = min(counts.values()) if counts else 0
    if r.verdict == "insufficient_data":
        return L.text(en=f"{r.name}: not enough posts yet to compare the arms "
                         f"({n_min} in the smallest arm).",
                      tr=f"{r.name}: kolları karşılaştırmak için henüz yeterli gönderi yok "
                         f"(en küçük kolda {n_min}).")
    rr = f"{L.ratio(p['rate_ratio'])} ({L.ratio(p['low'])}–{L.ratio(p['high'])})"
    ph = p.get("p_holm")
    ph = L.number(ph, 3) if ph is not None and pd.notna(ph) else "–"
    if r.verdict == "early_look":
        more = r.planned_per_arm - n_min
        return L.text(
            en=f"{r.name}: early look only — {n_min} of {r.planned_per_arm} planned posts per "
               f"arm. {p['arm']} vs {r.control} so far {rr}; no verdict until the planned "
               f"posts are in ({more} more per arm), since stopping at a lucky moment "
               "inflates false winners.",
            tr=f"{r.name}: yalnızca erken bakış — kol başına planlanan {r.planned_per_arm} "
               f"gönderinin {n_min} tanesi yayınlandı. Şimdilik {p['arm']} / {r.control}: "
               f"{rr}; planlanan gönderiler tamamlanana kadar (kol başına {more} gönderi daha) "
               "karar yok, çünkü şanslı bir anda durmak yanlış kazananları artırır.")
    if r.verdict == "winner":
        w = r.winner
        if w == r.control:
            return L.text(
                en=f"{r.name}: the control ({r.control}) wins; {p['arm']} reached "
                   f"{rr} of its rate (Holm-adjusted p = {ph}).",
                tr=f"{r.name}: kontrol ({r.control}) kazandı; {p['arm']} onun oranının "
                   f"{rr} katına ulaştı (Holm düzeltmeli p = {ph}).")
        return L.text(
            en=f"{r.name}: {w} wins — {rr} the {r.metric} of {r.control} "
               f"(95% interval; Holm-adjusted p = {ph}).",
            tr=f"{r.name}: {w} kazandı — {r.control} kolunun {r.metric} değerinin {rr} katı "
               f"(%95 aralık; Holm düzeltmeli p = {ph}).")
    if r.verdict == "no_difference":
        return L.text(
            en=f"{r.name}: no detectable difference — {p['arm']} vs {r.control} {rr}; a lift "
               f"of {L.ratio(r.min_lift)} or more would very likely have shown.",
            tr=f"{r.name}: saptanabilir bir fark yok — {p['arm']} / {r.control} {rr}; "
               f"{L.ratio(r.min_lift)} veya daha büyük bir artış büyük olasılıkla görünürdü.")
    more = p.get("posts_more_per_arm")
    more_s = L.number(more) if more is not None and pd.notna(more) else "–"
    return L.text(
        en=f"{r.name}: inconclusive — {p['arm']} vs {r.control} {rr}; about {more_s} more "
           f"posts per arm are needed to find a {L.ratio(r.min_lift)} lift with 80% power.",
        tr=f"{r.name}: sonuç belirsiz — {p['arm']} / {r.control} {rr}; "
           f"{L.ratio(r.min_lift)} bir artışı %80 güçle bulmak için kol başına yaklaşık "
           f"{more_s} gönderi daha gerekiyor.")
