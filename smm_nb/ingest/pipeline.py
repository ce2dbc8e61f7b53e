"""From a folder of exports to canonical tables: probe, pick an adapter, conform, merge."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from smm_nb.errors import ExportError, SmmError
from smm_nb.ingest.base import IngestContext, find_adapter, probe_file
from smm_nb.model.schemas import TABLES, TableSchema, conform

IGNORED = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass
class FileReport:
    path: str
    adapter: str | None
    rows_read: int = 0
    rows_skipped: int = 0
    start: str | None = None
    end: str | None = None
    tables: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class IngestResult:
    tables: dict[str, pd.DataFrame]
    files: list[FileReport]
    warnings: list[str]
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def export_files(exports_dir: Path) -> list[Path]:
    """Every file under ``exports_dir`` that could be an export, in a stable order."""
    return sorted(
        p for p in exports_dir.rglob("*")
        if p.is_file() and not p.name.startswith((".", "~$")) and p.name.lower() not in IGNORED
    )


def _coverage(frames: dict[str, pd.DataFrame]) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    lo, hi = None, None
    for name, df in frames.items():
        col = TABLES[name].time_column
        if col is None or df.empty:
            continue
        s = df[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        a, b = s.min(), s.max()
        if pd.notna(a):
            lo = a if lo is None else min(lo, a)
            hi = b if hi is None else max(hi, b)
    return lo, hi


_TYPED = {"str": lambda dt: pd.api.types.is_string_dtype(dt) and str(dt) != "object",
          "int": lambda dt: str(dt) == "Int64",
          "float": lambda dt: str(dt) == "float64",
          "bool": lambda dt: str(dt) == "boolean",
          "timestamp": lambda dt: isinstance(dt, pd.DatetimeTZDtype),
          "date": lambda dt: str(dt) == "datetime64[ns]"}


@functools.lru_cache(maxsize=None)
def _empty(table: str) -> pd.DataFrame:
    return TABLES[table].empty()


def conform_typed(df: pd.DataFrame, schema: TableSchema, *, tz: str, source: str
                  ) -> pd.DataFrame:
    """:func:`~smm_nb.model.schemas.conform` for frames whose columns adapters have
    already typed: the same checks (required, non-negative, choices) without reading
    every value again. Any column of another dtype sends the frame through ``conform``."""
    for col in schema.columns:
        if col.name in df.columns and not _TYPED[col.kind](df[col.name].dtype):
            return conform(df, schema, tz=tz, source=source)
    n = len(df)
    strict = df.reset_index(drop=True)
    checks = pd.DataFrame({c: strict[c] for c in schema.names if c in strict.columns})
    for col in schema.columns:
        if col.name not in checks.columns:
            continue
        s = checks[col.name]
        bad = None
        if col.required and s.isna().any():
            bad = s.isna()
        elif col.nonnegative and col.kind in ("int", "float") and (s < 0).fillna(False).any():
            bad = (s < 0).fillna(False)
        elif col.choices is not None and (s.notna() & ~s.isin(col.choices)).any():
            bad = s.notna() & ~s.isin(col.choices)
        if bad is not None:
            # let conform word the error exactly as it always does
            return conform(df, schema, tz=tz, source=source)
    out = {}
    empty = _empty(schema.name)
    for col in schema.columns:
        if col.name in checks.columns:
            s = checks[col.name]
            if col.kind == "timestamp":
                s = s.dt.tz_convert(tz)
            elif col.kind == "str":
                s = s.astype("string")
                s = s.where(s.str.len() > 0)
            out[col.name] = s
        else:
            out[col.name] = empty[col.name].reindex(range(n))
    result = pd.DataFrame(out)
    result["source_file"] = result["source_file"].fillna(source)
    return result


def merge_duplicates(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """One row per key. Rows are in export order (earlier first); for a key seen more
    than once each column takes the last non-missing value, so the later export's
    lifetime metrics win and columns only one export reports are kept (unioned)."""
    dup = df.duplicated(key, keep=False).to_numpy()
    if not dup.any():
        return df
    single = df.loc[~dup]
    multi = df.loc[dup]
    # groupby().last() skips missing values column by column: exactly "later wins,
    # columns unioned"; only the (few) duplicated keys pay for it.
    merged = multi.groupby(key, sort=False, dropna=False).last().reset_index()
    merged = merged[df.columns].astype(df.dtypes.to_dict())
    return pd.concat([single, merged], ignore_index=True)


def ingest_files(paths: list[Path], ctx: IngestContext, *, root: Path | None = None,
                 collect_errors: bool = False) -> IngestResult:
    """Read every file and merge into canonical tables.

    Overlapping exports are de-duplicated on each table's key; the file whose data
    reaches later wins, so the same post in two exports keeps the later lifetime metrics.
    With ``collect_errors`` a bad file is reported and skipped instead of raised.
    """
    parts: dict[str, list[tuple[pd.Timestamp, int, pd.DataFrame]]] = {}
    files: list[FileReport] = []
    warnings: list[str] = []
    errors: list[str] = []
    for order, path in enumerate(paths):
        shown = str(path.relative_to(root)) if root else path.name
        try:
            probe = probe_file(path)
            adapter = find_adapter(probe)
            out = adapter.read(probe, ctx)
            conformed = {}
            for table, df in out.tables.items():
                df = df.copy()
                df["source_file"] = shown
                conformed[table] = conform_typed(df, TABLES[table], tz=ctx.timezone,
                                                 source=shown)
        except ExportError as exc:
            if exc.path is not None and Path(exc.path) == path:
                exc = ExportError(shown, exc.reason, row=exc.row, column=exc.column,
                                  value=exc.value)
            if not collect_errors:
                raise exc from None
            errors.append(str(exc))
            files.append(FileReport(shown, None, error=str(exc)))
            continue
        except SmmError as exc:
            if not collect_errors:
                raise
            errors.append(str(exc))
            files.append(FileReport(shown, None, error=str(exc)))
            continue
        lo, hi = _coverage(conformed)
        files.append(FileReport(
            shown, adapter.name, out.rows_read, out.rows_skipped,
            None if lo is None else str(lo.date()), None if hi is None else str(hi.date()),
            sorted(conformed),
        ))
        if out.rows_skipped:
            warnings.append(f"{shown}: skipped {out.rows_skipped} row(s) "
                            f"(totals or blank lines)")
        warnings.extend(f"{shown}: {w}" for w in out.warnings)
        for table, df in conformed.items():
            parts.setdefault(table, []).append((hi or pd.Timestamp.min, order, df))

    tables = {}
    for name, schema in TABLES.items():
        chunks = sorted(parts.get(name, []), key=lambda t: (t[0], t[1]))
        if not chunks:
            tables[name] = _empty(name).copy()
            continue
        df = pd.concat([c[2] for c in chunks], ignore_index=True)
        before = len(df)
        df = merge_duplicates(df, list(schema.key))
        dropped = before - len(df)
        if dropped and len(chunks) > 1:
            warnings.append(f"{name}: {dropped} row(s) appeared in more than one export; "
                            f"merged (the later export's values win, columns unioned)")
        sort_cols = [c for c in (schema.time_column, *schema.key) if c]
        tables[name] = df.sort_values(list(dict.fromkeys(sort_cols)), kind="stable") \
            .reset_index(drop=True)
    return IngestResult(tables, files, warnings, errors)
