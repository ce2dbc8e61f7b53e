"""Published benchmarks, compared only like with like.

Published engagement rates differ by 10-100x with their denominator (followers, reach,
impressions, views) and by statistic (a median across brands is not a mean of posts).
A client's figure is therefore compared only with a benchmark row of the **same
platform, denominator and statistic**; :func:`compare` raises
:class:`~smm_nb.errors.AnalysisError` for anything else, so a mismatch is refused in
code, not just avoided. Rows with a blank denominator are context, never a benchmark
line. A client's *ratio of sums* has no published counterpart and is never compared.

Of the rows that match, the edition whose data period is closest to the client's data
is used (ties: the later report), the client's industry before "All industries"; the
source, report year and data year travel with every comparison.

The reference table is read by the caller (``pd.read_csv(ws.reference_dir /
"engagement_benchmarks.csv")``): ``analysis`` does no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smm_nb.errors import AnalysisError
from smm_nb.report.findings import Finding

#: Reference platform names -> platform ids of the canonical tables.
PLATFORM_IDS = {"instagram": "instagram", "facebook": "facebook", "x (twitter)": "x",
                "x": "x", "twitter": "x", "linkedin": "linkedin", "tiktok": "tiktok",
                "youtube": "youtube"}
#: Client statistic -> benchmark statistic it may be compared with.
STATISTIC_MATCH = {"median": "median", "mean": "mean"}
FLAG_WORDS = ("suspect", "tertiary", "unverified", "verify", "inferred", "conflict")


def platform_id(name: str | None) -> str | None:
    """``"X (Twitter)"`` -> ``"x"``; ``None`` for names that are not a platform of the
    workbook (e.g. ``"Instagram Reels"``, a format table, or ``"Any social media"``)."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    return PLATFORM_IDS.get(str(name).strip().lower())


def _year(data_year, report_year) -> float:
    """``"2024"`` -> 2024.5, ``"2024-01"`` -> 2024.04, ``"2025-Q1"`` -> 2025.125; blank ->
    the year before the report (publishers report last year's data)."""
    s = "" if data_year is None or (isinstance(data_year, float) and np.isnan(data_year)) \
        else str(data_year).strip()
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", s):
        return int(m[1]) + (int(m[2]) - 0.5) / 4
    if m := re.fullmatch(r"(\d{4})-(\d{2})", s):
        return int(m[1]) + (int(m[2]) - 0.5) / 12
    if re.fullmatch(r"\d{4}", s):
        return int(s) + 0.5
    return float(report_year) - 0.5


@dataclass(frozen=True)
class BenchmarkRow:
    source: str
    report_year: int
    data_year: str
    platform: str  # platform id
    industry: str
    metric: str
    denominator: str | None
    statistic: str
    value: float  # as a ratio for rates (0.0036 = 0.36%), posts per week for cadence
    url: str
    notes: str

    @property
    def flagged(self) -> bool:
        n = self.notes.lower()
        return any(w in n for w in FLAG_WORDS)

    @property
    def label(self) -> str:
        den = f" by {self.denominator}" if self.denominator else ""
        return (f"{self.source} {self.report_year} ({self.data_year or 'period not stated'} "
                f"data), {self.industry}, {self.statistic}{den}")


COLUMNS = ("source", "report_year", "data_year", "platform", "industry", "metric",
           "denominator", "statistic", "value", "unit", "url", "notes")


