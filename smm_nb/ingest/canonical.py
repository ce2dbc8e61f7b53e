"""The documented canonical CSV / Parquet: any table of the data contract, as is.

A file is claimed when its header holds every required column of a canonical
table (see ``docs/data-contract.md``); the table whose required columns match
best wins, so a ``spend`` file is not mistaken for ``account_daily``.
"""
from __future__ import annotations

import csv
import io

import pandas as pd

from smm_nb.ingest.base import AdapterOutput, FileProbe, IngestContext, register
from smm_nb.model.schemas import TABLES, TableSchema


def _header(probe: FileProbe) -> list[str]:
    if probe.suffix in (".parquet", ".pq") or probe.raw.startswith(b"PAR1"):
        import pyarrow.parquet as pq

        return list(pq.read_schema(probe.path).names)
    if not probe.text:
        return []
    first = probe.first_line
    try:
        return [h.strip() for h in next(csv.reader(io.StringIO(first)))]
    except StopIteration:
        return []


def match_table(columns: list[str]) -> TableSchema | None:
    """The canonical table a header belongs to: the one sharing the most column names
    (ties go to the smaller table). A header that is mostly not canonical names, or
    shares fewer than two required columns, belongs to none."""
    cols = set(columns) - {"source_file", "source_row"}
    if not cols:
        return None
    best = max(TABLES.values(), key=lambda t: (len(cols & set(t.names)), -len(t.names)))
    shared = cols & set(best.names)
    if len(shared) * 2 < len(cols) or len(shared & set(best.required)) < 2:
        return None
    return best


class CanonicalAdapter:
    name = "canonical"
    description = ("the documented canonical CSV or Parquet of any table "
                   "(docs/data-contract.md)")

    def sniff(self, probe: FileProbe) -> bool:
        if probe.suffix in (".xlsx", ".xls"):
            return False
        return match_table(_header(probe)) is not None

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput:
        schema = match_table(_header(probe))
        assert schema is not None
        if probe.encoding is None:
            df = pd.read_parquet(probe.path)
            df["source_row"] = range(1, len(df) + 1)
        else:
            df = pd.read_csv(probe.path, encoding=probe.encoding, dtype=str,
                             keep_default_na=False, na_values=[""])
            # line 1 is the header, so data row i is line i + 2
            df["source_row"] = range(2, len(df) + 2)
        return AdapterOutput({schema.name: df}, rows_read=len(df))


register(CanonicalAdapter())
