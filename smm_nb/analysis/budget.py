"""Where to move budget: response curves with diminishing returns, and the best split.

Per platform, daily conversions (or another daily outcome) are modelled as

    E[y_t] = c + a * log(1 + s_t / b)

with ``s_t`` the day's spend: ``c`` is what comes without spend, ``a`` scales the curve
and ``b`` is the spend at which returns start to diminish (the marginal return at spend
``s`` is ``a / (b + s)``). The parameters are fitted by Poisson maximum likelihood (the
point estimates stay consistent when counts are over-dispersed) and their intervals come
from a bootstrap over days, which carries the over-dispersion the Poisson likelihood
ignores.

The split of the same total daily budget that maximises expected conversions, with each
platform's spend kept within ``+/- max_change`` of its current level, is found by water
filling (the objective is concave and separable: equalise the marginal returns
``a_p / (b_p + s_p)``). Its uncertainty is the distribution of the gain over the current
split across the bootstrap draws.

This is **observational**: spend was not assigned at random, so days with more spend may
differ in other ways (season, offers, creative). The curve describes the history; an
experiment (a planned budget change on one platform) is what proves it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from smm_nb.report.findings import Finding

MIN_DAYS = 30
OBSERVATIONAL = ("observational: fitted to past daily spend, which was not randomised; "
                 "treat the curve as a hypothesis to test")


@dataclass(frozen=True)
class ResponseCurve:
    """One platform's fitted curve; ``draws`` holds bootstrap (c, a, b) rows."""

    platform: str
    n_days: int
    current_spend: float
    c: float | None = None
    a: float | None = None
    b: float | None = None
    ci: dict[str, tuple[float, float]] = field(default_factory=dict)
    spend_range: tuple[float, float] = (0.0, 0.0)
    reason: str | None = None
    draws: np.ndarray | None = field(default=None, compare=False, repr=False)
    days: pd.DataFrame | None = field(default=None, compare=False, repr=False)  # spend, y

    @property
    def ok(self) -> bool:
        return self.reason is None

    def expected(self, spend: np.ndarray | float) -> np.ndarray:
        return _curve(np.asarray(spend, dtype=float), self.c, self.a, self.b)

    def band(self, spend: np.ndarray, conf: float = 0.95) -> pd.DataFrame:
        """Expected outcome over ``spend`` with its bootstrap interval."""
        spend = np.asarray(spend, dtype=float)
        sims = _curve(spend[None, :], self.draws[:, :1], self.draws[:, 1:2], self.draws[:, 2:3])
        q = (1 - conf) / 2
        return pd.DataFrame({"spend": spend, "expected": self.expected(spend),
                             "low": np.quantile(sims, q, axis=0),
                             "high": np.quantile(sims, 1 - q, axis=0)})

    def marginal(self, spend: float) -> tuple[float, float, float]:
        """Extra outcome per extra currency unit at ``spend``: estimate, 95% interval."""
        est = self.a / (self.b + spend)
        d = self.draws[:, 1] / (self.draws[:, 2] + spend)
        return float(est), float(np.quantile(d, 0.025)), float(np.quantile(d, 0.975))


