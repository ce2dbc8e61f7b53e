"""Who the audience is, against the persona; which platforms fit; when followers are online;
how service lines perform per platform.

Persona fit
    The persona in ``client.yaml`` names groups (ages, genders, countries, cities,
    languages), not their weights. The *share inside the persona* of a dimension is the
    audience share in the named buckets (an age bucket that only partly overlaps a
    persona range counts by the overlapping share of its years). The *dissimilarity
    index* (Duncan's D, 0 = same, 1 = disjoint) compares the audience with a target that
    spreads evenly over the named buckets: ``D = 0.5 * sum(|audience - target|)``. The
    combined share multiplies age x gender (from the joint ``age_gender`` table where
    exported) with the location share, assuming location is independent of age and
    gender; it says so.

Platform fit
    Pew Research Center publishes the share of U.S. adults using each platform by age
    group (marginals only). The reachable share of the persona on a platform is the
    average of the Pew shares of the age groups the persona covers, weighted by the
    persona's years in each group. Pew describes U.S. adults: for a persona elsewhere it
    is a proxy, and the notebook says so. Other populations (TurkStat: Turkish internet
    users 16-74) are shown as separate context, never on the Pew axis.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smm_nb.analysis.benchmarks import platform_id
from smm_nb.analysis.metrics import _slug, engagement_rates, rate_ratios
from smm_nb.analysis.prepare import ER_BASES
from smm_nb.model.config import ClientConfig
from smm_nb.report.findings import Finding

PERSONA_DIMENSIONS = {"age": "ages", "gender": "genders", "country": "countries",
                      "city": "cities", "language": "languages"}
OPEN_AGE_END = 85  # "65+" is read as 65-84 for overlaps


# --------------------------------------------------------------------------- ages

def age_range(label: str) -> tuple[int, int] | None:
    """``"25-34"`` -> (25, 35) (end exclusive); ``"65+"`` -> (65, 85); else None."""
    s = str(label).strip()
    if m := re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", s):
        return int(m[1]), int(m[2]) + 1
    if m := re.fullmatch(r"(\d+)\s*\+", s):
        return int(m[1]), OPEN_AGE_END
    return None


def overlap_share(bucket: str, ranges: list[tuple[int, int]]) -> float:
    """Share of the years of ``bucket`` inside any of ``ranges``."""
    b = age_range(bucket)
    if b is None:
        return 0.0
    inside = sum(max(0, min(b[1], r[1]) - max(b[0], r[0])) for r in ranges)
    return min(1.0, inside / (b[1] - b[0]))


def _norm(s: str) -> str:
    return str(s).strip().casefold()


def _membership(dimension: str, buckets: pd.Series, persona_values: list[str]) -> np.ndarray:
    if dimension == "age":
        ranges = [r for r in (age_range(a) for a in persona_values) if r]
        return np.array([overlap_share(b, ranges) for b in buckets])
    wanted = {_norm(v) for v in persona_values}
    return np.array([1.0 if _norm(b) in wanted else 0.0 for b in buckets])


# --------------------------------------------------------------------------- persona fit

@dataclass(frozen=True)
class PersonaFit:
    """``frame``: platform, dimension, share_inside, dissimilarity, largest_gap.
    ``buckets``: platform, dimension, bucket, share, target, gap, in_persona.
    ``combined``: platform, share_inside, method."""

    frame: pd.DataFrame
    buckets: pd.DataFrame
    combined: pd.DataFrame
    reason: str = ""

    title = "Audience against the target persona"

    @property
    def available(self) -> bool:
        return not self.frame.empty

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_findings(self, key: str) -> list[Finding]:
        if not self.available:
            return [Finding(f"{key}.share_inside", None, self.reason, "ratio")]
        out = []
        for r in self.combined.itertuples():
            out.append(Finding(f"{key}.share_inside.{r.platform}", float(r.share_inside),
                               f"{r.platform}: {r.share_inside:.0%} of the audience fits the "
                               f"persona ({r.method})", "ratio", r.method))
        for r in self.frame.itertuples():
            out.append(Finding(f"{key}.dissimilarity.{r.platform}.{r.dimension}",
                               float(r.dissimilarity),
                               f"{r.platform} {r.dimension}: {r.share_inside:.0%} inside the "
                               f"persona, dissimilarity {r.dissimilarity:.2f}; largest gap "
                               f"{r.largest_gap}", "ratio",
                               "Duncan dissimilarity vs an even spread over persona buckets"))
        return out


def persona_fit(audience: pd.DataFrame, config: ClientConfig) -> PersonaFit:
    """Share inside the persona and dissimilarity index per platform and dimension, from
    each platform's latest audience snapshot."""
    persona = config.persona
    wanted = {dim: list(getattr(persona, attr) or []) for dim, attr in PERSONA_DIMENSIONS.items()}
    wanted = {d: v for d, v in wanted.items() if v}
    if audience is None or audience.empty:
        return PersonaFit(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                          "no audience (demographics) export")
    if not wanted:
        return PersonaFit(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                          "client.yaml names no persona ages, genders or places")
    rows, bucket_rows, combined = [], [], []
    # columns to arrays once, platforms and dimensions as row positions: boolean
    # sub-frames of the (Arrow string) table per platform and dimension cost more than
    # the arithmetic
    plat_codes, plat_names = pd.factorize(audience["platform"], sort=True)
    snap = audience["snapshot_date"].to_numpy()
    dim_all = audience["dimension"].to_numpy(dtype=object, na_value=None)
    bucket_all = audience["bucket"].to_numpy(dtype=object)  # missing stays pd.NA
    share_all = audience["share"].astype("float64").to_numpy()
    for code, plat in enumerate(plat_names):
        g = np.flatnonzero(plat_codes == code)
        dated = g[~pd.isna(snap[g])]
        g = dated[snap[dated] == snap[dated].max()] if len(dated) else dated  # latest
        shares = {}
        for dim, values in wanted.items():
            d = g[dim_all[g] == dim]
            if not len(d):
                continue
            buckets = bucket_all[d]
            share = share_all[d]
            share = share / share.sum() if share.sum() > 0 else share
            member = _membership(dim, buckets, values)
            inside = float(np.sum(share * member))
            seen = {_norm(x) for x in buckets}
            absent = [v for v in values if dim != "age" and _norm(v) not in seen]
            if dim == "age":  # the persona's years spread over the overlapping buckets
                target = member / member.sum() if member.sum() > 0 else member
            else:  # each named group weighs 1/k, including groups the export lacks
                target = member / len({_norm(v) for v in values})
            gap = share - target
            # Named groups missing from the export are all gap (audience share 0).
            dis = 0.5 * (float(np.sum(np.abs(gap))) + float(1 - np.sum(target)))
            k = int(np.argmax(np.abs(gap)))
            b = str(buckets[k])
            largest = (f"{b}: {share[k]:.0%} of the audience vs {target[k]:.0%} target"
                       + ("" if member[k] > 0 else " (outside the persona)"))
            if absent:
                largest += f"; not in the audience export: {', '.join(absent)}"
            rows.append({"platform": plat, "dimension": dim, "share_inside": inside,
                         "dissimilarity": dis, "largest_gap": largest})
            shares[dim] = inside
            for bb, s, t, gp, m in zip(buckets, share, target, gap, member):
                bucket_rows.append({"platform": plat, "dimension": dim, "bucket": str(bb),
                                    "share": s, "target": t, "gap": gp,
                                    "in_persona": bool(m > 0)})
        if not shares:
            continue
        ag = g[dim_all[g] == "age_gender"]
        demo, method = None, []
        if "age" in wanted and "gender" in wanted and len(ag):
            parts = audience["bucket"].iloc[ag].str.split("|", n=1, expand=True)
            m = _membership("age", parts[0], wanted["age"]) * \
                _membership("gender", parts[1], wanted["gender"])
            s = share_all[ag]
            demo = float(np.sum(s * m) / s.sum())
            method.append("age x gender joint")
        else:
            for dim in ("age", "gender"):
                if dim in shares:
                    demo = shares[dim] if demo is None else demo * shares[dim]
                    method.append(dim)
        geo = None
        for dim in ("country", "city", "language"):
            if dim in shares:
                geo = shares[dim] if geo is None else min(geo, shares[dim])
                method.append(dim)
        total = (demo if demo is not None else 1.0) * (geo if geo is not None else 1.0)
        how = " x ".join(method) + (", location assumed independent of age and gender"
                                    if demo is not None and geo is not None else "")
        combined.append({"platform": plat, "share_inside": total, "method": how})
    return PersonaFit(pd.DataFrame(rows), pd.DataFrame(bucket_rows), pd.DataFrame(combined))


