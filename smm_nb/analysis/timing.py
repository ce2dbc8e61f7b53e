"""When posts work: engagement rate by platform x weekday x hour block, with partial pooling.

A weekday x hour-block grid has 49 cells per platform and most cells hold a handful of
posts, so the raw rate of the best-looking cell is mostly luck. Each cell's rate is
therefore also reported *shrunk* toward the platform's overall rate by a normal-normal
empirical Bayes model on the log scale:

* ``y_c = log(rate_c / rate_platform)``, the cell's log lift, with sampling variance
  ``s_c**2 = kappa * sum(N_i**2) / sum(N_i)**2`` where ``N_i`` is a post's denominator
  (reach, impressions or followers) and ``kappa`` the platform's squared coefficient of
  variation of per-post rates, pooled over all cells (a per-cell variance from 3 posts
  would be too noisy to weight by);
* the spread of true cell lifts ``tau**2`` by DerSimonian-Laird (the estimator of
  ``statsmodels.stats.meta_analysis.combine_effects(method_re="dl")``);
* shrunk log lift ``(1 - B) * y_c`` with ``B = s_c**2 / (s_c**2 + tau**2)`` and posterior
  variance ``(1 - B) * s_c**2``; the prior mean is the platform's rate itself.

The rate of a cell is the ratio of sums (engagements / denominator over the cell's posts),
its raw 95% interval comes from the same variance (delta method, log scale). Cells with
fewer than ``min_posts`` posts are kept in the grid with status ``"insufficient data"``.

:func:`post_timing` is shared by ``02_audience`` and ``05_improvement``; keep its API.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from smm_nb.analysis.prepare import ER_BASES, ER_DEFINITION, HOUR_BLOCKS, hour_block_label
from smm_nb.errors import AnalysisError
from smm_nb.report.findings import Finding

WEEKDAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                   "Sunday"),
            "tr": ("Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar")}
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BLOCKS = tuple(hour_block_label(a, b) for a, b in HOUR_BLOCKS)
SHRINKAGE_METHOD = ("empirical Bayes: log lift vs platform rate shrunk toward 0 (the platform "
                    "rate), between-cell variance by DerSimonian-Laird")
OK, INSUFFICIENT = "ok", "insufficient data"
Z95 = float(stats.norm.ppf(0.975))


def weekday_name(i: int, lang: str = "en") -> str:
    return WEEKDAYS.get(lang, WEEKDAYS["en"])[int(i)]


def window_key(weekday: int, block: str) -> str:
    """A stable, finding-key-safe name of a window: ``thu_18_21``."""
    return f"{WEEKDAY_KEYS[int(weekday)]}_{block.replace('-', '_')}"


def basis_label(basis: str, statistic: str = "ratio of sums") -> str:
    den = {"reach": "reach", "impressions": "impressions", "followers": "followers at posting"}
    return f"{ER_DEFINITION} / {den[basis]}, {statistic}"


def dersimonian_laird(y: np.ndarray, v: np.ndarray) -> float:
    """Between-study variance ``tau**2`` by DerSimonian-Laird (method of moments)."""
    ok = np.isfinite(y) & np.isfinite(v) & (v > 0)
    y, v = y[ok], v[ok]
    k = len(y)
    if k < 2:
        return 0.0
    w = 1.0 / v
    mu = np.sum(w * y) / np.sum(w)
    q = np.sum(w * (y - mu) ** 2)
    denom = np.sum(w) - np.sum(w ** 2) / np.sum(w)
    return float(max(0.0, (q - (k - 1)) / denom)) if denom > 0 else 0.0


@dataclass(frozen=True)
class TimingResult:
    """Engagement rate by platform x weekday x hour block.

    ``cells`` has one row per platform x weekday x hour block (all 49 per platform, empty
    ones with n = 0): platform, weekday (0 = Monday), hour_block, n, engagements,
    denominator, rate, low, high (raw 95% interval), lift (rate / platform rate),
    lift_low, lift_high, shrunk_lift, shrunk_rate, shrunk_low, shrunk_high, status.
    ``pooled`` is the same grid across platforms: the lift of each weekday x hour block
    over what each post's platform rate predicts (observed / expected engagements).
    """

    cells: pd.DataFrame
    platforms: pd.DataFrame  # platform, n, rate, kappa, tau2
    pooled: pd.DataFrame
    basis: str
    min_posts: int
    method: str = SHRINKAGE_METHOD
    definition: str = field(default="")

    @property
    def title(self) -> str:
        return f"Engagement rate by weekday and hour block ({self.definition})"

    def summary_frame(self) -> pd.DataFrame:
        cols = ["platform", "weekday", "hour_block", "n", "rate", "low", "high", "lift",
                "shrunk_rate", "shrunk_low", "shrunk_high", "status"]
        df = self.cells[self.cells["n"] > 0][cols].copy()
        df["weekday"] = df["weekday"].map(lambda i: weekday_name(i))
        return df.reset_index(drop=True)

    def best_windows(self, k: int = 3, platform: str | None = None) -> pd.DataFrame:
        """The ``k`` cells with the highest shrunk rate per platform (status ok only).

        Columns: platform, weekday, hour_block, n, shrunk_rate, low, high (the shrunk
        rate's 95% interval), lift (shrunk rate / platform rate), lift_low, lift_high.
        """
        ok = self.cells[self.cells["status"] == OK]
        if platform is not None:
            ok = ok[ok["platform"] == platform]
        # Raw rate breaks ties (tau2 = 0 shrinks every cell to the platform rate).
        ok = ok.sort_values(["platform", "shrunk_rate", "rate"], ascending=[True, False, False])
        top = ok.groupby("platform", sort=True).head(k)
        plat_rate = top["platform"].map(self.platforms.set_index("platform")["rate"]) \
            .astype("float64")
        return pd.DataFrame({
            "platform": top["platform"].to_numpy(),
            "weekday": top["weekday"].to_numpy(),
            "hour_block": top["hour_block"].to_numpy(),
            "n": top["n"].to_numpy(),
            "shrunk_rate": top["shrunk_rate"].to_numpy(),
            "low": top["shrunk_low"].to_numpy(),
            "high": top["shrunk_high"].to_numpy(),
            "lift": (top["shrunk_rate"] / plat_rate).to_numpy(),
            "lift_low": (top["shrunk_low"] / plat_rate).to_numpy(),
            "lift_high": (top["shrunk_high"] / plat_rate).to_numpy(),
        })

    def pooled_best(self, k: int = 3) -> pd.DataFrame:
        """The ``k`` weekday x hour blocks with the highest shrunk lift across platforms."""
        ok = self.pooled[self.pooled["status"] == OK]
        return ok.sort_values(["shrunk_lift", "lift"], ascending=False).head(k) \
            .reset_index(drop=True)

    def cell(self, platform: str, weekday: int, block: str) -> pd.Series:
        c = self.cells
        # comparisons on arrays, one row taken: boolean sub-frames per lookup cost more
        hit = np.flatnonzero((c["platform"].to_numpy(dtype=object) == platform)
                             & (c["weekday"].to_numpy() == weekday)
                             & (c["hour_block"].to_numpy(dtype=object) == block))
        if not len(hit):
            raise IndexError(f"no cell {platform} {weekday} {block}")
        return c.iloc[hit[0]]

    def to_findings(self, key: str, lang: str = "en") -> list[Finding]:
        """Per platform ``{key}.best.{platform}`` (lift of the best window, raw 95% interval)
        and ``{key}.best.{platform}.window`` (its name, e.g. ``thu_18_21``); the same for
        all platforms together under ``{key}.best.all``."""
        out: list[Finding] = []
        basis = basis_label(self.basis)
        best = self.best_windows(k=1)
        first = {}  # each platform's best row (k=1: one per platform), by position
        for i, p in enumerate(best["platform"]):
            first.setdefault(p, i)
        for plat in self.platforms["platform"]:
            if plat not in first:
                n_posts = int(self.platforms.set_index("platform").loc[plat, "n"])
                reason = (f"{plat}: hiçbir gün x saat aralığında {self.min_posts} veya daha fazla "
                          f"gönderi yok (toplam {n_posts} gönderi); en iyi zaman için yetersiz "
                          f"veri." if lang == "tr" else
                          f"{plat}: no weekday x hour block has {self.min_posts} or more posts "
                          f"({n_posts} posts in all); insufficient data for a best time.")
                out.append(Finding(f"{key}.best.{plat}", None, reason, "rate_ratio", basis))
                out.append(Finding(f"{key}.best.{plat}.window", None, reason, "text", basis))
                continue
            r = best.iloc[first[plat]]
            c = self.cell(plat, int(r["weekday"]), r["hour_block"])
            name = f"{weekday_name(r['weekday'], lang)} {r['hour_block']}"
            text = _best_text(plat, name, c["lift"], c["lift_low"], c["lift_high"],
                              c["shrunk_lift"], int(c["n"]), lang)
            out.append(Finding(f"{key}.best.{plat}", float(c["lift"]), text, "rate_ratio", basis,
                               float(c["lift_low"]), float(c["lift_high"]), int(c["n"])))
            out.append(Finding(f"{key}.best.{plat}.window",
                               window_key(int(r["weekday"]), r["hour_block"]), text, "text",
                               basis, n=int(c["n"])))
        pb = self.pooled_best(k=1)
        if pb.empty:
            reason = ("platformlar genelinde yeterli gönderisi olan gün x saat aralığı yok"
                      if lang == "tr" else
                      "no weekday x hour block has enough posts across platforms")
            out.append(Finding(f"{key}.best.all", None, reason, "rate_ratio", basis))
        else:
            r = pb.iloc[0]
            name = f"{weekday_name(r['weekday'], lang)} {r['hour_block']}"
            text = _best_text("all platforms", name, r["lift"], r["lift_low"], r["lift_high"],
                              r["shrunk_lift"], int(r["n"]), lang)
            out.append(Finding(f"{key}.best.all", float(r["lift"]), text, "rate_ratio", basis,
                               float(r["lift_low"]), float(r["lift_high"]), int(r["n"])))
            out.append(Finding(f"{key}.best.all.window",
                               window_key(int(r["weekday"]), r["hour_block"]), text, "text",
                               basis, n=int(r["n"])))
        return out


def _best_text(plat: str, name: str, lift: float, low: float, high: float, shrunk: float,
               n: int, lang: str) -> str:
    if lang == "tr":
        return (f"{plat}: en iyi zaman {name}; bu saatlerdeki {n} gönderi platform ortalamasının "
                f"{lift:.2f} katı etkileşim aldı (%95 GA {low:.2f}–{high:.2f}; "
                f"küçültülmüş tahmin {shrunk:.2f}×).")
    return (f"{plat}: the best time is {name}; its {n} posts engaged {lift:.2f}× the platform "
            f"rate (95% CI {low:.2f}–{high:.2f}; shrunk estimate {shrunk:.2f}×).")


def _check(posts: pd.DataFrame, basis: str) -> str:
    if basis not in ER_BASES:
        raise AnalysisError(f"basis {basis!r} is not one of {', '.join(ER_BASES)}")
    need = {"platform", "weekday", "hour_block", "engagements_public", ER_BASES[basis]}
    missing = need - set(posts.columns)
    if missing:
        raise AnalysisError(f"posts lack {', '.join(sorted(missing))}: pass the output of "
                            "prepare_posts()")
    return ER_BASES[basis]


def post_timing(posts_prepared: pd.DataFrame, basis: str = "reach", min_posts: int = 5
                ) -> TimingResult:
    """Engagement rate by platform x weekday x hour block (client time zone).

    Parameters
    ----------
    posts_prepared : DataFrame
        Output of :func:`smm_nb.analysis.prepare.prepare_posts`.
    basis : {"reach", "impressions", "followers"}
        Denominator of the engagement rate.
    min_posts : int
        Cells with fewer posts are reported as ``"insufficient data"`` and never chosen
        as a best window.
    """
    den_col = _check(posts_prepared, basis)
    # Everything per post is done on integer codes and np.bincount: the cell of a post is
    # (platform, weekday, block) -> one number, so a million posts need no string
    # group-bys, merges or maps (same sums as the pandas group-bys, in the same grid).
    e = pd.to_numeric(posts_prepared["engagements_public"]).astype("float64") \
        .to_numpy(na_value=np.nan)
    d = pd.to_numeric(posts_prepared[den_col]).astype("float64").to_numpy(na_value=np.nan)
    wd = posts_prepared["weekday"].to_numpy(dtype="int64")
    plat_s = posts_prepared["platform"].astype("string")
    ok = np.isfinite(e) & np.isfinite(d) & (d > 0)
    platforms = sorted(plat_s[ok].dropna().unique())
    pc = pd.Categorical(plat_s, categories=platforms).codes.astype(np.int64)
    bc = pd.Categorical(posts_prepared["hour_block"].astype("string"),
                        categories=list(BLOCKS)).codes.astype(np.int64)
    ok &= (pc >= 0) & (bc >= 0) & (wd >= 0) & (wd < 7)
    e, d, wd, pc, bc = e[ok], d[ok], wd[ok], pc[ok], bc[ok]
    nb, npl = len(BLOCKS), len(platforms)
    cell = (pc * 7 + wd) * nb + bc
    size = npl * 7 * nb

    def per_cell(w=None):
        return np.bincount(cell, weights=w, minlength=size)

    n_c = per_cell().astype("int64")
    cells = pd.DataFrame({
        "platform": pd.Series(np.repeat(np.asarray(platforms, dtype=object), 7 * nb),
                              dtype="str"),
        "weekday": np.tile(np.repeat(np.arange(7, dtype="int64"), nb), npl),
        "hour_block": pd.Series(np.tile(np.asarray(BLOCKS, dtype=object), npl * 7),
                                dtype="str"),
        "n": n_c, "engagements": per_cell(e), "denominator": per_cell(d),
        "d2": per_cell(d * d)})
    with np.errstate(divide="ignore", invalid="ignore"):
        cells["rate"] = cells["engagements"] / cells["denominator"]

    # Platform rate and pooled squared CV of per-post rates around their cell rate.
    rate_c = cells["rate"].to_numpy()
    rate, n = rate_c[cell], n_c[cell]
    res2 = (e - rate * d) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        exp2 = (rate * d) ** 2 * (n - 1) / n
    multi = (n >= 2) & (rate > 0)

    def per_plat(w=None, rows=None):
        k = pc if rows is None else pc[rows]
        w = w if rows is None or w is None else w[rows]
        return np.bincount(k, weights=w, minlength=npl)

    plat = pd.DataFrame({"n": per_plat().astype("int64"), "engagements": per_plat(e),
                         "denominator": per_plat(d)},
                        index=pd.Index(platforms, dtype="str", name="platform"))
    with np.errstate(divide="ignore", invalid="ignore"):
        plat["rate"] = plat["engagements"] / plat["denominator"]
        kappa = per_plat(res2, multi) / per_plat(exp2, multi)
        kappa = np.where(per_plat(None, multi) > 0, kappa, np.nan)
    # Without any cell of two posts fall back on one post per cell around the platform
    # rate: wider, but still an honest variance.
    expected = d * plat["rate"].to_numpy()[pc]
    fallback = per_plat((e - expected) ** 2) / np.clip(per_plat(expected ** 2), 1e-12, None)
    plat["kappa"] = np.where(np.isnan(kappa), fallback, kappa).astype(float)
    present = plat["n"].to_numpy() > 0
    plat_all = plat
    rows = {"e": e, "d": d, "weekday": wd, "block": bc, "platform": pc}
    plat = plat[present]

    cells = cells.merge(plat[["rate", "kappa"]].rename(columns={"rate": "platform_rate"}),
                        left_on="platform", right_index=True, how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = cells["kappa"] * cells["d2"] / cells["denominator"] ** 2
        s2 = s2.where((cells["n"] > 0) & (cells["rate"] > 0))
        y = np.log(cells["rate"] / cells["platform_rate"]).where(cells["rate"] > 0)
    cells["lift"] = cells["rate"] / cells["platform_rate"]
    half = Z95 * np.sqrt(s2)
    cells["low"] = cells["rate"] * np.exp(-half)
    cells["high"] = cells["rate"] * np.exp(half)
    cells["lift_low"] = cells["low"] / cells["platform_rate"]
    cells["lift_high"] = cells["high"] / cells["platform_rate"]

    tau2 = {}
    for p in platforms:
        m = (cells["platform"] == p).to_numpy()
        tau2[p] = dersimonian_laird(y[m].to_numpy(dtype=float), s2[m].to_numpy(dtype=float))
    plat["tau2"] = pd.Series(tau2)
    t2 = cells["platform"].map(tau2).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        shrink = np.where(t2 > 0, t2 / (t2 + s2), 0.0)  # 1 - B
    post_mean = shrink * y
    post_sd = np.sqrt(shrink * s2)
    cells["shrunk_lift"] = np.exp(post_mean)
    cells["shrunk_rate"] = cells["platform_rate"] * np.exp(post_mean)
    cells["shrunk_low"] = cells["platform_rate"] * np.exp(post_mean - Z95 * post_sd)
    cells["shrunk_high"] = cells["platform_rate"] * np.exp(post_mean + Z95 * post_sd)
    cells["status"] = np.where(cells["n"] >= min_posts, OK, INSUFFICIENT)
    cells = cells.drop(columns=["d2"])

    pooled = _pooled(rows, plat_all, min_posts)
    return TimingResult(cells=cells, platforms=plat.reset_index(names="platform"),
                        pooled=pooled, basis=basis, min_posts=min_posts,
                        definition=basis_label(basis))


def _pooled(rows: dict, plat: pd.DataFrame, min_posts: int) -> pd.DataFrame:
    """Observed over expected engagements per weekday x hour block, across platforms
    (``rows``: per-post arrays with platform codes into ``plat``'s rows)."""
    nb = len(BLOCKS)
    expected = rows["d"] * plat["rate"].to_numpy()[rows["platform"]]
    exp_var = plat["kappa"].to_numpy()[rows["platform"]] * expected ** 2
    cell = rows["weekday"] * nb + rows["block"]

    def per_cell(w=None):
        return np.bincount(cell, weights=w, minlength=7 * nb)

    n = per_cell().astype("int64")
    empty = n == 0  # as the group-by left them: no sums at all
    out = pd.DataFrame({
        "weekday": np.repeat(np.arange(7, dtype="int64"), nb),
        "hour_block": pd.Series(np.tile(np.asarray(BLOCKS, dtype=object), 7), dtype="str"),
        "n": n,
        "observed": np.where(empty, np.nan, per_cell(rows["e"])),
        "expected": np.where(empty, np.nan, per_cell(expected)),
        "var": np.where(empty, np.nan, per_cell(exp_var))})
    with np.errstate(divide="ignore", invalid="ignore"):
        out["lift"] = out["observed"] / out["expected"]
        s2 = (out["var"] / out["expected"] ** 2).where(out["lift"] > 0)
        y = np.log(out["lift"]).where(out["lift"] > 0)
    half = Z95 * np.sqrt(s2)
    out["lift_low"] = out["lift"] * np.exp(-half)
    out["lift_high"] = out["lift"] * np.exp(half)
    tau2 = dersimonian_laird(y.to_numpy(dtype=float), s2.to_numpy(dtype=float))
    shrink = tau2 / (tau2 + s2) if tau2 > 0 else 0.0 * s2
    out["shrunk_lift"] = np.exp(shrink * y)
    out["shrunk_low"] = np.exp(shrink * y - Z95 * np.sqrt(shrink * s2))
    out["shrunk_high"] = np.exp(shrink * y + Z95 * np.sqrt(shrink * s2))
    out["tau2"] = tau2
    out["status"] = np.where(out["n"] >= min_posts, OK, INSUFFICIENT)
    return out.drop(columns=["var"])