@dataclass(frozen=True)
class BudgetResult:
    outcome: str
    currency: str
    curves: tuple[ResponseCurve, ...]
    split: pd.DataFrame  # platform, current, proposed, change, proposed_low, proposed_high
    # (daily spend in the client's currency; change as a ratio)
    total: float
    max_change: float
    gain: tuple[float, float, float] | None  # outcome per day: estimate, 95% interval
    prob_gain: float | None
    expected_now: float | None
    reason: str | None = None
    note: str = OBSERVATIONAL

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def title(self) -> str:
        return f"Response of daily {self.outcome} to daily spend (observational)"

    def curve(self, platform: str) -> ResponseCurve:
        for c in self.curves:
            if c.platform == platform:
                return c
        raise KeyError(platform)

    def summary_frame(self) -> pd.DataFrame:
        rows = []
        for c in self.curves:
            if not c.ok:
                rows.append({"platform": c.platform, "days": c.n_days, "note": c.reason})
                continue
            m, ml, mh = c.marginal(c.current_spend)
            rows.append({
                "platform": c.platform, "days": c.n_days,
                f"current daily spend ({self.currency})": round(c.current_spend, 2),
                "a": round(c.a, 2), "a 95%": f"{c.ci['a'][0]:.2f}-{c.ci['a'][1]:.2f}",
                "b": round(c.b, 1), "b 95%": f"{c.ci['b'][0]:.1f}-{c.ci['b'][1]:.1f}",
                f"{self.outcome} per 100 {self.currency} more": round(100 * m, 2),
                "95% interval": f"{100 * ml:.2f}-{100 * mh:.2f}", "note": ""})
        return pd.DataFrame(rows)

    def sentence(self, lang: Any = None) -> str:
        from smm_nb.report.language import Language

        lang = lang if lang is not None else Language("en")
        if not self.ok:
            tr_why = ("harcama verisi yok" if self.reason == "no spend data"
                      else f"yeterli veri yok ({self.reason})")
            return lang.text(f"No budget advice: {self.reason}.",
                             f"Bütçe önerisi yok: {tr_why}.")
        g, lo, hi = self.gain
        moves = "; ".join(f"{r.platform} {lang.money(r.current, self.currency)} → "
                          f"{lang.money(r.proposed, self.currency)}"
                          for r in self.split.itertuples())
        iv = lang.interval(lo, hi, "number", 2)
        return lang.text(
            f"Re-splitting the same {lang.money(self.total, self.currency)} a day ({moves}) "
            f"would add about {lang.number(g, 2)} {self.outcome} a day (95% CI {iv}; chance of "
            f"any gain {lang.percent(self.prob_gain, 0)}). This is read from past spend, not "
            f"from an experiment: make the change on one platform first and measure it.",
            f"Aynı günlük {lang.money(self.total, self.currency)} bütçeyi yeniden dağıtmak "
            f"({moves}) günde yaklaşık {lang.number(g, 2)} dönüşüm daha getirir (%95 GA {iv}; "
            f"kazanç olasılığı {lang.percent(self.prob_gain, 0)}). Bu bir deneyden değil, "
            f"geçmiş harcamadan okunuyor: değişikliği önce tek bir platformda yapıp ölçün.")

    def to_findings(self, key: str) -> list[Finding]:
        basis = (f"daily {self.outcome} = c + a*log(1 + spend/b), Poisson ML, day bootstrap; "
                 + OBSERVATIONAL)
        out = []
        for c in self.curves:
            k = f"{key}.{c.platform}.marginal_per_100"
            if not c.ok:
                out.append(Finding(k, None, f"No response curve for {c.platform}: {c.reason}",
                                   "count", basis, n=c.n_days))
                continue
            m, ml, mh = c.marginal(c.current_spend)
            out.append(Finding(k, 100 * m, f"{c.platform}: 100 {self.currency} more a day "
                                           f"brings about {100 * m:.2f} more {self.outcome} "
                                           f"(95% CI {100 * ml:.2f}-{100 * mh:.2f})", "count",
                               basis, 100 * ml, 100 * mh, c.n_days))
        if not self.ok:
            out.append(Finding(f"{key}.gain_per_day", None, f"No budget split: {self.reason}",
                               "count", basis))
            return out
        g, lo, hi = self.gain
        out.append(Finding(f"{key}.gain_per_day", g,
                           f"Re-splitting the same {self.total:,.0f} {self.currency} a day "
                           f"(each platform within +/-{self.max_change:.0%}) adds about "
                           f"{g:.2f} {self.outcome} a day (95% CI {lo:.2f}-{hi:.2f}; chance of "
                           f"any gain {self.prob_gain:.0%})", "count", basis, lo, hi))
        out.append(Finding(f"{key}.prob_gain", self.prob_gain,
                           f"Chance that the proposed split beats the current one: "
                           f"{self.prob_gain:.0%}", "probability", basis))
        for r in self.split.itertuples():
            out.append(Finding(f"{key}.{r.platform}.proposed_daily_spend", float(r.proposed),
                               f"{r.platform}: {r.current:,.0f} -> {r.proposed:,.0f} "
                               f"{self.currency} a day", "currency", basis,
                               float(r.proposed_low), float(r.proposed_high)))
        return out