# --------------------------------------------------------------------------- platform fit

@dataclass(frozen=True)
class PlatformFit:
    """``frame``: platform, reachable_share, rank, active, source, survey_year, groups.
    ``context``: rows of another population (e.g. TurkStat), shown separately."""

    frame: pd.DataFrame
    context: pd.DataFrame
    persona_ages: tuple[str, ...]
    population: str
    reason: str = ""

    title = "Platform fit: share of the persona's age groups using each platform"

    @property
    def available(self) -> bool:
        return not self.frame.empty

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def recommendation(self) -> dict[str, list[str]]:
        """``add``: top-ranked platforms the client is not on; ``review``: active platforms
        ranked in the bottom half."""
        if not self.available:
            return {"add": [], "review": []}
        f = self.frame.sort_values("rank")
        half = len(f) / 2
        top = f[f["rank"] <= max(2, int(np.ceil(half)) - 1)]
        return {"add": list(top.loc[~top["active"], "platform"]),
                "review": list(f.loc[(f["rank"] > half) & f["active"], "platform"])}

    def to_findings(self, key: str) -> list[Finding]:
        if not self.available:
            return [Finding(f"{key}.best", None, self.reason, "text")]
        out = []
        for r in self.frame.itertuples():
            out.append(Finding(f"{key}.reachable_share.{r.platform}", float(r.reachable_share),
                               f"{r.platform}: {r.reachable_share:.0%} of {self.population} in "
                               f"the persona's age groups use it ({r.source}, "
                               f"{r.survey_year})", "ratio",
                               "share of persona age groups who ever use the platform "
                               "(marginal by age)"))
        best = self.frame.sort_values("rank").iloc[0]
        out.append(Finding(f"{key}.best", str(best["platform"]),
                           f"{best['platform']} reaches the largest share of the persona's "
                           f"age groups ({best['reachable_share']:.0%})", "text"))
        rec = self.recommendation()
        out.append(Finding(f"{key}.add", ", ".join(rec["add"]) or "none",
                           "top-ranked platforms the client is not on", "text"))
        return out


