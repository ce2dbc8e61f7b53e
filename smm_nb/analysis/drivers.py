"""What drives post performance: a negative binomial count model with exposure.

The post is the unit. Its count outcome (public engagements by default) is modelled as

    E[y] = exposure * exp(b0 + format + category + weekday + hour block + paid + platform
                          + b_f * log(followers at posting))

with ``log(exposure)`` as offset, so every effect is a *rate ratio*: how many times more
engagements per person reached (or per impression) a level brings against its reference,
all else held equal.

Why NB2 fitted by maximum likelihood (``statsmodels.discrete.NegativeBinomial``) rather
than a GLM with a fixed ``alpha``: post counts are over-dispersed (the same kind of post
can do 3x better or worse for reasons the data do not record), and the GLM family needs
``alpha`` as a constant; plugging in a value from a first fit ignores its uncertainty and
an inaccurate value distorts the standard errors. The discrete NB2 model estimates
``alpha`` jointly with the coefficients, so intervals reflect the dispersion the data
show. Intervals are Wald 95% intervals on the log scale, exponentiated; p-values are
corrected with Holm across all reported effects.

Out of sample, the model is checked on a time-ordered split (the last quarter of posts,
fitted on the earlier ones) against a naive forecast: the training median rate of the
post's platform times its exposure. The model's point forecast there is the median of
its predictive distribution, which is what minimises absolute error; comparing the mean
of a skewed count with a median-based baseline would handicap the model.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from smm_nb.analysis.multiple import holm
from smm_nb.report.findings import Finding

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: Terms in the order they are admitted when data are thin (the first matter most).
POST_TERMS = ("platform", "format", "test_arm", "paid", "log_followers", "category",
              "hour_block", "weekday")
#: Preferred reference levels (the most common level otherwise).
REFERENCES = {"format": "image", "paid": "organic", "window": "other", "test_arm": "none"}
TERM_TR = {"format": "biçim", "window": "zaman dilimi", "paid": "ücretli", "category": "kategori",
           "hour_block": "saat dilimi", "weekday": "gün", "platform": "platform",
           "test_arm": "test kolu"}
FORMAT_TR = {"image": "görsel", "video": "video", "reel": "reels", "carousel": "karusel",
             "story": "hikâye", "text": "metin", "link": "bağlantı", "paid": "ücretli",
             "organic": "organik"}
#: Terms a client can act on (the others are adjustments).
CONTENT_TERMS = ("format", "window", "paid", "category", "hour_block", "weekday")
OUTCOME_LABELS = {"engagements_public": "public engagements", "reach": "reach",
                  "clicks": "clicks", "impressions": "impressions"}


@dataclass(frozen=True)
class Design:
    """How a frame becomes a design matrix: kept so a fit can predict new posts."""

    factors: dict[str, tuple[str, tuple[str, ...]]]  # column -> (reference, other levels)
    numeric: tuple[str, ...]  # columns used as they are (already transformed)
    columns: tuple[str, ...]  # exog names, "const" first

    def matrix(self, data: pd.DataFrame) -> pd.DataFrame:
        """The exog matrix for ``data``; levels unseen in fitting count as the reference."""
        out = {"const": np.ones(len(data))}
        for col, (_ref, levels) in self.factors.items():
            values = data[col].astype("string").to_numpy(dtype=object)
            for lev in levels:
                out[f"{col}[{lev}]"] = (values == lev).astype(float)
        for col in self.numeric:
            out[col] = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
        return pd.DataFrame(out, index=data.index)[list(self.columns)]


@dataclass(frozen=True)
class HoldoutCheck:
    """Out-of-sample accuracy of the model against a naive forecast."""

    scheme: str  # "time-ordered split" or "10-fold cross-validation"
    n_train: int
    n_test: int
    mae_model: float
    mae_naive: float
    mape_model: float
    mape_naive: float
    naive: str
    mdape_model: float = float("nan")  # median absolute percentage error (robust to tiny y)
    mdape_naive: float = float("nan")

    def summary_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "forecast": ["model", "naive"],
            "MAE": [round(self.mae_model, 1), round(self.mae_naive, 1)],
            "MAPE": [round(self.mape_model, 3), round(self.mape_naive, 3)],
            "median APE": [round(self.mdape_model, 3), round(self.mdape_naive, 3)],
            "posts tested": [self.n_test, self.n_test],
        })


@dataclass(frozen=True)
class DriverResult:
    """Rate ratios of a count model with exposure, with their 95% intervals.

    ``effects`` has one row per non-reference level: ``term``, ``level``, ``reference``,
    ``rate_ratio``, ``low``, ``high``, ``p_value``, ``p_holm``, ``n`` (posts at that level),
    ``se_log`` (standard error of the log rate ratio).
    ``reason`` is set (and ``effects`` empty) when the data are too thin for a model.
    """

    outcome: str
    exposure: str | None
    n: int
    alpha: float | None
    effects: pd.DataFrame
    holdout: HoldoutCheck | None
    method: str
    left_out: tuple[str, ...] = ()
    reason: str | None = None
    design: Design | None = field(default=None, compare=False, repr=False)
    params: pd.Series | None = field(default=None, compare=False, repr=False)
    cov: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    sampled_from: int | None = None  # posts available when the model saw a random sample

    @property
    def ok(self) -> bool:
        return self.reason is None

    def effect(self, term: str, level: str) -> pd.Series:
        hit = self.effects[(self.effects["term"] == term) & (self.effects["level"] == level)]
        if hit.empty:
            raise KeyError(f"no effect {term}={level} (terms: {sorted(set(self.effects.term))})")
        return hit.iloc[0]

    def predict(self, data: pd.DataFrame, exposure: pd.Series | np.ndarray | None = None
                ) -> np.ndarray:
        """Expected outcome for posts described like the fitting frame."""
        if self.design is None or self.params is None:
            raise ValueError(self.reason or "no fitted model")
        x = self.design.matrix(data).to_numpy()
        eta = x @ self.params[list(self.design.columns)].to_numpy()
        if exposure is not None:
            eta = eta + np.log(np.asarray(exposure, dtype=float))
        return np.exp(eta)

    def predict_median(self, data: pd.DataFrame, exposure: pd.Series | np.ndarray | None = None
                       ) -> np.ndarray:
        """Median of the NB2 predictive distribution: the point forecast that minimises the
        expected absolute error (the mean over-predicts a typical post of a skewed count)."""
        mu = self.predict(data, exposure)
        a = float(self.alpha)
        return stats.nbinom.median(1.0 / a, 1.0 / (1.0 + a * mu))

    def interval(self, term: str, level: str, conf: float = 0.95) -> tuple[float, float]:
        """Wald interval of one rate ratio at another confidence level."""
        row = self.effect(term, level)
        z = stats.norm.ppf(0.5 + conf / 2)
        b = np.log(row["rate_ratio"])
        return float(np.exp(b - z * row["se_log"])), float(np.exp(b + z * row["se_log"]))

    def summary_frame(self) -> pd.DataFrame:
        if not self.ok:
            return pd.DataFrame({"note": [self.reason]})
        df = self.effects[["term", "level", "reference", "rate_ratio", "low", "high", "p_holm",
                           "n"]].copy()
        df[["rate_ratio", "low", "high"]] = df[["rate_ratio", "low", "high"]].astype(float).round(2)
        df["p_holm"] = df["p_holm"].astype(float).map(lambda p: float(f"{p:.2g}"))
        return df.rename(columns={"rate_ratio": "rate ratio", "low": "95% low",
                                  "high": "95% high", "p_holm": "p (Holm)", "n": "posts"})

    def sentence(self, lang: Any = None, terms: Sequence[str] = CONTENT_TERMS) -> str:
        """The headline for the client: the clearest gain and loss, and the holdout check."""
        from smm_nb.report.language import Language

        lang = lang if lang is not None else Language("en")
        if not self.ok:
            return lang.text(f"There is not enough data to model what drives results "
                             f"({self.reason}).",
                             f"Sonuçları neyin belirlediğini modellemek için yeterli veri yok "
                             f"({self.reason}).")
        per = {"reach": ("per person reached", "erişilen kişi başına"),
               "impressions": ("per impression", "gösterim başına")}.get(
            self.exposure or "", ("", ""))
        eff = self.effects[self.effects["term"].isin(terms) & (self.effects["p_holm"] < 0.05)
                           & (self.effects["level"] != "other")]
        parts = []
        for sign in (1, -1):
            side = eff[np.sign(np.log(eff["rate_ratio"].astype(float))) == sign]
            if side.empty:
                continue
            r = side.iloc[int(np.argmax(sign * np.log(side["rate_ratio"].astype(float))))]
            iv = lang.interval(r["low"], r["high"], "ratio", 2)
            lv, ref = str(r["level"]), str(r["reference"])
            parts.append(lang.text(
                f"{r['term'].replace('_', ' ')} {lv}: {lang.ratio(r['rate_ratio'])} the "
                f"engagements {per[0]} of {ref} (95% CI {iv})",
                f"{TERM_TR.get(r['term'], r['term'])} {FORMAT_TR.get(lv, lv)}: "
                f"{FORMAT_TR.get(ref, ref)} düzeyine göre {per[1]} "
                f"{lang.ratio(r['rate_ratio'])} etkileşim (%95 GA {iv})"))
        if parts:
            head = lang.text("All else equal, " + "; ".join(parts) + ".",
                             "Diğer her şey sabitken, " + "; ".join(parts) + ".")
            if self.sampled_from:
                head += " " + lang.text(
                    f"(Estimated on a random sample of {lang.number(self.n)} of the "
                    f"{lang.number(self.sampled_from)} posts.)",
                    f"({lang.number(self.sampled_from)} gönderiden rastgele seçilen "
                    f"{lang.number(self.n)} gönderi üzerinde tahmin edildi.)")
        else:
            head = lang.text("No content or timing factor stands out clearly yet.",
                             "Henüz hiçbir içerik ya da zaman etkeni açıkça öne çıkmıyor.")
        h = self.holdout
        if h is not None:
            better = h.mae_model < h.mae_naive
            head += " " + lang.text(
                f"On the latest {h.n_test} posts, predicted from the earlier ones, the model's "
                f"mean absolute error is {lang.number(h.mae_model, 1)} engagements against "
                f"{lang.number(h.mae_naive, 1)} for a naive forecast (MAPE "
                f"{lang.percent(h.mape_model, 0)} vs {lang.percent(h.mape_naive, 0)})"
                + ("." if better else ": it adds little beyond the platform's typical rate."),
                f"Son {h.n_test} gönderi öncekilerden tahmin edildiğinde modelin ortalama mutlak "
                f"hatası {lang.number(h.mae_model, 1)} etkileşim, basit tahmininki "
                f"{lang.number(h.mae_naive, 1)} (MAPE {lang.percent(h.mape_model, 0)} ve "
                f"{lang.percent(h.mape_naive, 0)})"
                + ("." if better else "; model platformun olağan oranına pek bir şey "
                                      "eklemiyor."))
        return head

    def to_findings(self, key: str) -> list[Finding]:
        label = OUTCOME_LABELS.get(self.outcome, self.outcome)
        basis = (f"negative binomial (NB2) model of {label}"
                 + (f" per {self.exposure}" if self.exposure else "")
                 + "; rate ratio against the reference level, 95% Wald CI"
                 + (f"; fitted on a seeded random sample of {self.n:,} of "
                    f"{self.sampled_from:,} posts" if self.sampled_from else ""))
        if not self.ok:
            return [Finding(f"{key}.model", None, f"No driver model: {self.reason}", "rate_ratio",
                            basis, n=self.n)]
        out = []
        for row in self.effects.itertuples():
            lev = _slug(str(row.level))
            out.append(Finding(
                f"{key}.{row.term}.{lev}", float(row.rate_ratio),
                f"{row.term} = {row.level} vs {row.reference}: x{row.rate_ratio:.2f} "
                f"(95% CI {row.low:.2f}-{row.high:.2f}, Holm p = {row.p_holm:.3g})",
                "rate_ratio", basis, float(row.low), float(row.high), int(row.n)))
        if self.alpha is not None:
            out.append(Finding(f"{key}.dispersion_alpha", float(self.alpha),
                               f"NB2 dispersion alpha = {self.alpha:.2f} (0 = Poisson)", "ratio",
                               basis, n=self.n))
        h = self.holdout
        if h is not None:
            out.append(Finding(f"{key}.holdout.mape", h.mape_model,
                               f"Out-of-sample MAPE {h.mape_model:.0%} on {h.n_test} posts "
                               f"({h.scheme}); naive forecast {h.mape_naive:.0%}", "ratio",
                               f"mean absolute percentage error, {h.scheme}", n=h.n_test))
            out.append(Finding(f"{key}.holdout.mape_naive", h.mape_naive,
                               f"Naive forecast ({h.naive}): MAPE {h.mape_naive:.0%}", "ratio",
                               f"mean absolute percentage error, {h.scheme}", n=h.n_test))
        return out


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9_\-]+", "_", s.lower()).strip("_") or "x"


# --------------------------------------------------------------------------- core model

def _levels(series: pd.Series, reference: str | None, min_level_n: int
            ) -> tuple[pd.Series, str, tuple[str, ...]]:
    """Rare levels pooled into "other"; returns the recoded series, reference, other levels."""
    s = series.astype("string").fillna("unknown")
    counts = s.value_counts()
    rare = counts[counts < min_level_n].index
    if len(rare) and len(counts) - len(rare) >= 1:
        s = s.where(~s.isin(rare), "other")
    counts = s.value_counts()
    ref = reference if reference in counts.index else str(counts.index[0])
    others = tuple(str(v) for v in counts.index if v != ref)
    return s, ref, tuple(sorted(others))


def fit_count_model(data: pd.DataFrame, outcome: str, factors: Sequence[str],
                    numeric: Sequence[str] = (), exposure: str | None = None,
                    references: dict[str, str] | None = None, min_level_n: int = 5,
                    posts_per_parameter: float = 8.0, min_n: int = 30,
                    maxiter: int = 300) -> DriverResult:
    """Fit an NB2 count model of ``outcome`` on categorical ``factors`` and ``numeric``
    columns, with ``log(exposure)`` as offset when given.

    Terms enter in the given order while there are at least ``posts_per_parameter``
    observations per coefficient; those that do not fit are listed in ``left_out``.
    Levels with fewer than ``min_level_n`` observations are pooled into ``"other"``.
    """
    references = {**REFERENCES, **(references or {})}
    df = data.copy()
    df = df[df[outcome].notna()]
    if exposure:
        df = df[pd.to_numeric(df[exposure], errors="coerce") > 0]
    for c in numeric:
        df = df[np.isfinite(pd.to_numeric(df[c], errors="coerce").astype(float))]
    n = len(df)
    method = ("negative binomial NB2 (maximum likelihood, alpha estimated jointly)"
              + (f", offset log({exposure})" if exposure else ""))
    if n < min_n:
        return DriverResult(outcome, exposure, n, None, _empty_effects(), None, method,
                            reason=f"{n} usable observations (at least {min_n} needed)")
    budget = max(int(n / posts_per_parameter) - 1, 0)
    used_f: dict[str, tuple[str, tuple[str, ...]]] = {}
    used_n: list[str] = []
    left_out = []
    order = [("factor", f) for f in factors] + [("numeric", c) for c in numeric]
    # factors and numeric terms keep their given priority within their kinds
    for kind, col in order:
        if kind == "factor":
            s, ref, others = _levels(df[col], references.get(col), min_level_n)
            if not others:
                left_out.append(f"{col} (one level only)")
                continue
            if len(others) > budget:
                left_out.append(f"{col} (too few observations for {len(others)} more effects)")
                continue
            df[col] = s
            used_f[col] = (ref, others)
            budget -= len(others)
        else:
            if budget < 1 or pd.to_numeric(df[col]).std() == 0:
                left_out.append(f"{col} (too few observations or constant)")
                continue
            used_n.append(col)
            budget -= 1
    names = ["const"] + [f"{c}[{lev}]" for c, (_r, lv) in used_f.items() for lev in lv] + used_n
    design = Design(used_f, tuple(used_n), tuple(names))
    fit = _fit_nb2(df, outcome, exposure, design, maxiter)
    if fit is None:
        return DriverResult(outcome, exposure, n, None, _empty_effects(), None, method,
                            tuple(left_out), reason="the model did not converge")
    params, cov, alpha, pvalues = fit
    effects = _effects(df, design, params, cov, pvalues)
    return DriverResult(outcome, exposure, n, alpha, effects, None, method, tuple(left_out),
                        design=design, params=params, cov=cov)


def _fit_nb2(df: pd.DataFrame, outcome: str, exposure: str | None, design: Design,
             maxiter: int):
    y = pd.to_numeric(df[outcome]).to_numpy(dtype=float)
    x = design.matrix(df)
    offset = (np.log(pd.to_numeric(df[exposure]).to_numpy(dtype=float)) if exposure else None)
    # Poisson start values: the optimiser then needs a few dozen steps on typical post data
    start = np.append(_poisson_start(y, np.asarray(x, dtype=float), offset), 0.5)
    # check_rank=False: the design was built term by term with its degrees of freedom
    # budgeted; the rank check is a QR of the whole design on every fit
    model = sm.NegativeBinomial(y, x, loglike_method="nb2", offset=offset, check_rank=False)
    res = None
    # BFGS first: from this start Newton's first step takes alpha below zero on every demo
    # fit (NaN likelihood after two iterations, a fifth of the model's time wasted before
    # BFGS ran anyway); Newton stays as the fallback. Both stop at the same maximum
    # (tests/analysis/test_drivers.py checks the fit against statsmodels' Newton fit)
    for method in ("bfgs", "newton"):
        try:
            # Newton steps may try a negative alpha on the way (log warnings); only the
            # converged fit is used
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = model.fit(start_params=start, method=method, maxiter=maxiter, disp=0)
        except (np.linalg.LinAlgError, ValueError):
            continue
        if r.mle_retvals.get("converged", False) and np.all(np.isfinite(r.bse)):
            res = r
            break
    if res is None:
        return None
    params = res.params.drop("alpha")
    cov = res.cov_params().drop(index="alpha", columns="alpha")
    return params, cov, float(res.params["alpha"]), res.pvalues.drop("alpha")


def _poisson_start(y: np.ndarray, x: np.ndarray, offset: np.ndarray | None) -> np.ndarray:
    """Poisson regression coefficients by IRLS on the normal equations: the start values
    of the NB2 fit (only its speed depends on them). statsmodels' GLM gives the same
    numbers but pays an SVD rank check of the design on every call."""
    off = np.zeros(len(y)) if offset is None else offset
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(max(y.mean(), 1e-9) / max(np.exp(off).mean(), 1e-300))
    try:
        for _ in range(50):
            eta = np.clip(x @ beta + off, -700, 700)
            mu = np.exp(eta)
            z = eta - off + (y - mu) / mu
            new = np.linalg.solve(x.T @ (mu[:, None] * x), x.T @ (mu * z))
            if not np.all(np.isfinite(new)):
                raise np.linalg.LinAlgError
            done = np.max(np.abs(new - beta)) < 1e-8
            beta = new
            if done:
                break
        return beta
    except np.linalg.LinAlgError:
        return sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit().params \
            .to_numpy()


def _empty_effects() -> pd.DataFrame:
    return pd.DataFrame(columns=["term", "level", "reference", "rate_ratio", "low", "high",
                                 "p_value", "p_holm", "n", "se_log"])


def _effects(df: pd.DataFrame, design: Design, params: pd.Series, cov: pd.DataFrame,
             pvalues: pd.Series) -> pd.DataFrame:
    rows = []
    z = 1.959963984540054
    # posts per level, one count per factor (not one string conversion per level)
    counts = {t: df[t].astype("string").value_counts() for t in design.factors}
    for name in design.columns[1:]:
        b, se = float(params[name]), float(np.sqrt(cov.loc[name, name]))
        if "[" in name:
            term, level = name[:-1].split("[", 1)
            ref = design.factors[term][0]
            n = int(counts[term].get(level, 0))
        else:
            term, level, ref, n = name, "per unit", "", len(df)
        rows.append({"term": term, "level": level, "reference": ref, "rate_ratio": np.exp(b),
                     "low": np.exp(b - z * se), "high": np.exp(b + z * se),
                     "p_value": float(pvalues[name]), "n": n, "se_log": se})
    eff = pd.DataFrame(rows)
    if eff.empty:
        return _empty_effects()
    # smm_nb's Holm (statsmodels' multipletests runs a full garbage collection per call)
    eff["p_holm"] = holm(eff["p_value"].to_numpy())
    return eff[list(_empty_effects().columns)]


# --------------------------------------------------------------------------- accuracy

def _errors(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """MAE, MAPE and median APE; the percentage errors skip outcomes of 0 (undefined)."""
    mae = float(np.mean(np.abs(y - pred)))
    pos = y > 0
    if not pos.any():
        return mae, float("nan"), float("nan")
    ape = np.abs(y[pos] - pred[pos]) / y[pos]
    return mae, float(np.mean(ape)), float(np.median(ape))


def _naive(train: pd.DataFrame, test: pd.DataFrame, outcome: str, exposure: str | None,
           group: str | None) -> np.ndarray:
    """Training median rate (per group) x exposure; without exposure, the median outcome."""
    y = pd.to_numeric(train[outcome]).astype(float)
    rate = y / pd.to_numeric(train[exposure]).astype(float) if exposure else y
    overall = float(rate.median())
    if group and group in train:
        by = rate.groupby(train[group].astype("string").to_numpy()).median()
        r = test[group].astype("string").map(by).astype(float).fillna(overall).to_numpy()
    else:
        r = np.full(len(test), overall)
    return r * (pd.to_numeric(test[exposure]).to_numpy(dtype=float) if exposure else 1.0)


def holdout_check(data: pd.DataFrame, outcome: str, factors: Sequence[str],
                  numeric: Sequence[str] = (), exposure: str | None = None,
                  time_column: str | None = None, test_share: float = 0.25,
                  folds: int | None = None, naive_group: str | None = "platform",
                  seed: int = 0, **kw: Any) -> HoldoutCheck | None:
    """Out-of-sample MAE and MAPE of the model against the naive forecast.

    With ``time_column``, the last ``test_share`` of observations (in time) are predicted
    from a fit on the earlier ones; with ``folds``, a seeded k-fold cross-validation is
    used instead (pooled errors over folds). Returns None when a split is too thin.
    """
    df = data[data[outcome].notna()].copy()
    if exposure:
        df = df[pd.to_numeric(df[exposure], errors="coerce") > 0]
    if folds:
        idx = np.random.default_rng(seed).permutation(len(df))
        splits = [(np.setdiff1d(idx, part), part) for part in np.array_split(idx, folds)]
        scheme = f"{folds}-fold cross-validation"
    else:
        df = df.sort_values(time_column, kind="stable") if time_column else df
        cut = int(round(len(df) * (1 - test_share)))
        splits = [(np.arange(cut), np.arange(cut, len(df)))]
        scheme = "time-ordered split (last {:.0%} of posts)".format(test_share)
    ys, preds, naives = [], [], []
    n_train = 0
    for tr, te in splits:
        train, test = df.iloc[tr], df.iloc[te]
        if len(te) < 10:
            return None
        res = fit_count_model(train, outcome, factors, numeric, exposure, **kw)
        if not res.ok:
            return None
        test = _recode_like(test, res.design)
        ex = pd.to_numeric(test[exposure]).to_numpy(dtype=float) if exposure else None
        ys.append(pd.to_numeric(test[outcome]).to_numpy(dtype=float))
        preds.append(res.predict_median(test, ex))
        naives.append(_naive(train, test, outcome, exposure, naive_group))
        n_train = max(n_train, len(train))
    y, p, nv = np.concatenate(ys), np.concatenate(preds), np.concatenate(naives)
    mae_m, mape_m, mdape_m = _errors(y, p)
    mae_n, mape_n, mdape_n = _errors(y, nv)
    naive = ("training median " + (f"{outcome} per {exposure}" if exposure else outcome)
             + (f" of the {naive_group}" if naive_group and naive_group in df else "")
             + (f" x {exposure}" if exposure else ""))
    return HoldoutCheck(scheme, n_train, len(y), mae_m, mae_n, mape_m, mape_n, naive, mdape_m,
                        mdape_n)


def _recode_like(test: pd.DataFrame, design: Design) -> pd.DataFrame:
    """Map test levels onto the fitted ones: pooled rare levels to "other" (when fitted),
    anything else unseen to the reference."""
    test = test.copy()
    for col, (ref, levels) in design.factors.items():
        s = test[col].astype("string").fillna("unknown")
        known = set(levels) | {ref}
        fallback = "other" if "other" in known else ref
        test[col] = s.where(s.isin(known), fallback)
    return test


# --------------------------------------------------------------------------- posts

def driver_frame(posts: pd.DataFrame, windows: Sequence[tuple[int, str]] = ()) -> pd.DataFrame:
    """The modelling frame from prepared posts (see :func:`~smm_nb.analysis.prepare.prepare_posts`):
    factor columns as labels, ``log_followers`` and an optional ``window`` indicator."""
    df = posts.copy()
    df["weekday"] = pd.Series(np.asarray(WEEKDAYS, dtype=object)[df["weekday"].to_numpy()],
                              index=df.index).astype("string")
    df["hour_block"] = df["hour_block"].astype("string")
    paid = df["paid"].astype("boolean")
    df["paid"] = pd.Series(np.where(paid.fillna(False).to_numpy(dtype=bool), "paid", "organic"),
                           index=df.index).astype("string")
    df["category"] = df["category"].astype("string").fillna("uncategorised")
    # posts in a content experiment carry its treatment: without this term an arm's lift
    # would be credited to the format the experiment used
    arm = (df["experiment"].astype("string") + ":" + df["arm"].astype("string"))
    df["test_arm"] = arm.fillna("none").astype("string")
    f = pd.to_numeric(df["followers_at_post"], errors="coerce").astype(float)
    df["log_followers"] = np.log(f.where(f > 0))
    if windows:
        inside = pd.Series(False, index=df.index)
        for wd, block in windows:
            inside |= (df["weekday"] == WEEKDAYS[wd]) & (df["hour_block"] == block)
        label = " + ".join(f"{WEEKDAYS[wd]} {b}" for wd, b in windows)
        df["window"] = pd.Series(np.where(inside.to_numpy(dtype=bool), label, "other"),
                                 index=df.index).astype("string")
    return df


def fit_drivers(posts: pd.DataFrame, outcome: str = "engagements_public",
                exposure: str | None = "reach",
                windows: Sequence[tuple[int, str]] = (), test_share: float = 0.25,
                max_posts: int | None = 20_000, seed: int = 0, **kw: Any) -> DriverResult:
    """What drives ``outcome`` per ``exposure`` across a client's posts.

    Parameters
    ----------
    posts : DataFrame
        Prepared posts (:func:`~smm_nb.analysis.prepare.prepare_posts`).
    outcome : str
        A count column: ``engagements_public`` (default), ``reach`` or ``clicks``.
    exposure : str or None
        ``reach`` or ``impressions`` (the offset); None models the raw count.
    windows : sequence of (weekday, hour block)
        Pre-specified posting windows to estimate as one extra term, e.g.
        ``[(3, "18-21")]`` for Thursday 18-21 (0 = Monday). Choose them before looking,
        or on earlier data: a window picked as the best on the same posts is biased upward.
    max_posts : int or None
        Above this many posts the model is fitted on a seeded random sample of that size
        (kept in time order, so the holdout is still the latest quarter of the sample):
        on 20,000 posts a rate ratio's interval is already a few percent wide, and a
        million posts would cost a minute and gigabytes for precision nobody reads. The
        result says so (``sampled_from``).
    """
    total = len(posts)
    if max_posts is not None and total > max_posts:
        keep = np.sort(np.random.default_rng(seed).choice(total, max_posts, replace=False))
        posts = posts.iloc[keep]
    df = driver_frame(posts, windows)
    factors = [t for t in POST_TERMS if t != "log_followers"]
    numeric = []
    if df["log_followers"].notna().mean() >= 0.9 and df["log_followers"].notna().sum() > 0:
        numeric.append("log_followers")
        df = df[df["log_followers"].notna()]
    if windows:
        factors.insert(2, "window")
    res = fit_count_model(df, outcome, factors, numeric, exposure, **kw)
    if res.ok and len(df) >= 60:
        check = holdout_check(df, outcome, factors, numeric, exposure,
                              time_column="published_at", test_share=test_share, **kw)
        res = _with_holdout(res, check)
    if len(posts) < total:
        from dataclasses import replace

        res = replace(res, sampled_from=total)
    return res


def _with_holdout(res: DriverResult, check: HoldoutCheck | None) -> DriverResult:
    from dataclasses import replace

    return replace(res, holdout=check)


def sensitivity_importance(result: DriverResult, data: pd.DataFrame,
                           inputs: dict[str, Sequence[str]], grid: int = 7) -> pd.DataFrame:
    """Relative importance of each input by one-dimensional sensitivity analysis.

    For each input (a name -> the model columns it feeds, e.g. ``{"likes":
    ["log_likes"]}``), every observation is set to each level of that input (factors) or to
    ``grid`` quantiles (numeric), the mean prediction is taken, and the input's importance
    is the range of those means; shares sum to 1. An input of several columns (inputs that
    move together, such as month and page likes of a growing page) is varied jointly over
    the levels of its first column, the others set to their median within that level;
    varying nearly collinear columns one at a time would read an unidentified split of
    their joint effect as importance. This follows the data-based sensitivity
    analysis used by Cortez & Embrechts (2013) and Moro, Rita & Vala (2016).
    """
    if not result.ok:
        raise ValueError(result.reason)
    design = result.design
    data = _recode_like(data, design)
    ranges = {}
    for name, cols in inputs.items():
        col = cols[0]
        if len(cols) > 1 and col in design.factors:
            ref, levels = design.factors[col]
            means = []
            for v in [ref, *levels]:
                d = data.copy()
                d[col] = v
                at = data[col].astype("string") == v
                for other in cols[1:]:
                    d[other] = float(pd.to_numeric(data.loc[at, other]).median())
                ex = (pd.to_numeric(d[result.exposure]).to_numpy(float) if result.exposure
                      else None)
                means.append(float(np.mean(result.predict(d, ex))))
            ranges[name] = max(means) - min(means)
            continue
        if col in design.factors:
            ref, levels = design.factors[col]
            values = [ref, *levels]
        elif col in design.numeric:
            values = list(np.quantile(pd.to_numeric(data[col]).astype(float),
                                      np.linspace(0, 1, grid)))
        else:
            ranges[name] = 0.0
            continue
        means = []
        for v in values:
            d = data.copy()
            d[col] = v
            ex = pd.to_numeric(d[result.exposure]).to_numpy(float) if result.exposure else None
            means.append(float(np.mean(result.predict(d, ex))))
        ranges[name] = max(means) - min(means)
    total = sum(ranges.values()) or 1.0
    out = pd.DataFrame({"input": list(ranges), "range": list(ranges.values())})
    out["importance"] = out["range"] / total
    return out.sort_values("importance", ascending=False, ignore_index=True)
