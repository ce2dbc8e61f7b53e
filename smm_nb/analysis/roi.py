"""Return on spend: what paid activity cost and what it brought back.

Spend comes from the ``spend`` table (ad campaigns, boosted posts, influencer and
sponsorship costs, one row per day and campaign, with ``kind``); conversions and
revenue from ``conversions`` (joined on date, platform and campaign). Per platform,
campaign and kind:

* CPM = spend / impressions x 1000, CPC = spend / clicks, CPA = spend / conversions;
* ROAS = revenue / spend, ROI = (revenue - spend) / spend; ROAS gets a 95 % interval
  from a 7-day block bootstrap of days (ratio of sums), since a campaign's days are
  not independent.

Paid against organic compares posts (``paid`` flag) on reach and engagement rate.

Attribution limits (stated in :data:`ATTRIBUTION_NOTES`, shown with the numbers):
conversions are what each platform attributes to itself within its own click and
view windows; platforms double-count a buyer who saw ads on two of them; organic
posts' conversions are not measured at all; and a ROAS is not incremental lift.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ATTRIBUTION_NOTES = (
    "Conversions and revenue are what each platform attributes to its own ads, within its "
    "own click and view windows; they are not verified sales.",
    "A buyer who saw ads on two platforms may be counted by both: platform totals can add up "
    "to more than the shop sold.",
    "Organic posts' conversions are not measured: paid against organic compares reach and "
    "engagement only.",
    "ROAS is revenue attributed per unit of spend, not incremental lift: some buyers would "
    "have bought anyway. Only a hold-out test measures incrementality.",
)
ATTRIBUTION_NOTES_TR = (
    "Dönüşümler ve gelir, her platformun kendi tıklama ve görüntüleme pencereleri içinde kendi "
    "reklamlarına atfettiği değerlerdir; doğrulanmış satışlar değildir.",
    "İki platformda reklam gören bir alıcı iki platformca da sayılabilir: platform toplamları "
    "mağazanın gerçek satışından fazla olabilir.",
    "Organik gönderilerin dönüşümleri ölçülmez: ücretli ve organik karşılaştırması yalnızca "
    "erişim ve etkileşim üzerinedir.",
    "ROAS, harcama başına atfedilen gelirdir, ek (artımlı) etki değildir: bazı alıcılar zaten "
    "satın alacaktı. Artımlılığı yalnızca kontrol grubu testi ölçer.",
)

N_BOOT = 1000


def _ratio(a: float, b: float, scale: float = 1.0) -> float:
    return a / b * scale if b and b > 0 and np.isfinite(a) else np.nan


def block_bootstrap_ratio(num: np.ndarray, den: np.ndarray, block: int = 7,
                          n_boot: int = N_BOOT, seed: int = 0) -> tuple[float, float]:
    """95 % interval of ``sum(num) / sum(den)`` resampling days in moving blocks."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    n = num.size
    if n < 2 * block or den.sum() <= 0:
        return np.nan, np.nan
    rng = np.random.default_rng(seed)
    k = int(math.ceil(n / block))
    starts = rng.integers(0, n - block + 1, size=(n_boot, k))
    idx = (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]
    d = den[idx].sum(axis=1)
    r = np.where(d > 0, num[idx].sum(axis=1) / np.where(d > 0, d, 1), np.nan)
    r = r[np.isfinite(r)]
    if r.size < n_boot // 2:
        return np.nan, np.nan
    return float(np.quantile(r, 0.025)), float(np.quantile(r, 0.975))


