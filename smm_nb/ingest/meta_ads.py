"""Meta Ads Manager exports (campaign, ad set or ad level; any column choice) into the
``spend`` and ``conversions`` tables, one row per day, platform and campaign.

Rows below campaign level (ad sets, ads, age/gender breakdowns) are summed up to
their campaign and day; reach is not additive, so it is kept only where one row
makes a campaign-day. The currency comes from the spend column's name
(``Amount spent (EUR)``, ``Spend [USD]``) or the client's currency. Without a
``Platform`` breakdown column, spend is booked to Facebook (Ads Manager's own
default placement family), with a warning. Files without any date column (some
data-set re-exports) are dated to the file's modification day, with a warning.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from smm_nb.ingest.base import AdapterOutput, FileProbe, IngestContext, register
from smm_nb.ingest.canonical import match_table
from smm_nb.ingest.readers import (header_cells, normalize, probe_header, probe_lines,
                                   read_table, text, to_date, to_number)

CAMPAIGN = ("Campaign name", "Campaign Name", "Campaign", "xyz_campaign_id")
DATE = ("Day", "Date", "Reporting starts")
IMPRESSIONS = ("Impressions", "# of Impressions")
REACH = ("Reach",)
CLICKS = ("Link clicks", "# of Website Clicks", "Clicks (all)", "Clicks")
CONVERSIONS = ("Purchases", "Website purchases", "# of Purchase", "Approved_Conversion",
               "Results")
REVENUE = ("Purchases conversion value", "Website purchases conversion value",
           "Purchase conversion value")
PLATFORM = {"facebook": "facebook", "instagram": "instagram", "audience network": "facebook",
            "messenger": "facebook", "threads": "instagram"}


def _spend_column(columns: list[str]) -> tuple[str | None, str | None]:
    for c in columns:
        m = re.match(r"^(amount spent|spend|spent)\s*(?:[\(\[]\s*([A-Za-z]{3})\s*[\)\]])?$",
                     normalize(c))
        if m:
            return c, (m.group(2) or "").upper() or None
    return None, None


class MetaAds:
    name = "meta-ads-manager"
    description = ("Meta Ads Manager export (Campaign name, Day/Reporting starts, Amount spent "
                   "(CUR), Impressions, Reach, Link clicks, Purchases, ...)")

    def sniff(self, probe: FileProbe) -> bool:
        h = probe_header(probe)
        if not h or match_table(header_cells(probe_lines(probe)[0])) is not None:
            return False  # the documented canonical spend table is the generic adapter's
        has_campaign = any(normalize(c) in h for c in CAMPAIGN)
        has_impr = any(normalize(c) in h for c in IMPRESSIONS)
        return has_campaign and has_impr and _spend_column(h)[0] is not None

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        t = read_table(probe)
        warnings: list[str] = []
        # Ads Manager ends some exports with a totals row that has no campaign name
        camp_col = t.find(*CAMPAIGN)
        t.drop((t.col(camp_col).str.strip() == "").to_numpy())
        spend_col, currency = _spend_column(t.columns)
        date_col = t.find(*DATE)
        if date_col is not None:
            day_first = t.col(date_col).str.match(r"^\d{1,2}\.\d{1,2}\.\d{4}$").fillna(False)
            date = to_date(t, date_col, dayfirst=bool(day_first.any()))
        else:
            mtime = dt.date.fromtimestamp(probe.path.stat().st_mtime)
            date = pd.Series(pd.Timestamp(mtime), index=range(len(t)), dtype="datetime64[ns]")
            warnings.append(f"no date column: rows are dated {mtime} (the file's "
                            f"modification day); their totals cover an unknown period")
        plat_col = t.find("Platform", "Publisher platform")
        if plat_col is not None:
            platform = text(t, plat_col).str.lower().map(PLATFORM)
            bad = platform.isna().to_numpy()
            if bad.any():
                raise t.fail(plat_col, int(np.flatnonzero(bad)[0]),
                             "is not a platform this workbook analyses")
        else:
            platform = pd.Series(ctx.platform_hint or "facebook", index=range(len(t)))
            warnings.append("no Platform breakdown: spend booked to facebook")
        df = pd.DataFrame({"date": date.reset_index(drop=True),
                           "platform": platform.reset_index(drop=True),
                           "campaign": text(t, camp_col).reset_index(drop=True),
                           "spend": to_number(t, spend_col).reset_index(drop=True)})
        for canon, names in (("impressions", IMPRESSIONS), ("reach", REACH),
                             ("clicks", CLICKS), ("conversions", CONVERSIONS),
                             ("revenue", REVENUE)):
            c = t.find(*names)
            if c is not None:
                df[canon] = to_number(t, c).reset_index(drop=True)
        df["source_row"] = t.rows
        key = ["date", "platform", "campaign"]
        sums = [c for c in ("spend", "impressions", "clicks", "conversions", "revenue")
                if c in df]
        g = df.groupby(key, sort=False, dropna=False)
        agg = g[sums].sum(min_count=1)
        agg["source_row"] = g["source_row"].min()
        if "reach" in df:
            n = g.size()
            agg["reach"] = g["reach"].first().where(n == 1)
            if (n > 1).any():
                warnings.append("several rows per campaign and day were summed; reach is not "
                                "additive and is left empty for those")
        agg = agg.reset_index()
        agg["currency"] = currency or ctx.currency
        if currency is None:
            warnings.append(f"no currency in the spend column name: taken as the client's "
                            f"currency ({ctx.currency})")
        agg["kind"] = "ad"
        spend = agg[[c for c in ("date", "platform", "campaign", "kind", "spend", "currency",
                                 "impressions", "reach", "clicks", "source_row") if c in agg]]
        tables = {"spend": spend}
        if "conversions" in agg:
            conv = agg[[c for c in ("date", "platform", "campaign", "conversions", "revenue",
                                    "currency", "source_row") if c in agg]]
            tables["conversions"] = conv[conv["conversions"].notna()]
        return AdapterOutput(tables, rows_read=len(t), rows_skipped=t.skipped,
                             warnings=warnings)


register(MetaAds())