def _curve(s, c, a, b):
    return c + a * np.log1p(s / b)


# --------------------------------------------------------------------------- fitting

def _negll(theta: np.ndarray, s: np.ndarray, y: np.ndarray, w: np.ndarray
           ) -> tuple[float, np.ndarray]:
    """Poisson negative log-likelihood in log-parameters, with its gradient."""
    c, a, b = np.exp(theta)
    lg = np.log1p(s / b)
    mu = c + a * lg
    score = w * (y / mu - 1.0)
    grad = -np.array([(score * c).sum(), (score * a * lg).sum(),
                      (score * (-a * s / (b + s))).sum()])
    return float(-(w * (y * np.log(mu) - mu)).sum()), grad


def fit_curve(spend: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None,
              start: np.ndarray | None = None) -> np.ndarray:
    """Poisson ML of (c, a, b) for ``E[y] = c + a*log1p(spend/b)``."""
    spend, y = np.asarray(spend, float), np.asarray(y, float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, float)
    if start is None:
        pos = spend > 0
        b0 = float(np.median(spend[pos])) if pos.any() else 1.0
        c0 = max(float(y[~pos].mean()) if (~pos).any() else 0.0, 1e-3 * max(y.mean(), 1e-3))
        a0 = max((y.mean() - c0) / max(np.log1p(spend / b0).mean(), 1e-6), 1e-3)
        start = np.log([c0, a0, b0])
    res = optimize.minimize(_negll, start, args=(spend, y, w), method="TNC", jac=True,
                            bounds=[(-12, 12), (-12, 12), (np.log(1e-3), np.log(1e7))])
    return np.exp(res.x)


_BOUNDS = np.array([(-12, 12), (-12, 12), (np.log(1e-3), np.log(1e7))])


