"""What data a client has: rows, platforms and date range of every canonical table."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smm_nb.model.schemas import TABLES

#: Count columns whose totals are reported (and checked against raw files).
TOTAL_COLUMNS = ("impressions", "reach", "engagements", "likes", "spend", "conversions",
                 "revenue", "follower_gains")


@dataclass(frozen=True)
class TableCoverage:
    table: str
    rows: int
    platforms: tuple[str, ...]
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    totals: dict[str, float]


@dataclass(frozen=True)
class Coverage:
    tables: tuple[TableCoverage, ...]

    def summary_frame(self) -> pd.DataFrame:
        return pd.DataFrame([
            {"table": t.table, "rows": t.rows, "platforms": ", ".join(t.platforms) or "–",
             "start": t.start.date() if t.start is not None else None,
             "end": t.end.date() if t.end is not None else None}
            for t in self.tables
        ])

    def __getitem__(self, table: str) -> TableCoverage:
        for t in self.tables:
            if t.table == table:
                return t
        raise KeyError(table)


def coverage(tables: dict[str, pd.DataFrame]) -> Coverage:
    """Rows, platforms, first and last date and count totals of each table."""
    out = []
    for name, schema in TABLES.items():
        df = tables.get(name)
        if df is None:
            df = schema.empty()
        start = end = None
        if schema.time_column and len(df):
            s = df[schema.time_column]
            if isinstance(s.dtype, pd.DatetimeTZDtype):
                s = s.dt.tz_localize(None)
            start, end = s.min(), s.max()
        platforms = tuple(sorted(df["platform"].dropna().unique())) if "platform" in df else ()
        totals = {c: float(pd.to_numeric(df[c], errors="coerce").sum())
                  for c in TOTAL_COLUMNS if c in df.columns}
        out.append(TableCoverage(name, len(df), platforms, start, end, totals))
    return Coverage(tuple(out))