def platform_fit(usage: pd.DataFrame, config: ClientConfig,
                 platforms: tuple[str, ...] = ("instagram", "facebook", "x", "linkedin",
                                               "tiktok", "youtube")) -> PlatformFit:
    """Rank platforms by the share of the persona's age groups that use them (Pew)."""
    ages = tuple(config.persona.ages or ())
    # the Pew age rows and the five columns read (sub-frames of every column cost more)
    pew = usage.loc[(usage["source"].str.startswith("Pew") & (usage["group_type"] == "age"))
                    .to_numpy(dtype=bool, na_value=False),
                    ["source", "platform", "group", "survey_year", "share_pct"]]
    pew = pew.assign(platform_id=pew["platform"].map(platform_id)).dropna(
        subset=["platform_id", "share_pct"])
    # Pew's standard groups; the 18-24 / 25-29 splits exist only for some platforms.
    pew = pew[pew["group"].isin(["18-29", "30-49", "50-64", "65+"])]
    population = "U.S. adults"
    context = usage[usage["source"].str.startswith("TurkStat") & (usage["group_type"] == "total")]
    if len(context):
        y = context["survey_year"].max()
        context = context[context["survey_year"] == y].assign(
            platform_id=lambda d: d["platform"].map(platform_id))[
            ["source", "survey_year", "population", "platform", "share_pct"]]
    if not ages:
        ranges = [(18, OPEN_AGE_END)]
        note = "persona names no ages: all adults"
    else:
        ranges = [r for r in (age_range(a) for a in ages) if r]
        note = ""
    rows = []
    pew_ids = pew["platform_id"].to_numpy(dtype=object)
    for plat in platforms:
        p = pew[pew_ids == plat]
        if p.empty:
            continue
        year = int(p["survey_year"].max())
        p = p[p["survey_year"] == year]
        w = np.array([_years_inside(age_range(gr), ranges) for gr in p["group"]], dtype=float)
        if w.sum() == 0:
            continue
        share = float(np.sum(w * p["share_pct"].astype(float).to_numpy()) / w.sum()) / 100
        src = str(p["source"].iloc[0]).split(" (")[0]  # publisher: title, without sample
        rows.append({"platform": plat, "reachable_share": share, "active": plat in
                     config.platforms, "source": src, "survey_year": year,
                     "groups": ", ".join(f"{g} ({wi:.0f}y)" for g, wi in zip(p["group"], w)
                                         if wi > 0)})
    frame = pd.DataFrame(rows, columns=["platform", "reachable_share", "active", "source",
                                        "survey_year", "groups"])
    if frame.empty:
        return PlatformFit(frame, context, ages, population, "no Pew age rows in "
                                                            "platform_usage.csv")
    frame["rank"] = frame["reachable_share"].rank(ascending=False, method="min").astype(int)
    frame = frame.sort_values("rank").reset_index(drop=True)
    return PlatformFit(frame, context, ages, population, note)