def _score_info(c: np.ndarray, a: np.ndarray, lg: np.ndarray, r: np.ndarray, mu: np.ndarray,
                w: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poisson score and Fisher information in the log-parameters, per row.

    d mu / d log(c, a, b) = (c, a*lg, -a*r) with lg = log1p(s/b) and r = s/(b+s); the
    sums over days are taken once per distinct product (contiguous row sums) instead of
    over a rows x days x 3 Jacobian, which costs three times as much memory traffic."""
    u = w * (y / mu - 1.0)
    v = w / mu
    su, sul, sur = u.sum(axis=1), (u * lg).sum(axis=1), (u * r).sum(axis=1)
    vl, vr = v * lg, v * r
    sv, svl, svr = v.sum(axis=1), vl.sum(axis=1), vr.sum(axis=1)
    svll, svlr, svrr = (vl * lg).sum(axis=1), (vl * r).sum(axis=1), (vr * r).sum(axis=1)
    c, a = c[:, 0], a[:, 0]
    score = np.stack([c * su, a * sul, -a * sur], axis=1)
    i01, i02, i12 = c * a * svl, -c * a * svr, -a * a * svlr
    info = np.stack([np.stack([c * c * sv, i01, i02], axis=1),
                     np.stack([i01, a * a * svll, i12], axis=1),
                     np.stack([i02, i12, a * a * svrr], axis=1)], axis=1)
    return score, info


def fit_curves(spend: np.ndarray, y: np.ndarray, weights: np.ndarray, start: np.ndarray,
               tol: float = 1e-6, maxiter: int = 50, block: int = 32768) -> np.ndarray:
    """:func:`fit_curve` for many weight vectors at once (rows of ``weights``, e.g.
    bootstrap resamples as counts per day), all started from ``start``.

    Fisher scoring on the log-parameters, vectorised over the rows, with step halving
    where a step would lower a row's likelihood; rows that do not converge within
    ``maxiter`` steps or end outside :func:`fit_curve`'s bounds are refitted one by one
    with :func:`fit_curve` (same likelihood, same bounds).

    The rows are fitted in blocks of about ``block`` numbers (rows x days): every row is
    fitted on its own (row-wise arithmetic and sums), so the blocks give the same numbers
    as one pass, and arrays of this size are reused by the allocator instead of being
    mapped fresh from the system for every operation (at 300 resamples x 650 days the
    page faults of 1.5 MB temporaries cost more than the arithmetic)."""
    spend, y = np.asarray(spend, float), np.asarray(y, float)
    w = np.asarray(weights, float)
    rows = max(1, block // max(len(y), 1))
    if len(w) <= rows:
        return _fit_curves_block(spend, y, w, np.asarray(start, float), tol, maxiter)
    return np.concatenate([_fit_curves_block(spend, y, w[i:i + rows],
                                             np.asarray(start, float), tol, maxiter)
                           for i in range(0, len(w), rows)])


def _fit_curves_block(spend: np.ndarray, y: np.ndarray, w: np.ndarray, start: np.ndarray,
                      tol: float, maxiter: int) -> np.ndarray:
    k = len(w)
    theta = np.tile(start, (k, 1))

    def parts(th):
        c, a, b = (np.exp(th[:, i])[:, None] for i in range(3))
        lg = np.log1p(spend / b)
        mu = c + a * lg
        return c, a, b, lg, mu

    def negll(mu, ww):
        with np.errstate(all="ignore"):
            v = -(ww * (y * np.log(mu) - mu)).sum(axis=1)
        return np.where(np.isfinite(v) & (mu > 0).all(axis=1), v, np.inf)

    # log1p(spend/b) and the mean at each row's current parameters, kept from the step
    # that moved there instead of computed again (elementwise, so the same numbers)
    _c, _a, _b, lgs, mus = parts(theta)
    f = negll(mus, w)
    done = np.zeros(k, bool)
    eye = np.eye(3)
    for _ in range(maxiter):
        # only the rows still moving are computed: most resamples converge in a few
        # steps, a few take many (a converged row's step is 0, so the result is the same)
        act = np.flatnonzero(~done)
        th, wa, fa = theta[act], w[act], f[act]
        c, a, b = (np.exp(th[:, i])[:, None] for i in range(3))
        full = len(act) == k
        lg, mu = (lgs, mus) if full else (lgs[act], mus[act])
        score, info = _score_info(c, a, lg, spend / (b + spend), mu, wa, y)
        # a parameter held at its bound by a score pointing outward stays there (the
        # bounded optimum, as in fit_curve); the others take the step of the reduced system
        held = (((th <= _BOUNDS[:, 0] + 1e-9) & (score < 0))
                | ((th >= _BOUNDS[:, 1] - 1e-9) & (score > 0)))
        free = ~held
        info = np.where(free[:, :, None] & free[:, None, :], info, 0.0) + \
            np.where(held[:, :, None], eye, 0.0)
        try:
            step = np.linalg.solve(info + 1e-12 * eye,
                                   np.where(held, 0.0, score)[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            break
        scale = np.ones(len(act))
        new = np.empty_like(th)
        lg_new, mu_new = np.empty_like(lg), np.empty_like(mu)
        f_new = np.empty_like(fa)
        redo = np.arange(len(act))
        for _half in range(30):
            # step halving: a row that is not worse keeps its step, so only the rows
            # that were worse are evaluated again (the others' numbers would not change)
            new[redo] = np.clip(th[redo] + scale[redo, None] * step[redo], _BOUNDS[:, 0],
                                _BOUNDS[:, 1])
            _c, _a, _b, lg_new[redo], mu_new[redo] = parts(new[redo])
            f_new[redo] = negll(mu_new[redo], wa[redo])
            worse = f_new > fa + 1e-12 * np.abs(fa)
            if not worse.any():
                break
            scale = np.where(worse, scale / 2, scale)
            redo = np.flatnonzero(worse)
        ok = ~worse
        theta[act] = np.where(ok[:, None], new, th)
        f[act] = np.where(ok, f_new, fa)
        if not ok.all():
            lg_new = np.where(ok[:, None], lg_new, lg)
            mu_new = np.where(ok[:, None], mu_new, mu)
        if full:
            lgs, mus = lg_new, mu_new
        else:
            lgs[act], mus[act] = lg_new, mu_new
        # converged, or no ascent direction left (left to the fallback check below)
        done[act] = (ok & (np.abs(new - th).max(axis=1) < tol)) | ~ok
        if done.all():
            break
    c, a, b = (np.exp(theta[:, i])[:, None] for i in range(3))
    u = w * (y / mus - 1.0)
    score = np.stack([c[:, 0] * u.sum(axis=1), a[:, 0] * (u * lgs).sum(axis=1),
                      -a[:, 0] * (u * (spend / (b + spend))).sum(axis=1)], axis=1)
    held = (((theta <= _BOUNDS[:, 0] + 1e-9) & (score < 0))
            | ((theta >= _BOUNDS[:, 1] - 1e-9) & (score > 0)))
    grad = np.abs(np.where(held, 0.0, score)).max(axis=1)
    good = np.isfinite(theta).all(axis=1) & (grad < 1e-5 * max(y.sum(), 1.0))
    out = np.exp(theta)
    for i in np.flatnonzero(~good):
        out[i] = fit_curve(spend, y, w[i], np.asarray(start, float))
    return out


def daily_outcome(spend: pd.DataFrame, conversions: pd.DataFrame | None,
                  outcome: str = "conversions") -> pd.DataFrame:
    """Per platform and day: total spend and total outcome (conversions from the
    conversions table; reach or clicks from the spend table)."""
    s = spend.assign(spend=pd.to_numeric(spend["spend"], errors="coerce").astype(float))
    day = s.groupby(["platform", "date"], as_index=False)["spend"].sum()
    if outcome == "conversions":
        if conversions is None or conversions.empty:
            return day.assign(y=np.nan).iloc[0:0]
        cv = conversions.assign(y=pd.to_numeric(conversions["conversions"], errors="coerce")
                                .astype(float))
        y = cv.groupby(["platform", "date"], as_index=False)["y"].sum()
        return day.merge(y, on=["platform", "date"], how="inner")
    yy = pd.to_numeric(s[outcome], errors="coerce").astype(float)
    y = s.assign(y=yy).groupby(["platform", "date"], as_index=False)["y"].sum(min_count=1)
    return day.merge(y, on=["platform", "date"]).dropna(subset=["y"])


def _water_fill(a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                total: float) -> np.ndarray:
    """argmax sum a*log1p(s/b) s.t. sum s = total, lo <= s <= hi (concave, separable).

    ``a`` and ``b`` may be matrices (one row per draw, e.g. bootstrap curves): every row
    is solved at once and a matrix of splits returned."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    one = a.ndim == 1
    a, b = np.atleast_2d(a), np.atleast_2d(b)

    def alloc(lam: np.ndarray) -> np.ndarray:
        return np.clip(a / lam[:, None] - b, lo, hi)

    lam_lo = np.full(len(a), 1e-12)
    lam_hi = np.max(a / np.maximum(b + lo, 1e-12), axis=1) * 2 + 1e-9
    slack = alloc(lam_lo).sum(axis=1) <= total  # even the largest spends fit in the total
    for _ in range(200):  # bisection on the common marginal return, all rows at once
        mid = np.sqrt(lam_lo * lam_hi)
        over = alloc(mid).sum(axis=1) > total
        lam_lo = np.where(over, mid, lam_lo)
        lam_hi = np.where(over, lam_hi, mid)
    out = np.where(slack[:, None], alloc(np.full(len(a), 1e-12)), alloc(lam_hi))
    return out[0] if one else out


def optimise_budget(spend: pd.DataFrame, conversions: pd.DataFrame | None,
                    outcome: str = "conversions", currency: str = "",
                    max_change: float = 0.30, recent_days: int = 90, n_boot: int = 300,
                    seed: int = 0) -> BudgetResult:
    """Fit each platform's response curve and find the best split of today's budget.

    ``current`` spend per platform is the mean daily spend of the last ``recent_days``
    days of data; the total of those is re-split with each platform kept within
    ``+/- max_change`` of its current level.
    """
    empty = pd.DataFrame(columns=["platform", "current", "proposed", "change",
                                  "proposed_low", "proposed_high"])
    if spend is None or spend.empty:
        return BudgetResult(outcome, currency, (), empty, 0.0, max_change, None, None, None,
                            reason="no spend data")
    data = daily_outcome(spend, conversions, outcome)
    if data.empty:
        return BudgetResult(outcome, currency, (), empty, 0.0, max_change, None, None, None,
                            reason=f"no daily {outcome} to relate spend to")
    rng = np.random.default_rng(seed)
    end = pd.to_datetime(data["date"]).max()
    curves = []
    for plat, g in data.groupby("platform", sort=True):
        g = g.sort_values("date")
        recent = g[pd.to_datetime(g["date"]) > end - pd.Timedelta(days=recent_days)]
        current = float(recent["spend"].mean()) if len(recent) else 0.0
        s, y = g["spend"].to_numpy(float), g["y"].to_numpy(float)
        why = None
        if len(g) < MIN_DAYS:
            why = f"{len(g)} days with spend and {outcome} (at least {MIN_DAYS} needed)"
        elif np.std(s) < 0.1 * max(np.mean(s), 1e-9) or len(np.unique(s)) < 10:
            why = "daily spend hardly varied, so its effect cannot be separated"
        elif y.sum() == 0:
            why = f"no {outcome} recorded"
        if why:
            curves.append(ResponseCurve(plat, len(g), current, reason=why,
                                        days=g[["date", "spend", "y"]]))
            continue
        est = fit_curve(s, y)
        w = rng.multinomial(len(y), np.full(len(y), 1 / len(y)), size=n_boot)
        start = np.log(est)
        draws = fit_curves(s, y, w, start)
        ci = {k: (float(np.quantile(draws[:, i], 0.025)), float(np.quantile(draws[:, i], 0.975)))
              for i, k in enumerate(("c", "a", "b"))}
        curves.append(ResponseCurve(plat, len(g), current, *map(float, est), ci,
                                    (float(s.min()), float(s.max())), draws=draws,
                                    days=g[["date", "spend", "y"]]))
    fitted = [c for c in curves if c.ok and c.current_spend > 0]
    if len(fitted) < 2:
        return BudgetResult(outcome, currency, tuple(curves), empty, 0.0, max_change, None, None,
                            None, reason="a split needs response curves on at least two "
                                         "platforms with current spend")
    cur = np.array([c.current_spend for c in fitted])
    lo, hi = cur * (1 - max_change), cur * (1 + max_change)
    total = float(cur.sum())
    a = np.array([c.a for c in fitted])
    b = np.array([c.b for c in fitted])
    best = _water_fill(a, b, lo, hi, total)
    n = min(len(c.draws) for c in fitted)
    da = np.stack([c.draws[:n, 1] for c in fitted], axis=1)
    db = np.stack([c.draws[:n, 2] for c in fitted], axis=1)
    # the gain of the proposed move, judged by every bootstrap curve
    gains = (da * (np.log1p(best / db) - np.log1p(cur / db))).sum(axis=1)
    opt = _water_fill(da, db, lo, hi, total)
    split = pd.DataFrame({
        "platform": [c.platform for c in fitted], "current": cur, "proposed": best,
        "change": best / cur - 1, "proposed_low": np.quantile(opt, 0.025, axis=0),
        "proposed_high": np.quantile(opt, 0.975, axis=0)})
    g = float((a * (np.log1p(best / b) - np.log1p(cur / b))).sum())
    now = float(sum(c.expected(c.current_spend) for c in fitted))
    return BudgetResult(outcome, currency, tuple(curves), split, total, max_change,
                        (g, float(np.quantile(gains, 0.025)), float(np.quantile(gains, 0.975))),
                        float(np.mean(gains > 0)), now)