@dataclass(frozen=True)
class RoiResult:
    """Spend, returns and unit costs by platform, campaign and kind."""

    by_platform: pd.DataFrame
    by_campaign: pd.DataFrame
    by_kind: pd.DataFrame
    total: pd.Series
    paid_vs_organic: pd.DataFrame
    currency: str
    reason: str | None = None  # why there is nothing to show
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_spend(self) -> bool:
        return self.reason is None

    def summary_frame(self) -> pd.DataFrame:
        if not self.has_spend:
            return pd.DataFrame({"note": [self.reason]})
        from smm_nb.analysis.baseline import tidy

        return tidy(self.by_campaign)

    def to_findings(self, key: str, lang=None) -> list:
        from smm_nb.report.findings import Finding

        from smm_nb.analysis.experiments import _Lang

        L = lang or _Lang()
        if not self.has_spend:
            return [Finding(f"{key}.roas.all", None, L.text(
                en=self.reason, tr="kampanya harcaması kaydı yok: getiri hesaplanamıyor"),
                unit="ratio")]
        t = self.total
        out = [
            Finding(f"{key}.spend.all", float(t["spend"]),
                    f"total spend {t['spend']:,.2f} {self.currency}", unit="currency",
                    basis=f"spend table, {self.currency}"),
            Finding(f"{key}.roas.all", _f(t["roas"]),
                    L.text(en=f"ROAS {L.number(t['roas'], 2)} (95% CI "
                              f"{L.number(t['roas_low'], 2)}–{L.number(t['roas_high'], 2)}): "
                              "platform-attributed revenue / spend",
                           tr=f"ROAS {L.number(t['roas'], 2)} (%95 GA "
                              f"{L.number(t['roas_low'], 2)}–{L.number(t['roas_high'], 2)}): "
                              "platformların atfettiği gelir / harcama")
                    if np.isfinite(t["roas"]) else "no attributed revenue", unit="ratio",
                    basis="attributed revenue / spend; 7-day block bootstrap",
                    low=_f(t["roas_low"]), high=_f(t["roas_high"])),
            Finding(f"{key}.cpa.all", _f(t["cpa"]),
                    f"cost per attributed conversion {t['cpa']:,.2f} {self.currency}"
                    if np.isfinite(t["cpa"]) else "no attributed conversions",
                    unit="currency", basis="spend / attributed conversions"),
        ]
        for r in self.by_platform.itertuples():
            out.append(Finding(f"{key}.roas.{r.platform}", _f(r.roas),
                               f"{r.platform}: ROAS {r.roas:.2f}" if np.isfinite(r.roas)
                               else f"{r.platform}: no attributed revenue", unit="ratio",
                               basis="attributed revenue / spend", low=_f(r.roas_low),
                               high=_f(r.roas_high)))
        return out


def _f(x):
    return float(x) if x is not None and pd.notna(x) and np.isfinite(x) else None


def _metrics(g: pd.DataFrame) -> dict:
    sp = float(g["spend"].sum())
    im = float(g["impressions"].sum())
    cl = float(g["clicks"].sum())
    cv = float(g["conversions"].sum())
    rv = float(g["revenue"].sum())
    daily = g.groupby("date")[["revenue", "spend"]].sum().sort_index()
    lo, hi = block_bootstrap_ratio(daily["revenue"].to_numpy(), daily["spend"].to_numpy())
    return {"spend": sp, "impressions": im, "clicks": cl, "conversions": cv, "revenue": rv,
            "cpm": _ratio(sp, im, 1000), "cpc": _ratio(sp, cl), "cpa": _ratio(sp, cv),
            "roas": _ratio(rv, sp), "roas_low": lo, "roas_high": hi,
            "roi": _ratio(rv - sp, sp)}