def _years_inside(group: tuple[int, int] | None, ranges: list[tuple[int, int]]) -> float:
    if group is None:
        return 0.0
    return float(sum(max(0, min(group[1], r[1]) - max(group[0], r[0])) for r in ranges))


# --------------------------------------------------------------------------- online hours

@dataclass(frozen=True)
class OnlineHours:
    """``grid``: platform, weekday, hour, online (share of the platform's peak hour).
    ``peaks``: platform, weekday, hour_block, online (mean relative level), rank."""

    grid: pd.DataFrame
    peaks: pd.DataFrame
    reason: str = ""

    title = "When followers are online (client time zone)"

    @property
    def available(self) -> bool:
        return not self.grid.empty

    def summary_frame(self) -> pd.DataFrame:
        return self.peaks.copy()

    def to_findings(self, key: str) -> list[Finding]:
        if not self.available:
            return [Finding(f"{key}.peak", None, self.reason, "text")]
        from smm_nb.analysis.timing import window_key

        out = []
        for plat, g in self.peaks.groupby("platform", sort=True):
            r = g.sort_values("rank").iloc[0]
            out.append(Finding(f"{key}.peak.{plat}", window_key(r["weekday"], r["hour_block"]),
                               f"{plat}: most followers online on weekday {r['weekday']} "
                               f"(0 = Monday) {r['hour_block']}", "text"))
        return out


def online_hours(activity: pd.DataFrame | None, k: int = 3) -> OnlineHours:
    """Online followers by weekday x hour, relative to each platform's peak, and the ``k``
    weekday x hour blocks with most followers online."""
    from smm_nb.analysis.prepare import hour_block

    if activity is None or activity.empty:
        return OnlineHours(pd.DataFrame(), pd.DataFrame(),
                           "no online-followers export (activity table)")
    a = activity.copy()
    a["online"] = a["online_followers"].astype("float64")
    a["online"] = a["online"] / a.groupby("platform")["online"].transform("max")
    grid = a[["platform", "weekday", "hour", "online"]].reset_index(drop=True)
    a["hour_block"] = hour_block(a["hour"].astype("int64")).astype("string")
    blocks = a.groupby(["platform", "weekday", "hour_block"], as_index=False)["online"].mean()
    blocks["rank"] = blocks.groupby("platform")["online"].rank(ascending=False, method="first")
    peaks = blocks[blocks["rank"] <= k].sort_values(["platform", "rank"]).reset_index(drop=True)
    peaks["rank"] = peaks["rank"].astype(int)
    return OnlineHours(grid, peaks)