class Benchmarks:
    """The reference table, normalised: platform ids, rates as ratios, a data period.

    ``Benchmarks(None)`` is an empty table (no reference file): every lookup then finds
    nothing and every comparison says "no benchmark"."""

    def __init__(self, frame: pd.DataFrame | None):
        df = pd.DataFrame(columns=list(COLUMNS)) if frame is None else frame.copy()
        df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
        df["platform_id"] = df["platform"].map(platform_id)
        df["denominator"] = df["denominator"].astype("string").str.strip().replace("", pd.NA)
        df["ratio_value"] = np.where(df["unit"] == "percent", df["value"] / 100.0, df["value"])
        df["period"] = [_year(d, r) for d, r in zip(df["data_year"], df["report_year"])]
        self.frame = df

    def rows(self, platform: str, metric: str = "engagement_rate_per_post",
             denominator: str | None = None, statistic: str | None = None) -> pd.DataFrame:
        """Rows of one platform id and metric, optionally of one denominator and
        statistic. Rival IQ's 0 values (the median brand did not post) are left out."""
        return self.frame[self._mask(platform, metric, denominator, statistic)]

    def _mask(self, platform: str, metric: str, denominator: str | None,
              statistic: str | None) -> np.ndarray:
        # one mask on plain arrays, one sub-frame: a chain of pandas filters of the
        # string columns cost more than the notebook's use of the rows
        a = self._arrays()
        ok = (a["platform_id"] == platform) & (a["metric"] == metric)
        if denominator is not None:
            ok &= a["denominator"] == denominator
        if statistic is not None:
            ok &= a["statistic"] == statistic
        return ok & (a["value"] > 0)

    def context(self, platform: str) -> pd.DataFrame:
        """Engagement-rate rows with no stated denominator: context only."""
        ok = self._mask(platform, "engagement_rate_per_post", None, None)
        return self.frame[ok & np.equal(self._arrays()["denominator"], None)]

    def pick(self, platform: str, denominator: str | None, statistic: str, period: float,
             industry: str | None = None, metric: str = "engagement_rate_per_post"
             ) -> BenchmarkRow | None:
        """The matching row closest in data period; the client's industry first.

        For ``posts_per_week`` pass ``denominator=None`` (the rows have none)."""
        if metric == "engagement_rate_per_post" and denominator is None:
            raise AnalysisError("an engagement-rate benchmark needs a denominator; rows "
                                "without one are context only")
        # plain-array masks (the rules of rows() above): a notebook asks for a dozen
        # rows, and pandas filtering of the small table cost more than the analyses
        a = self._arrays()
        den = a["denominator"]
        ok = (a["platform_id"] == platform) & (a["metric"] == metric) & \
            (a["statistic"] == statistic) & (a["value"] > 0)
        ok &= np.equal(den, None) if denominator is None else (den == denominator)
        if not ok.any():
            return None
        ind = a["industry"]
        same = ok & (ind == industry) if industry else np.zeros_like(ok)
        # "All industries", "All brands", "All accounts (Buffer users)": the whole sample.
        pool = same if same.any() else \
            ok & np.array([isinstance(v, str) and v.startswith("All ") for v in ind], bool)
        if not pool.any():
            return None
        pos = np.flatnonzero(pool)
        dist = np.abs(a["period"][pos] - period)
        # closest period first, then the newest report; stable, as sort_values was
        best = pos[np.lexsort((-a["report_year"][pos], dist))[0]]
        return _row(self.frame.iloc[best])

    def _arrays(self) -> dict[str, np.ndarray]:
        arrays = self.__dict__.get("_cols")
        if arrays is None or arrays[0] is not self.frame:
            df = self.frame
            cols = {c: df[c].to_numpy(dtype=object, na_value=None)
                    for c in ("platform_id", "metric", "statistic", "denominator",
                              "industry")}
            for c in ("value", "period", "report_year"):
                cols[c] = pd.to_numeric(df[c], errors="coerce").to_numpy(
                    dtype="float64", na_value=np.nan)
            arrays = (df, cols)
            self._cols = arrays
        return arrays[1]


def _row(r: pd.Series) -> BenchmarkRow:
    den = r["denominator"]
    return BenchmarkRow(
        source=str(r["source"]), report_year=int(r["report_year"]),
        data_year="" if pd.isna(r["data_year"]) else str(r["data_year"]),
        platform=str(r["platform_id"]), industry=str(r["industry"]), metric=str(r["metric"]),
        denominator=None if pd.isna(den) else str(den), statistic=str(r["statistic"]),
        value=float(r["ratio_value"]), url=str(r["url"]),
        notes="" if pd.isna(r["notes"]) else str(r["notes"]))


@dataclass(frozen=True)
class Comparison:
    platform: str
    metric: str
    basis: str | None
    statistic: str
    value: float
    low: float
    high: float
    benchmark: BenchmarkRow
    n: int = 0  # client posts behind the figure

    @property
    def ratio(self) -> float:
        return self.value / self.benchmark.value if self.benchmark.value else float("nan")

    @property
    def verdict(self) -> str:
        """``above`` / ``below`` when the client's interval excludes the benchmark, else
        ``level``."""
        b = self.benchmark.value
        if np.isfinite(self.low) and self.low > b:
            return "above"
        if np.isfinite(self.high) and self.high < b:
            return "below"
        if not (np.isfinite(self.low) and np.isfinite(self.high)):
            return "above" if self.value > b else "below" if self.value < b else "level"
        return "level"


def compare(platform: str, basis: str | None, statistic: str, value: float,
            benchmark: BenchmarkRow, low: float = np.nan, high: float = np.nan,
            metric: str = "engagement_rate_per_post", n: int = 0) -> Comparison:
    """Compare a client figure with one benchmark row, refusing any mismatch.

    Raises
    ------
    AnalysisError
        When the row's platform, metric, denominator or statistic differs from the
        client figure's, when the row has no denominator (context only), or when the
        client statistic is a ratio of sums (no benchmark publishes one).
    """
    b = benchmark
    if b.platform != platform:
        raise AnalysisError(f"benchmark is for {b.platform}, the figure for {platform}")
    if b.metric != metric:
        raise AnalysisError(f"benchmark metric {b.metric} is not {metric}")
    if metric == "engagement_rate_per_post":
        if b.denominator is None:
            raise AnalysisError(f"{b.label}: no stated denominator; context only, not a "
                                "benchmark line")
        if b.denominator != basis:
            raise AnalysisError(f"benchmark denominator {b.denominator!r} differs from the "
                                f"figure's {basis!r}: rates on different denominators "
                                "differ by 10-100x")
    if statistic not in STATISTIC_MATCH:
        raise AnalysisError(f"a client {statistic!r} has no published counterpart; compare "
                            "the median or mean of post rates")
    if STATISTIC_MATCH[statistic] != b.statistic:
        raise AnalysisError(f"benchmark statistic {b.statistic!r} differs from the figure's "
                            f"{statistic!r}")
    return Comparison(platform, metric, basis, statistic, float(value), float(low),
                      float(high), b, int(n))