def roi(spend: pd.DataFrame | None, conversions: pd.DataFrame | None,
        posts: pd.DataFrame | None, currency: str, er_basis: str = "reach") -> RoiResult:
    """Unit costs and returns of paid activity, and paid against organic posts.

    Parameters
    ----------
    spend, conversions : DataFrame or None
        The canonical ``spend`` and ``conversions`` tables.
    posts : DataFrame or None
        Prepared posts, for paid against organic.
    currency : str
        The client's currency (``client.yaml``); rows in another currency are left out
        and counted in ``notes``.
    """
    pvo = paid_vs_organic(posts, er_basis) if posts is not None else pd.DataFrame()
    empty = pd.DataFrame()
    if spend is None or spend.empty or float(spend["spend"].sum()) <= 0:
        reason = "no spend is recorded for this client: there is no paid activity to evaluate"
        if not pvo.empty and pvo["spend_on_posts"].sum() > 0:
            paid = pvo.loc[pvo["posts"] == "paid"]
            reason = (f"no spend export: {int(paid['n'].sum())} boosted posts report "
                      f"{paid['spend_on_posts'].sum():,.2f} {currency} of spend, but without "
                      "campaign spend and conversions no return can be computed")
        return RoiResult(empty, empty, empty, pd.Series(dtype=float), pvo, currency,
                         reason=reason)
    notes = []
    s = spend.copy()
    if "currency" in s and s["currency"].notna().any():
        other = s["currency"].notna() & (s["currency"] != currency)
        if other.any():
            notes.append(f"{int(other.sum())} spend rows in another currency than {currency} "
                         "left out (no exchange rates are applied)")
            s = s.loc[~other]
    for c in ("impressions", "clicks"):
        s[c] = s[c].astype("Float64").astype(float)
    s["kind"] = s["kind"].fillna("other")
    keys = ["date", "platform", "campaign"]
    if conversions is not None and not conversions.empty:
        c = conversions.groupby(keys, as_index=False)[["conversions", "revenue"]].sum()
        unmatched = c.merge(s[keys], on=keys, how="left", indicator=True)
        n_un = int((unmatched["_merge"] == "left_only").sum())
        if n_un:
            notes.append(f"{n_un} conversion rows without a matching spend row left out")
        s = s.merge(c, on=keys, how="left")
    else:
        s["conversions"] = np.nan
        s["revenue"] = np.nan
        notes.append("no conversions exported: CPA, ROAS and ROI cannot be computed")
    s["conversions"] = s["conversions"].astype(float)
    s["revenue"] = s["revenue"].astype(float)
    no_conv = conversions is None or conversions.empty

    def table(by):
        rows = []
        for k, g in s.groupby(by, sort=True):
            k = k if isinstance(k, tuple) else (k,)
            m = _metrics(g)
            if no_conv:
                for x in ("conversions", "revenue", "cpa", "roas", "roas_low", "roas_high",
                          "roi"):
                    m[x] = np.nan
            rows.append(dict(zip(by, k)) | m)
        return pd.DataFrame(rows)

    total = pd.Series(_metrics(s))
    if no_conv:
        total[["conversions", "revenue", "cpa", "roas", "roas_low", "roas_high", "roi"]] = np.nan
    return RoiResult(table(["platform"]), table(["platform", "campaign", "kind"]),
                     table(["kind"]), total, pvo, currency, None, tuple(notes))


def paid_vs_organic(posts: pd.DataFrame, er_basis: str = "reach") -> pd.DataFrame:
    """Per platform: posts, median reach and median engagement rate, paid and organic."""
    er = f"er_{er_basis}"
    if posts is None or posts.empty or "paid" not in posts:
        return pd.DataFrame()
    # only the columns read: grouping the whole prepared table (text included) takes
    # every column of every group, which dominates on a large client
    cols = [c for c in ("platform", "reach", er, "spend") if c in posts]
    p = posts[cols].assign(_paid=posts["paid"].fillna(False).astype(bool))
    rows = []
    for (plat, paid), g in p.groupby(["platform", "_paid"], sort=True):
        rows.append({"platform": plat, "posts": "paid" if paid else "organic", "n": len(g),
                     "median_reach": float(g["reach"].astype("Float64").astype(float).median()),
                     f"median_{er}": float(g[er].median()) if er in g else np.nan,
                     "spend_on_posts": float(g["spend"].fillna(0).sum()) if paid else 0.0})
    return pd.DataFrame(rows)