# --------------------------------------------------------------------------- service lines

@dataclass(frozen=True)
class ServiceLines:
    """``rates``: platform, category, n, share_of_posts, value, low, high (ratio of sums
    on ``basis``); ``ratios``: rate ratios against each platform's most common line."""

    rates: pd.DataFrame
    ratios: pd.DataFrame
    basis: str
    definition: str
    uncategorised: float
    reason: str = ""

    @property
    def title(self) -> str:
        return f"Service lines by platform ({self.definition})"

    @property
    def available(self) -> bool:
        return not self.rates.empty

    def summary_frame(self) -> pd.DataFrame:
        return self.rates.copy()

    def to_findings(self, key: str) -> list[Finding]:
        if not self.available:
            return [Finding(f"{key}.rate", None, self.reason, "ratio")]
        out = []
        for r in self.rates.itertuples():
            out.append(Finding(f"{key}.rate.{_slug(r.platform)}.{_slug(r.category)}",
                               float(r.value), f"{r.platform} {r.category}: {r.value:.2%} "
                               f"({self.definition}; {r.n} posts)", "ratio", self.definition,
                               _fin(r.low), _fin(r.high), int(r.n)))
        for r in self.ratios.itertuples():
            k = f"{key}.ratio.{_slug(r.platform)}.{_slug(r.level)}"
            if r.status != "ok":
                out.append(Finding(k, None, r.status, "rate_ratio"))
            else:
                out.append(Finding(k, float(r.rate_ratio), f"{r.platform}: {r.level} vs "
                                   f"{r.reference} {r.rate_ratio:.2f}× (95% CI {r.low:.2f}–"
                                   f"{r.high:.2f})", "rate_ratio", self.definition,
                                   float(r.low), float(r.high), int(r.n + r.n_reference)))
        return out


def _fin(x):
    return float(x) if x is not None and np.isfinite(x) else None


def service_lines(posts: pd.DataFrame, basis: str = "reach", min_posts: int = 5,
                  n_boot: int = 1000, seed: int = 0) -> ServiceLines:
    """Engagement rate of each service line (``category``) per platform, and rate ratios
    against the platform's most common line (Holm-adjusted)."""
    from smm_nb.analysis.metrics import definition

    d = definition(basis, "ratio")
    has = posts["category"].notna()
    unc = float(1 - has.mean()) if len(posts) else 1.0
    if not has.any():
        return ServiceLines(pd.DataFrame(), pd.DataFrame(), basis, d, unc,
                            "no post matches a service line (tags in client.yaml)")
    # only the columns read below (the arm, if any, for rate_ratios' experiment filter):
    # a row subset of the whole prepared table, text included, costs more than the rates
    cols = [c for c in dict.fromkeys(["platform", "category", "engagements_public",
                                      ER_BASES[basis], "arm"]) if c in posts]
    p = posts.loc[has.to_numpy(dtype=bool, na_value=False), cols]
    er = engagement_rates(p, by=("platform", "category"), bases=(basis,),
                          statistics=("ratio",), n_boot=n_boot, seed=seed).frame
    counts = p.groupby("platform").size()
    er["share_of_posts"] = er["n"] / er["platform"].map(counts)
    rates = er[["platform", "category", "n", "share_of_posts", "value", "low", "high"]]
    ratios = rate_ratios(p, by="category", basis=basis, min_posts=min_posts).frame
    return ServiceLines(rates.reset_index(drop=True), ratios, basis, d, unc)