@dataclass(frozen=True)
class BenchmarkComparison:
    """Client figures next to the matching benchmark, or why there is none."""

    comparisons: tuple[Comparison, ...]
    missing: tuple[tuple[str, str, str, str], ...]  # (platform, basis, statistic, reason)

    @property
    def title(self) -> str:
        return "Engagement rate against published benchmarks (same platform, denominator, " \
               "statistic)"

    def summary_frame(self) -> pd.DataFrame:
        rows = [{"platform": c.platform, "basis": c.basis or "–", "statistic": c.statistic,
                 "client": c.value, "low": c.low, "high": c.high,
                 "benchmark": c.benchmark.value, "client / benchmark": c.ratio,
                 "verdict": c.verdict, "source": c.benchmark.label,
                 "flag": "check source" if c.benchmark.flagged else ""}
                for c in self.comparisons]
        rows += [{"platform": p, "basis": b, "statistic": s, "verdict": "no benchmark",
                  "source": reason} for p, b, s, reason in self.missing]
        return pd.DataFrame(rows, columns=["platform", "basis", "statistic", "client", "low",
                                           "high", "benchmark", "client / benchmark",
                                           "verdict", "source", "flag"])

    def get(self, platform: str, basis: str | None = None) -> list[Comparison]:
        return [c for c in self.comparisons
                if c.platform == platform and (basis is None or c.basis == basis)]

    def to_findings(self, key: str) -> list[Finding]:
        """``{key}.{metric}_{basis}_{statistic}.{platform}``: client / benchmark."""
        out = []
        for c in self.comparisons:
            tag = "posts_per_week" if c.metric == "posts_per_week" else f"er_{c.basis}"
            text = (f"{c.platform}: {_fmt(c)} against {_fmt_b(c)} ({c.benchmark.label}); "
                    f"{c.verdict}.")
            out.append(Finding(f"{key}.{tag}_{c.statistic}.{c.platform}", c.ratio, text,
                               "ratio", c.benchmark.label))
        return out


def _fmt(c: Comparison) -> str:
    return f"{c.value:.2f} posts/week" if c.metric == "posts_per_week" else f"{c.value:.2%}"


def _fmt_b(c: Comparison) -> str:
    v = c.benchmark.value
    return f"{v:.2f} posts/week" if c.metric == "posts_per_week" else f"{v:.2%}"


def compare_rates(rates, bench: Benchmarks, period: float, industry: str | None = None,
                  statistics: tuple[str, ...] = ("median", "mean")) -> BenchmarkComparison:
    """Every platform x basis x statistic of an
    :class:`~smm_nb.analysis.metrics.EngagementRates` (grouped by platform) against the
    closest matching benchmark; combinations without one are listed with the reason."""
    comps, missing = [], []
    f = rates.frame
    for r in f[f["statistic"].isin(statistics)].itertuples(index=False):
        if not np.isfinite(r.value):
            continue
        row = bench.pick(r.platform, r.basis, r.statistic, period, industry)
        if row is None:
            missing.append((r.platform, r.basis, r.statistic,
                            f"no published {r.statistic} by {r.basis} for {r.platform}"))
            continue
        comps.append(compare(r.platform, r.basis, r.statistic, r.value, row, r.low, r.high,
                             n=r.n))
    return BenchmarkComparison(tuple(comps), tuple(missing))


def compare_cadence(posts_per_week: dict[str, float], bench: Benchmarks, period: float,
                    industry: str | None = None) -> BenchmarkComparison:
    """Posts per week per platform against the median ``posts_per_week`` rows."""
    comps, missing = [], []
    for plat, v in posts_per_week.items():
        row = bench.pick(plat, None, "median", period, industry, metric="posts_per_week")
        if row is None:
            missing.append((plat, "–", "median", f"no posting-frequency benchmark for {plat}"))
            continue
        comps.append(compare(plat, None, "median", v, row, metric="posts_per_week"))
    return BenchmarkComparison(tuple(comps), tuple(missing))


def period_of(dates: pd.Series) -> float:
    """Mid-point of a series of timestamps as a fractional year (2025.5 = mid 2025)."""
    s = pd.to_datetime(dates.dropna())
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    if s.empty:
        return float("nan")
    mid = s.min() + (s.max() - s.min()) / 2
    return mid.year + (mid.day_of_year - 0.5) / 365.25
