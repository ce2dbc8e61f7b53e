"""From a folder of exports to canonical tables: probe, pick an adapter, conform, merge."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def _coverage(frames: dict[str, pd.DataFrame], tz: str = "UTC"
              ) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    lo, hi = None, None
    for name, df in frames.items():
        col = TABLES[name].time_column
        if col is None or df.empty:
            continue
        s = df[col]
        a, b = s.min(), s.max()
        if isinstance(s.dtype, pd.DatetimeTZDtype) and pd.notna(a):
            # in the client's zone (typed frames are converted only when merged)
            a = a.tz_convert(tz).tz_localize(None)
            b = b.tz_convert(tz).tz_localize(None)
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


def _typed_and_valid(df: pd.DataFrame, schema: TableSchema) -> bool:
    """True when every canonical column of ``df`` already has its canonical dtype and
    passes the contract's checks (required, non-negative, choices); vectorised, no
    value is read twice. False sends the frame through ``conform``, which words the
    error exactly as it always does (or accepts what only it can read)."""
    for col in schema.columns:
        if col.name in df.columns and not _TYPED[col.kind](df[col.name].dtype):
            return False
    for col in schema.columns:
        if col.name not in df.columns:
            continue
        s = df[col.name]
        arr = s.array
        if col.required and s.isna().any():
            return False
        if col.nonnegative and col.kind in ("int", "float"):
            if isinstance(arr, pd.arrays.IntegerArray):
                # the masked array's own data: no pandas comparison per file
                if bool((arr._data[~arr._mask] < 0).any()):
                    return False
            elif bool((s < 0).any()):
                return False
        if col.choices is not None:
            # the few distinct values, not every row
            pa_arr = _arrow_of(s)
            values = pc.unique(pa_arr.drop_null()).to_pylist() if pa_arr is not None \
                else s.dropna().unique()
            if any(v not in col.choices for v in values):
                return False
    return True


def _nulls(dtype, n: int) -> pd.Series:
    """An all-missing column of ``dtype``, built from its arrays (pandas' scalar
    broadcast is slow for a million text cells)."""
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow" \
            and dtype.na_value is pd.NA:
        return pd.Series(pd.arrays.ArrowStringArray(
            pa.chunked_array([pa.nulls(n, pa.large_string())])))
    if str(dtype) == "Int64":
        return pd.Series(pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, bool)))
    if str(dtype) == "boolean":
        return pd.Series(pd.arrays.BooleanArray(np.zeros(n, bool), np.ones(n, bool)))
    return pd.Series(np.nan if dtype == np.float64 else pd.NA, index=pd.RangeIndex(n),
                     dtype=dtype)


def _arrow_of(s: pd.Series) -> pa.Array | None:
    """The Arrow array behind an Arrow-backed text column, as one chunk."""
    arr = getattr(s.array, "_pa_array", None)
    if arr is None:
        return None
    if isinstance(arr, pa.ChunkedArray):
        # one chunk is used as is (combine_chunks would copy it)
        return arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    return arr


def _from_arrow(like: pd.Series, arr: pa.Array) -> pd.Series:
    return pd.Series(type(like.array)(pa.chunked_array([arr])), name=like.name)


def _empty_as_missing(s: pd.Series) -> pd.Series:
    """Empty text means missing (as ``conform`` reads it)."""
    arr = _arrow_of(s)
    if arr is None or not isinstance(s.dtype, pd.StringDtype):
        return s.where(s.str.len() > 0)
    if arr.null_count == len(arr):
        return _from_arrow(s, arr)
    empty = pc.equal(pc.binary_length(arr), 0)
    if not pc.any(empty).as_py():
        return _from_arrow(s, arr)
    return _from_arrow(s, pc.if_else(empty, pa.scalar(None, arr.type), arr))


def _canonical_frame(chunks: list[pd.DataFrame], schema: TableSchema, tz: str
                     ) -> pd.DataFrame:
    """One canonical frame from checked chunks (typed adapter frames or ``conform``
    output), built column by column: one concatenation, time zone conversion and
    empty-text check per column instead of per file."""
    empty = _empty(schema.name)
    lengths = [len(c) for c in chunks]
    total = sum(lengths)
    out = {}
    for col in schema.columns:
        target = empty[col.name].dtype
        present = [col.name in c.columns for c in chunks]
        if not any(present):
            out[col.name] = _nulls(target, total)
            continue
        if col.kind == "str" and isinstance(target, pd.StringDtype) \
                and target.storage == "pyarrow":
            # text: one Arrow concatenation (no per-chunk pandas conversions)
            arrays = []
            for c, n, has in zip(chunks, lengths, present):
                arr = _arrow_of(c[col.name]) if has else pa.nulls(n, pa.large_string())
                if arr is None:
                    arr = pa.array(c[col.name].astype(target).array)
                    if isinstance(arr, pa.ChunkedArray):
                        arr = arr.combine_chunks()
                arrays.append(arr.cast(pa.large_string()) if arr.type != pa.large_string()
                              else arr)
            whole = pa.concat_arrays(arrays) if len(arrays) > 1 else arrays[0]
            out[col.name] = _empty_as_missing(pd.Series(
                pd.arrays.ArrowStringArray(pa.chunked_array([whole]))))
            continue
        parts = []
        for c, n, has in zip(chunks, lengths, present):
            if not has:
                parts.append(_nulls(target, n))
                continue
            s = c[col.name]
            if col.kind == "timestamp":
                if str(s.dtype.tz) != str(tz):
                    s = s.dt.tz_convert(tz)
            elif s.dtype != target:
                s = s.astype(target)
            parts.append(s)
        s = parts[0].reset_index(drop=True) if len(parts) == 1 else \
            pd.concat(parts, ignore_index=True)
        if col.kind == "str":
            s = _empty_as_missing(s)
        out[col.name] = s
    # the columns are new: no copy (pandas copies a dict's arrays by default)
    return pd.DataFrame(out, copy=False)


def conform_typed(df: pd.DataFrame, schema: TableSchema, *, tz: str, source: str
                  ) -> pd.DataFrame:
    """:func:`~smm_nb.model.schemas.conform` for frames whose columns adapters have
    already typed: the same checks (required, non-negative, choices) without reading
    every value again. Any column of another dtype, or a value that fails a check,
    sends the frame through ``conform``."""
    if not _typed_and_valid(df, schema):
        return conform(df, schema, tz=tz, source=source)
    result = _canonical_frame([df], schema, tz)
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


def _sort_keys(s: pd.Series) -> list[np.ndarray]:
    """Integer arrays whose lexicographic order is the order of ``s`` (missing last)
    and whose equality is equality of values."""
    if isinstance(s.dtype, pd.DatetimeTZDtype) or str(s.dtype).startswith("datetime64"):
        v = s.array.asi8 if hasattr(s.array, "asi8") else s.to_numpy().view("i8")
        return [np.where(s.isna().to_numpy(), np.iinfo(np.int64).max, v)]
    if pd.api.types.is_string_dtype(s.dtype):
        arr = _arrow_of(s)
        if arr is not None and arr.null_count == 0 and len(arr):
            # decimal ids (most platforms'): compare as numbers padded to 19 digits,
            # the shorter first on a tie, which is exactly the order of the text
            # ASCII digits, no leading zero (so text and number map one to one)
            same = pc.all(pc.ascii_is_decimal(arr)).as_py() and not pc.any(pc.and_(
                pc.starts_with(arr, "0"), pc.greater(pc.binary_length(arr), 1))).as_py() \
                and pc.max(pc.binary_length(arr)).as_py() <= 19
            if same:
                num = pc.cast(arr, pa.uint64())
            if same:
                length = pc.binary_length(arr).to_numpy(zero_copy_only=False).astype(np.int64)
                if length.max() <= 19:
                    v = num.to_numpy(zero_copy_only=False)
                    padded = v * (10 ** (19 - length)).astype(np.uint64)
                    return [padded, length]
        if arr is not None:
            # rank of each distinct value (Arrow compares text by code point, as
            # pandas does), missing last
            enc = pc.dictionary_encode(arr)
            ranks = pc.rank(enc.dictionary, sort_keys="ascending",
                            tiebreaker="dense").to_numpy().astype(np.int64)
            idx = enc.indices.to_numpy(zero_copy_only=False)
            if enc.null_count:
                idx = np.where(pc.is_null(enc).to_numpy(zero_copy_only=False), -1,
                               np.nan_to_num(idx, nan=-1)).astype(np.int64)
            codes = np.where(idx < 0, np.iinfo(np.int64).max,
                             ranks[np.clip(idx, 0, None)] if len(ranks) else 0)
            return [codes.astype(np.int64)]
    codes, _ = pd.factorize(s, sort=True, use_na_sentinel=True)
    codes = codes.astype(np.int64)
    codes[codes < 0] = np.iinfo(np.int64).max
    return [codes]


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _duplicated(keys: list[np.ndarray]) -> np.ndarray:
    """Rows whose integer keys all equal another row's (``DataFrame.duplicated(keep=
    False)`` of the keys). The keys are mixed into one 64-bit hash first: one hash
    table instead of one per key; only rows whose hash repeats are checked exactly."""
    if not keys or not len(keys[0]):
        return np.zeros(len(keys[0]) if keys else 0, dtype=bool)
    h = keys[0].astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        for k in keys[1:]:
            h = h * _MIX + k.astype(np.uint64, copy=False)
    hs = np.sort(h)
    if not (hs[1:] == hs[:-1]).any():
        # equal keys give equal hashes: no repeated hash, no duplicate
        return np.zeros(len(h), dtype=bool)
    maybe = pd.Series(h).duplicated(keep=False).to_numpy()
    idx = np.flatnonzero(maybe)
    exact = pd.DataFrame({i: k[idx] for i, k in enumerate(keys)}).duplicated(keep=False)
    out = np.zeros(len(h), dtype=bool)
    out[idx[exact.to_numpy()]] = True
    return out


def _sorted_deduped(df: pd.DataFrame, key: list[str], sort_cols: list[str],
                    rank: np.ndarray | None = None, consume: bool = False
                    ) -> tuple[pd.DataFrame, int]:
    """``merge_duplicates`` then a stable sort by ``sort_cols``, computed on integer
    keys (one factorisation per column) instead of on the text columns. ``rank``
    (each row's file, in the order exports win) puts rows in that order before
    merging, so the later export's values win. With ``consume`` the columns of
    ``df`` are dropped as they are reordered (peak memory: one table, not two)."""
    keys = {c: _sort_keys(df[c]) for c in dict.fromkeys([*key, *sort_cols])}
    dup = _duplicated([k for c in key for k in keys[c]])
    dropped = 0
    if dup.any():
        if rank is not None and (np.diff(rank) < 0).any():
            df = df.take(np.argsort(rank, kind="stable")).reset_index(drop=True)
        before = len(df)
        df = merge_duplicates(df, key)
        dropped = before - len(df)
        keys = {c: _sort_keys(df[c]) for c in dict.fromkeys(sort_cols)}
    # a key with one value throughout (one platform, ids of one length) orders nothing
    flat = [k for c in sort_cols for k in keys[c] if len(k) and k.min() != k.max()]
    order = np.lexsort(flat[::-1]) if flat else np.arange(len(df))
    out = {}
    indices = pa.array(order)
    for c in list(df.columns):
        col = df.pop(c) if consume else df[c]
        arr = _arrow_of(col)
        if _all_missing(col, arr):
            out[c] = col.reset_index(drop=True)  # nothing to reorder
        elif arr is not None:
            # Arrow's take on one chunk, not on the many chunks a concatenation leaves
            out[c] = _from_arrow(col, _take_text(arr, indices))
        else:
            out[c] = col.take(order).reset_index(drop=True)
    return pd.DataFrame(out, copy=False), dropped


def _all_missing(s: pd.Series, arr: pa.Array | None) -> bool:
    """Whether every value of ``s`` is missing (such a column needs no reordering);
    checked on the arrays, without a pandas pass."""
    if arr is not None:
        return arr.null_count == len(arr)
    a = s.array
    if isinstance(a, pd.arrays.IntegerArray | pd.arrays.BooleanArray):
        return bool(a._mask.all())
    if s.dtype == np.float64:
        return bool(np.isnan(s.to_numpy()).all())
    return False


_SAMPLE = 4096


def _take_text(arr: pa.Array, indices: pa.Array) -> pa.Array:
    """``arr.take(indices)``. A text column of few distinct values (platform, format,
    file name, repeated captions) is reordered as dictionary codes and decoded once:
    gathering strings in random order from a big array misses the CPU caches, from a
    small dictionary it does not (4-7x faster for such columns; a column of mostly
    distinct values, judged on a sample, takes the plain path)."""
    n = len(arr)
    if n <= 4 * _SAMPLE or arr.null_count == n:
        return arr.take(indices)
    distinct = pc.unique(arr.slice(0, _SAMPLE))
    if len(distinct) * 8 > _SAMPLE:
        return arr.take(indices)
    if len(distinct) == 1 and len(indices) == n and arr.null_count == 0 \
            and distinct.null_count == 0 and pc.all(pc.equal(arr, distinct[0])).as_py():
        return arr  # one value throughout (the platform): any order is the same
    enc = pc.dictionary_encode(arr)
    if len(enc.dictionary) * 4 > n:
        return arr.take(indices)
    return enc.take(indices).dictionary_decode()


def _batches(probed: list, paths: list[Path]) -> dict[int, list[int]]:
    """Files that an adapter with ``read_many`` can convert together: same adapter,
    encoding and header line. Keyed by the first file of each group (two or more)."""
    groups: dict[tuple, list[int]] = {}
    for i, got in enumerate(probed):
        if isinstance(got, BaseException):
            continue
        probe, adapter = got
        if getattr(adapter, "read_many", None) is None or probe.encoding is None:
            continue
        head = probe.first_line
        groups.setdefault((adapter.name, probe.encoding, head), []).append(i)
    return {g[0]: g for g in groups.values() if len(g) > 1}


def _spans(s: pd.Series, bounds: np.ndarray, tz: str
           ) -> list[tuple[pd.Timestamp | None, pd.Timestamp | None]]:
    """``_coverage`` of each slice ``bounds[i]:bounds[i + 1]`` of a time column, from
    one pass over its integers (missing left out; None for a slice without a time)."""
    v = s.array.asi8 if hasattr(s.array, "asi8") else s.to_numpy().view("i8")
    missing = s.isna().to_numpy()
    starts, ends = bounds[:-1], bounds[1:]
    some = ends > starts
    lo = np.full(len(starts), np.iinfo(np.int64).max)
    hi = np.full(len(starts), np.iinfo(np.int64).min)
    if some.any():
        lo[some] = np.minimum.reduceat(np.where(missing, np.iinfo(np.int64).max, v),
                                       starts[some])
        hi[some] = np.maximum.reduceat(np.where(missing, np.iinfo(np.int64).min, v),
                                       starts[some])
    aware = isinstance(s.dtype, pd.DatetimeTZDtype)
    unit = s.dtype.unit if aware else np.datetime_data(s.dtype)[0]

    def stamp(ns: int) -> pd.Timestamp:
        t = pd.Timestamp(int(ns), unit=unit, tz="UTC" if aware else None)
        # in the client's zone, as _coverage gives it
        return t.tz_convert(tz).tz_localize(None) if aware else t

    return [(None, None) if a == np.iinfo(np.int64).max else (stamp(a), stamp(b))
            for a, b in zip(lo, hi)]


def _read_batch(members: list[int], probed: list, ctx: IngestContext, shown: list[str]
                ) -> tuple[dict[int, tuple[FileReport, pd.Timestamp | None]],
                           dict[str, tuple[pd.DataFrame, np.ndarray]]] | None:
    """A batch read by ``read_many``: per file its report and the latest time it
    reaches; per table the checked frame and each row's file (index into
    ``members``). None when the files are to be read one by one."""
    probes = [probed[i][0] for i in members]
    adapter = probed[members[0]][1]
    try:
        out = adapter.read_many(probes, ctx)
    except SmmError:
        return None  # read one by one, which words the error
    if out is None:
        return None
    names = pa.array([shown[i] for i in members], pa.large_string())
    frames = {}
    for table, df in out.tables.items():
        part_of = np.asarray(out.part_of[table])
        if len(part_of) != len(df) or (np.diff(part_of) < 0).any():
            return None
        src = names.take(pa.array(part_of, pa.int64()))
        df = df.assign(source_file=pd.Series(pd.arrays.ArrowStringArray(
            pa.chunked_array([src])), index=df.index))
        if not _typed_and_valid(df, TABLES[table]):
            return None  # conform, file by file, words what is wrong
        frames[table] = (df, part_of)
    spans: dict[str, list] = {}
    for table, (df, part_of) in frames.items():
        col = TABLES[table].time_column
        if col is None:
            continue
        # a file's rows are contiguous: its span is a slice
        bounds = np.searchsorted(part_of, np.arange(len(members) + 1))
        spans[table] = _spans(df[col], bounds, ctx.timezone)
    reports = {}
    for j, i in enumerate(members):
        lo = hi = None
        for table in spans:
            a, b = spans[table][j]
            if a is not None:
                lo = a if lo is None else min(lo, a)
                hi = b if hi is None else max(hi, b)
        reports[i] = (FileReport(shown[i], adapter.name, out.rows_read[j], out.rows_skipped[j],
                                 None if lo is None else str(lo.date()),
                                 None if hi is None else str(hi.date()), sorted(frames)), hi)
    return reports, frames


def ingest_files(paths: list[Path], ctx: IngestContext, *, root: Path | None = None,
                 collect_errors: bool = False) -> IngestResult:
    """Read every file and merge into canonical tables.

    Overlapping exports are de-duplicated on each table's key; the file whose data
    reaches later wins, so the same post in two exports keeps the later lifetime metrics.
    With ``collect_errors`` a bad file is reported and skipped instead of raised.

    Files of one format and header (a folder of monthly exports) are converted in one
    pass when their adapter can (``read_many``); anything unusual in them (a bad
    value, a file Arrow cannot read) sends them through ``read`` one by one, so
    results, reports and errors are those of the file-by-file path.
    """
    # (time reached, order, frame, each row's file order or None)
    parts: dict[str, list[tuple[pd.Timestamp, int, pd.DataFrame, np.ndarray | None]]] = {}
    files: list[FileReport] = []
    warnings: list[str] = []
    errors: list[str] = []
    shown = [str(p.relative_to(root)) if root else p.name for p in paths]
    probed: list = []
    for path in paths:
        try:
            probe = probe_file(path)
            probed.append((probe, find_adapter(probe)))
        except SmmError as exc:
            probed.append(exc)
    batches = _batches(probed, paths)
    batched: dict[int, tuple] = {}
    for order, path in enumerate(paths):
        if order in batches:
            got = _read_batch(batches[order], probed, ctx, shown)
            if got is not None:
                reports, frames = got
                batched.update(reports)
                for table, (df, part_of) in frames.items():
                    parts.setdefault(table, []).append(
                        (pd.Timestamp.min, order, df, (batches[order], part_of)))
        if order in batched:
            report, _ = batched[order]
            files.append(report)
            if report.rows_skipped:
                warnings.append(f"{report.path}: skipped {report.rows_skipped} row(s) "
                                f"(totals or blank lines)")
            continue
        shown_path = shown[order]
        try:
            got = probed[order]
            if isinstance(got, BaseException):
                raise got
            probe, adapter = got
            out = adapter.read(probe, ctx)
            conformed = {}
            for table, df in out.tables.items():
                df = df.assign(source_file=shown_path)
                if not _typed_and_valid(df, TABLES[table]):
                    df = conform(df, TABLES[table], tz=ctx.timezone, source=shown_path)
                # typed frames become canonical once per table, below
                conformed[table] = df
        except ExportError as exc:
            if exc.path is not None and Path(exc.path) == path:
                exc = ExportError(shown_path, exc.reason, row=exc.row, column=exc.column,
                                  value=exc.value)
            if not collect_errors:
                raise exc from None
            errors.append(str(exc))
            files.append(FileReport(shown_path, None, error=str(exc)))
            continue
        except SmmError as exc:
            if not collect_errors:
                raise
            errors.append(str(exc))
            files.append(FileReport(shown_path, None, error=str(exc)))
            continue
        lo, hi = _coverage(conformed, ctx.timezone)
        files.append(FileReport(
            shown_path, adapter.name, out.rows_read, out.rows_skipped,
            None if lo is None else str(lo.date()), None if hi is None else str(hi.date()),
            sorted(conformed),
        ))
        if out.rows_skipped:
            warnings.append(f"{shown_path}: skipped {out.rows_skipped} row(s) "
                            f"(totals or blank lines)")
        warnings.extend(f"{shown_path}: {w}" for w in out.warnings)
        for table, df in conformed.items():
            parts.setdefault(table, []).append((hi or pd.Timestamp.min, order, df, None))

    tables = {}
    for name, schema in TABLES.items():
        # taken out of ``parts``: once merged, the per-file frames can be freed
        chunks = parts.pop(name, [])
        if not chunks:
            tables[name] = _empty(name).copy()
            continue
        # Later exports win a duplicate: files in order of the time they reach (then
        # of their place in the folder), as if each file were its own chunk.
        file_keys = []  # (hi, order) of every file, per chunk a list
        for hi, order, df, batch in chunks:
            if batch is None:
                file_keys.append([(hi, order)])
            else:
                members, _ = batch
                file_keys.append([(batched[i][1] or pd.Timestamp.min, i) for i in members])
        flat = sorted(k for ks in file_keys for k in ks)
        rank_of = {k: r for r, k in enumerate(flat)}
        chunk_order = sorted(range(len(chunks)), key=lambda c: min(file_keys[c]))
        row_rank = []
        for c in chunk_order:
            hi, order, df, batch = chunks[c]
            if batch is None:
                row_rank.append(np.full(len(df), rank_of[(hi, order)], np.int64))
            else:
                ranks = np.array([rank_of[k] for k in file_keys[c]], np.int64)
                row_rank.append(ranks[batch[1]])
        df = _canonical_frame([chunks[c][2] for c in chunk_order], schema, ctx.timezone)
        del chunks  # the canonical frame is now the only owner of its columns
        sort_cols = [c for c in (schema.time_column, *schema.key) if c]
        df, dropped = _sorted_deduped(df, list(schema.key), list(dict.fromkeys(sort_cols)),
                                      np.concatenate(row_rank), consume=True)
        if dropped and len(flat) > 1:
            warnings.append(f"{name}: {dropped} row(s) appeared in more than one export; "
                            f"merged (the later export's values win, columns unioned)")
        tables[name] = df
    return IngestResult(tables, files, warnings, errors)
