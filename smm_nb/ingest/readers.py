"""Robust reading of the CSV and spreadsheet files platforms let people download.

Every adapter reads its file through :func:`read_table` (raw cells as text, with
the 1-based row of the raw file kept) and turns cells into values with
:func:`to_number`, :func:`to_count`, :func:`to_date` and :func:`to_timestamp`.
These know the quirks of real exports:

* encodings: UTF-8 with or without BOM, UTF-16 (Meta Business Suite's overview
  files), cp1252 (old Facebook exports), cp1254 (Turkish Excel);
* delimiters sniffed (``,`` ``;`` tab ``|``), a leading ``sep=,`` line honoured,
  quoted fields with newlines;
* numbers written as ``215.0``, ``"1,234"``, ``1.234,5`` (with a ``;`` delimiter),
  ``12.5%``, ``1.2K``; ``-``, ``--``, ``N/A`` and empty cells are missing;
* dates as ISO, ``M/D/YYYY``, ``D.MM.YYYY``, ``Thu Mar 20 2025``, ``"Fri, Mar 21, 2025"``,
  ``"Apr 29, 2020"`` and Excel serial numbers (``45567``).

A cell that is not missing and still cannot be read raises
:class:`~smm_nb.errors.ExportError` with file, row, column and value.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from smm_nb.errors import ExportError
from smm_nb.ingest.base import FileProbe

MISSING = {"", "-", "--", "n/a", "N/A", "NA", "null", "None", "nan", "NaN", "undefined"}
DELIMITERS = ",;\t|"


@dataclass
class RawTable:
    """Cells of one table as text, with where each row sits in the raw file.

    ``frame`` has one column per header cell (duplicated header names get ``.1``,
    ``.2`` suffixes, as pandas does) and string cells, ``""`` for empty. ``rows``
    holds each row's 1-based record number in the raw file (the header is row
    ``header_row``), as a spreadsheet shows it. ``skipped`` counts blank lines
    dropped on the way.

    A table read from several files at once (:func:`read_tables`) lists them in
    ``parts``; ``part_of`` gives each row's file (an index into ``parts``; a file's
    rows are contiguous and in file order) and ``part_skipped`` the rows skipped in
    each file, so errors and row counts still name the right file.
    """

    path: Path
    frame: pd.DataFrame
    rows: np.ndarray
    skipped: int = 0
    sep: str = ","
    parts: tuple[Path, ...] = ()
    part_of: np.ndarray | None = None
    part_skipped: np.ndarray | None = None
    header: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def header_names(self) -> list[str]:
        """Every column the file has, also those not read (:func:`read_tables`)."""
        return list(self.header) if self.header else self.columns

    def drop(self, mask: pd.Series | np.ndarray) -> int:
        """Drop rows (totals, notes) and count them as skipped; returns how many."""
        mask = np.asarray(mask, dtype=bool)
        n = int(mask.sum())
        if n:
            self.frame = self.frame.loc[~mask].reset_index(drop=True)
            self.rows = self.rows[~mask]
            self.skipped += n
            if self.part_of is not None:
                self.part_skipped = self.part_skipped + np.bincount(
                    self.part_of[mask], minlength=len(self.parts))
                self.part_of = self.part_of[~mask]
        return n

    def col(self, name: str) -> pd.Series:
        return self.frame[name]

    def find(self, *names: str) -> str | None:
        """The first of ``names`` that is a column (case- and space-insensitive)."""
        cols = tuple(self.frame.columns)
        cached = self.__dict__.get("_norm")
        if cached is None or cached[0] != cols:
            cached = (cols, {normalize(c): c for c in cols})
            self.__dict__["_norm"] = cached
        norm = cached[1]
        for n in names:
            hit = norm.get(normalize(n))
            if hit is not None:
                return hit
        return None

    def path_of(self, index: int) -> Path:
        """The file row ``index`` (0-based, of ``frame``) came from."""
        return self.parts[int(self.part_of[index])] if self.part_of is not None else self.path

    def fail(self, column: str, index: int, reason: str) -> ExportError:
        return ExportError(self.path_of(index), reason, row=int(self.rows[index]),
                           column=column, value=self.frame[column].iloc[index])

    @property
    def rows_per_part(self) -> np.ndarray:
        """Rows (after drops) of each file of a multi-file table."""
        return np.bincount(self.part_of, minlength=len(self.parts))


def normalize(name: str) -> str:
    return re.sub(r"\s+", " ", str(name).replace("\ufeff", "")).strip().strip('"').lower()


def header_cells(line: str, sep: str | None = None) -> list[str]:
    """Cells of one header line, stripped of quotes and BOM."""
    line = line.lstrip("\ufeff")
    if sep is None:
        sep = sniff_delimiter(line)
    try:
        cells = next(csv.reader(io.StringIO(line), delimiter=sep))
    except (StopIteration, csv.Error):
        return []
    return [c.strip().lstrip("\ufeff") for c in cells]


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV head: the candidate splitting the first line most often,
    counted outside quotes."""
    first = sample.lstrip("\ufeff").split("\n", 1)[0]
    if first.lower().startswith("sep=") and len(first.strip()) >= 5:
        return first.strip()[4]
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def probe_lines(probe: FileProbe) -> list[str]:
    """Decoded head lines without a leading ``sep=`` line."""
    lines = probe.lines
    if lines and lines[0].lower().startswith("sep="):
        lines = lines[1:]
    return lines


def read_table(probe: FileProbe, *, header_row: int = 1, skip_after_header: int = 0,
               sheet: str | int | None = None, sep: str | None = None,
               numeric: Iterable[str] = ()) -> RawTable:
    """Read one table of a CSV (any encoding) or spreadsheet as text cells.

    Parameters
    ----------
    header_row:
        1-based record holding the header (after an optional ``sep=`` line, which
        counts as a record).
    skip_after_header:
        records right after the header that describe it (Facebook's second header
        row of metric descriptions); they are not data and not counted as skipped.
    sheet:
        sheet name or index for ``.xls`` / ``.xlsx`` files.
    numeric:
        columns expected to hold numbers: pandas reads them as numbers directly (much
        faster); a column holding anything else (``"12,400"``, ``-``, a typo) comes back
        as text and goes through the careful path, so errors still name the cell.
    """
    path = probe.path
    if probe.encoding is None:
        return _read_sheet(path, sheet if sheet is not None else 0, header_row,
                           skip_after_header)
    text_head = probe.text.lstrip("\ufeff")
    sep_line = text_head[:8].lower().startswith("sep=")
    if sep is None:
        sep = sniff_delimiter(text_head if not sep_line else text_head)
    if sep_line:
        header_row += 1
    if header_row == 1 and not skip_after_header and probe.encoding in _ARROW_ENCODINGS:
        fast = _read_csv_arrow(probe, sep)
        if fast is not None:
            return fast
    dtype: type | dict = str
    wanted = {normalize(n) for n in numeric}
    if wanted and not skip_after_header:
        lines = text_head.splitlines()
        if len(lines) >= header_row:
            names = header_cells(lines[header_row - 1], sep)
            dtype = {n: str for n in names if normalize(n) not in wanted}
    try:
        df = pd.read_csv(path, encoding=probe.encoding, sep=sep, dtype=dtype,
                         keep_default_na=False, na_filter=False, header=header_row - 1,
                         skip_blank_lines=False, engine="c", quotechar='"',
                         encoding_errors="strict", on_bad_lines="error")
    except UnicodeDecodeError as exc:
        raise ExportError(path, f"cannot be decoded as {probe.encoding}: {exc.reason} at byte "
                                f"{exc.start}") from None
    except pd.errors.ParserError as exc:
        msg = str(exc)
        m = re.search(r"line (\d+)", msg)
        raise ExportError(path, f"malformed CSV: {msg}",
                          row=int(m.group(1)) if m else None) from None
    except pd.errors.EmptyDataError:
        raise ExportError(path, "the file is empty") from None
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    rows = np.arange(header_row + 1, header_row + 1 + len(df))
    if skip_after_header:
        df = df.iloc[skip_after_header:].reset_index(drop=True)
        rows = rows[skip_after_header:]
    table = RawTable(path, df, rows, 0, sep)
    table.drop(blank_rows(df))
    return table


_ARROW_ENCODINGS = {"utf-8", "utf-8-sig"}


def _arrow_csv(probe: FileProbe, sep: str, columns: Iterable[str] | None = None,
               types: dict[str, pa.DataType] | None = None) -> pa.Table | None:
    """Every cell of a plain UTF-8 CSV with the header on line 1, as Arrow text
    (``""`` for empty; header names stripped), or None when Arrow would not read it
    exactly as pandas does (see :func:`_read_csv_arrow`).

    ``columns`` (raw header names) reads only those; ``types`` reads some of them as
    numbers (``MISSING`` cells null): the read fails, and None is returned, as soon
    as one cell is anything else.
    """
    lines = probe.lines
    if not lines:
        return None
    try:
        names = next(csv.reader(io.StringIO(lines[0]), delimiter=sep))
    except (StopIteration, csv.Error):
        return None
    stripped = [str(c).strip().lstrip("\ufeff") for c in names]
    if not names or len(set(stripped)) != len(stripped) or "" in stripped:
        return None
    # large_string: what pandas keeps its text in (no conversion when the frame is built)
    column_types = {n: pa.large_string() for n in names}
    column_types.update(types or {})
    try:
        tab = pa_csv.read_csv(
            probe.path,
            # 1 MB blocks stay in the CPU caches (16 MB blocks made reading ~1.7x slower)
            read_options=pa_csv.ReadOptions(use_threads=False, block_size=1 << 20),
            parse_options=pa_csv.ParseOptions(delimiter=sep, quote_char='"',
                                              double_quote=True, escape_char=False,
                                              newlines_in_values=True,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=column_types, strings_can_be_null=False,
                # (text columns never hold null; typed ones take MISSING as null)
                null_values=sorted(MISSING), quoted_strings_can_be_null=bool(types),
                include_columns=list(columns) if columns is not None else None))
    except (pa.ArrowException, OSError, ValueError):
        return None
    want = names if columns is None else list(columns)
    if tab.column_names != want or any(t != column_types[n] for n, t in
                                       zip(want, tab.schema.types)):
        return None
    out = {str(n).strip().lstrip("\ufeff"): tab.column(i) for i, n in enumerate(want)}
    # a blank line gives nulls; pandas gives empty text (dropped later either way)
    return pa.table({n: pc.fill_null(c, "") if c.type == pa.large_string() and c.null_count
                     else c
                     for n, c in out.items()})


def _read_csv_arrow(probe: FileProbe, sep: str) -> RawTable | None:
    """The common case read with Arrow's CSV parser (several times faster than pandas'
    with text cells): UTF-8, header on the first line, every cell as text.

    None when the file is anything else (a row with too many or too few cells, a
    duplicated or empty header name, bytes that are not UTF-8, ...): the caller then
    reads it the careful way, which also words the error. Blank lines are kept as rows
    (as pandas does with ``skip_blank_lines=False``) so record numbers agree, then
    dropped and counted.
    """
    tab = _arrow_csv(probe, sep)
    if tab is None:
        return None
    df = tab.to_pandas()
    rows = np.arange(2, 2 + len(df))
    table = RawTable(probe.path, df, rows, 0, sep)
    table.drop(blank_rows(df))
    return table


def _plain_counts(probe: FileProbe, sep: str, names: list[str], wanted: set[str]
                  ) -> dict[str, pa.DataType]:
    """Columns among ``wanted`` (normalised names) whose every cell in the file's
    head is a plain whole number or a missing marker: Arrow can read them as numbers
    straight away, as float64 like ``to_number`` (its CSV integer parser would also
    take ``0x1F``, which ``to_count`` refuses; its float parser does not)."""
    lines = probe_lines(probe)
    try:
        head = list(csv.reader(io.StringIO("\n".join(lines[1:-1])), delimiter=sep))
    except csv.Error:
        return {}
    out = {}
    for i, name in enumerate(names):
        if normalize(name) not in wanted:
            continue
        cells = [r[i] for r in head if len(r) == len(names)]
        if cells and all(c.isascii() and c.isdigit() or c in MISSING for c in cells):
            out[name] = pa.float64()
    return out


def read_tables(probes: list[FileProbe], *, columns: Iterable[str] | None = None,
                counts: Iterable[str] = ()) -> RawTable | None:
    """Several CSV exports with the same header read as one :class:`RawTable`, for
    adapters that convert many files at once (one pass of each conversion instead of
    one per file). Only files :func:`read_table` would read with Arrow qualify (UTF-8,
    header on line 1, one delimiter for all); None otherwise, and the caller reads
    them one by one. Row numbers, skipped rows and errors stay per file.

    ``columns`` (names, compared normalised) reads only the columns the adapter uses
    (all are still listed in ``header``); ``counts`` names columns of whole numbers,
    which are read as numbers when the head of the file shows only plain ones (any
    other cell further down: that file's column is read as text after all).
    """
    sep = None
    tables = []
    names: list[str] = []
    for probe in probes:
        if probe.encoding not in _ARROW_ENCODINGS:
            return None
        head = probe.text.lstrip("\ufeff")
        if head[:8].lower().startswith("sep="):
            return None
        this = sniff_delimiter(head)
        if sep is not None and this != sep:
            return None
        sep = this
        if not tables:
            lines = probe.lines
            names = header_cells(lines[0], sep) if lines else []
            raw = next(csv.reader(io.StringIO(lines[0]), delimiter=sep)) if lines else []
            if len(raw) != len(names):
                return None
            wanted = None if columns is None else {normalize(c) for c in columns}
            use = [r for r, n in zip(raw, names) if wanted is None or normalize(n) in wanted]
            types = _plain_counts(probe, sep, raw, {normalize(c) for c in counts})
            types = {n: t for n, t in types.items() if n in use}
        tab = _arrow_csv(probe, sep, use, types)
        if tab is None and types:
            tab = _arrow_csv(probe, sep, use)  # a count column holds text further down
        if tab is None:
            return None
        if columns is not None and _blank_in(tab):
            # blank in the columns read is not blank in the file: decide on every column
            full = _arrow_csv(probe, sep)
            if full is None:
                return None
            tab = tab.append_column("__blank__", pa.array(blank_rows(full.to_pandas())))
        elif columns is not None:
            tab = tab.append_column("__blank__", pa.nulls(tab.num_rows, pa.bool_()))
        if tables and tab.column_names != tables[0].column_names:
            return None
        tables.append(tab)
    if not tables:
        return None
    # a column read as numbers in one file and as text in another is text in all
    for i, name in enumerate(tables[0].column_names):
        kinds = {t.schema.types[i] for t in tables}
        if len(kinds) > 1:
            tables = [t.set_column(i, name, pc.cast(t.column(i), pa.large_string()))
                      if t.schema.types[i] != pa.large_string() else t for t in tables]
            tables = [t.set_column(i, name, pc.fill_null(t.column(i), "")) for t in tables]
    lengths = np.array([t.num_rows for t in tables])
    # chunks as read (no copy): each conversion joins the chunks of its column once
    whole = pa.concat_tables(tables)
    del tables
    explicit = None
    if "__blank__" in whole.column_names:
        explicit = whole.column("__blank__")
        whole = whole.drop_columns(["__blank__"])
    df = whole.to_pandas()
    rows = np.concatenate([np.arange(2, 2 + n) for n in lengths])
    part_of = np.repeat(np.arange(len(lengths)), lengths)
    table = RawTable(probes[0].path, df, rows, 0, sep or ",",
                     tuple(p.path for p in probes), part_of, np.zeros(len(lengths), np.int64),
                     tuple(names))
    blank = blank_rows(df)
    if explicit is not None and explicit.null_count < len(explicit):
        # rows blank in the columns read: blank only when blank in the whole file
        known = pc.is_valid(explicit).to_numpy(zero_copy_only=False)
        blank = np.where(known, pc.fill_null(explicit, False).to_numpy(
            zero_copy_only=False), blank)
    table.drop(blank)
    return table


def _blank_in(tab: pa.Table) -> bool:
    """Whether some row is empty in every column of ``tab``."""
    if not tab.num_columns or not tab.num_rows:
        return False
    blank = None
    for col in tab.columns:
        if col.type == pa.large_string():
            e = _blank_text(col)
        else:
            e = pc.is_null(col)
        blank = e if blank is None else pc.and_(blank, e)
        if not pc.any(blank).as_py():
            return False
    return True


def _read_sheet(path: Path, sheet: str | int, header_row: int, skip_after_header: int
                ) -> RawTable:
    try:
        df = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file
        raise ExportError(path, f"cannot read sheet {sheet!r}: {exc}") from None
    header = [("" if pd.isna(v) else str(v)).strip() for v in df.iloc[header_row - 1]]
    header = _dedupe_names(header)
    body = df.iloc[header_row + skip_after_header:].reset_index(drop=True)
    body.columns = header
    body = body.map(_cell_text)
    rows = np.arange(header_row + skip_after_header + 1,
                     header_row + skip_after_header + 1 + len(body))
    table = RawTable(path, body, rows, 0, ",")
    table.drop(blank_rows(body))
    return table


def _cell_text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _dedupe_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        out.append(n if k == 0 else f"{n}.{k}")
        seen[n] = k + 1
    return out


def _blank_text(arr):
    """Cells that are empty once stripped: empty or all whitespace (no stripped copy)."""
    return pc.or_(pc.equal(pc.binary_length(arr), 0), pc.utf8_is_space(arr))


def blank_rows(df: pd.DataFrame) -> np.ndarray:
    if df.empty or not len(df.columns):
        return np.zeros(len(df), dtype=bool)
    blank = np.ones(len(df), dtype=bool)
    for c in df.columns:
        s = df[c]
        if isinstance(s.array, pd.arrays.ArrowStringArray):
            empty = pc.fill_null(_blank_text(_arrow_strings(s)), True)
            blank &= empty.to_numpy(zero_copy_only=False)
        else:
            blank &= (s.isna() | (s.astype("string").str.strip() == "")).to_numpy(dtype=bool)
        if not blank.any():
            break
    return blank


# ----------------------------------------------------------------------------- values

_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9}
_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_EU_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
_SPACE_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f']\d{3})+([.,]\d+)?$")
_SUFFIXED = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*([kmbKMB])$")


def _clean_number(v: str, comma_decimal: bool) -> float | None:
    """One cell to a float, or None when it cannot be read."""
    s = v.strip().replace("\u2212", "-")
    if s in MISSING:
        return np.nan
    pct = s.endswith("%")
    if pct:
        s = s[:-1].strip()
    for cur in ("$", "€", "£", "₺", "TL", "USD", "EUR", "TRY"):
        s = s.replace(cur, "").strip()
    m = _SUFFIXED.match(s)
    if m:
        val = float(m.group(1)) * _SUFFIX[m.group(2).lower()]
    elif _SPACE_THOUSANDS.match(s):
        t = re.sub(r"[ \u00a0\u202f']", "", s)
        val = float(t.replace(",", "."))
    elif _EU_THOUSANDS.match(s) and (comma_decimal or "," in s or s.count(".") > 1):
        val = float(s.replace(".", "").replace(",", "."))
    elif _EN_THOUSANDS.match(s) and not (comma_decimal and s.count(",") == 1
                                         and "." not in s and len(s.split(",")[1]) != 3):
        val = float(s.replace(",", ""))
    elif _COMMA_DECIMAL.match(s):
        val = float(s.replace(",", "."))
    else:
        try:
            val = float(s)
        except ValueError:
            return None
    return val / 100.0 if pct else val


def _arrow_strings(s: pd.Series) -> pa.Array:
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        # "str" and "string" columns share the Arrow data; missing is null in both
        arr = s.array._pa_array
    else:
        arr = pa.array(s.astype("string").array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


_MISSING_ARROW = pa.array(sorted(MISSING))
_EN_THOUSANDS_RE2 = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"


def _arrow_numbers(s: pd.Series) -> np.ndarray | None:
    """Fast path (Arrow kernels) for the usual cells: plain numbers, "12,400", "-",
    empty. None when some cell needs the slow, careful path."""
    arr = _arrow_strings(s)
    if arr.null_count == 0 and not pc.any(pc.match_substring(arr, ",")).as_py() \
            and not pc.any(pc.is_in(arr, value_set=_MISSING_ARROW)).as_py():
        # a column of plain numbers casts as is; the cleaning below would leave
        # every such cell unchanged, so the values are the same. (The two cheap
        # tests spare a failing cast, which costs milliseconds.)
        try:
            return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    arr = pc.utf8_trim_whitespace(arr)
    arr = pc.if_else(pc.is_in(arr, value_set=_MISSING_ARROW), pa.scalar(None, pa.string()),
                     arr)
    # the thousands pattern only where a comma is (a plain substring test is cheap)
    if pc.any(pc.match_substring(arr, ",")).as_py():
        en = pc.match_substring_regex(arr, _EN_THOUSANDS_RE2)
    else:
        en = None
    if en is not None and pc.any(en).as_py():
        arr = pc.if_else(en, pc.replace_substring(arr, ",", ""), arr)
    try:
        vals = pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return vals.to_numpy(zero_copy_only=False)


def to_number(table: RawTable, column: str, *, percent_as_ratio: bool = True) -> pd.Series:
    """A column of numbers (float64, NaN for missing); unreadable cells raise."""
    s = table.frame[column]
    if not pd.api.types.is_string_dtype(s.dtype) and pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("float64")
    if table.sep != ";":
        fast_vals = _arrow_numbers(s)
        if fast_vals is not None:
            return pd.Series(fast_vals, index=s.index, dtype="float64")
    s = s.astype("string")
    fast = pd.to_numeric(s, errors="coerce")
    todo = fast.isna().to_numpy() & s.notna().to_numpy()
    if table.sep == ";":
        # ';' files come from locales writing 1.234,5: "45.000" is forty-five thousand
        todo |= s.str.contains(r"[.,]", regex=True).fillna(False).to_numpy()
    elif todo.any():
        # the common quirks, vectorised: "12,400" thousands and "-" for missing
        sub = s[todo].str.strip()
        miss = sub.isin(list(MISSING)).to_numpy()
        en = sub.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?").fillna(False).to_numpy()
        if miss.any() or en.any():
            fast = fast.astype("float64").copy()
            idx = np.flatnonzero(todo)
            vals = pd.to_numeric(sub[en].str.replace(",", "", regex=False), errors="coerce")
            fast.iloc[idx[en]] = vals.to_numpy(dtype="float64")
            todo[idx[miss | en]] = False
    if todo.any():
        out = fast.to_numpy(dtype="float64", na_value=np.nan).copy()
        comma_decimal = table.sep == ";"
        idx = np.flatnonzero(todo)
        for i, raw in zip(idx, s.to_numpy()[idx]):
            val = _clean_number(str(raw), comma_decimal)
            if val is None:
                raise table.fail(column, int(i), "is not a number")
            out[i] = val
        return pd.Series(out, index=s.index, dtype="float64")
    return fast.astype("float64")


def to_count(table: RawTable, column: str) -> pd.Series:
    """A column of non-negative whole numbers (nullable Int64); ``215.0`` reads as 215."""
    num = to_number(table, column)
    arr = num.to_numpy()
    bad = ~np.isnan(arr) & ((np.floor(arr) != arr) | (arr < 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise table.fail(column, i, "is not a whole number" if arr[i] >= 0 else "is negative")
    missing = np.isnan(arr)
    # the checks above make every present value a whole, non-negative number
    return pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, arr).astype(np.int64),
                                            missing), index=num.index)


_NO_TEXT = pa.array(["", "-"])


def _string_series(arr: pa.Array, index: pd.Index) -> pd.Series:
    """A ``string`` (Arrow-backed, ``pd.NA``) Series from an Arrow text array."""
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([arr])), index=index)


def text(table: RawTable, column: str) -> pd.Series:
    """Text cells, stripped; empty and ``-`` are missing."""
    s = table.frame[column]
    arr = pc.utf8_trim_whitespace(_arrow_strings(s))  # what .str.strip() does
    drop = pc.is_in(arr, value_set=_NO_TEXT)
    if pc.any(drop).as_py():
        arr = pc.if_else(drop, pa.scalar(None, arr.type), arr)
    return _string_series(arr, s.index)


def map_text(s: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """``s.map(mapping).astype("string")`` for a text column: values not in
    ``mapping`` and missing ones become missing. Each distinct value is looked up
    once (a column of a million post types has a handful)."""
    arr = _arrow_strings(s)
    enc = pc.dictionary_encode(arr)
    looked = pa.array([mapping.get(v) for v in enc.dictionary.to_pylist()], pa.large_string())
    return _string_series(looked.take(enc.indices), s.index)


EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _parse_dates(s: pd.Series, formats: Iterable[str], dayfirst: bool) -> pd.Series:
    """Try each explicit format (fast), then Excel serials, then pandas' own guess."""
    s = s.astype("string").str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    todo = pd.Series(_given(s), index=s.index)
    everything = bool(todo.all())
    sample = (s if everything else s[todo]).head(50)
    formats = list(formats)

    sample_arrow = _arrow_strings(sample)

    def reads(f: str) -> int:
        if f in _ARROW_FORMATS:
            try:
                got = pc.strptime(sample_arrow, format=f, unit="s", error_is_null=True)
                return len(got) - got.null_count
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass
        got = pd.to_datetime(sample, format=f, errors="coerce")
        return int(got.notna().sum())

    # formats that read the sample go first, so a big column is parsed once; the
    # first format reading all of it leads that order, so try it alone first
    first = next((f for f in formats if reads(f) == len(sample)), None) \
        if len(sample) else None
    if first is not None and todo.any():
        some = s if everything else s[todo]
        parsed = _arrow_strptime(some, first)
        if parsed is None:
            parsed = pd.to_datetime(some, format=first, errors="coerce")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        if bool(parsed.notna().all()) and len(parsed) == len(out):
            return parsed.astype("datetime64[ns]")
    formats = sorted(formats, key=lambda f: -reads(f))
    for fmt in formats:
        if not todo.any():
            break
        parsed = _arrow_strptime(s[todo], fmt)
        if parsed is None:
            parsed = pd.to_datetime(s[todo], format=fmt, errors="coerce")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        ok = parsed.notna()
        if bool(ok.all()) and len(parsed) == len(out):
            # the usual case: one format reads the whole column
            out = parsed.astype("datetime64[ns]")
            todo = pd.Series(False, index=s.index)
            break
        out.loc[ok[ok].index] = parsed[ok].astype("datetime64[ns]")
        todo = todo & out.isna()
    if todo.any():
        num = pd.to_numeric(s[todo], errors="coerce")
        serial = num.notna() & (num > 20000) & (num < 80000)
        if serial.any():
            out.loc[serial[serial].index] = (EXCEL_EPOCH + pd.to_timedelta(
                num[serial].astype(float), unit="D")).dt.round("s").astype("datetime64[ns]")
            todo = todo & out.isna()
    if todo.any():
        for i in todo[todo].index:
            try:
                v = pd.Timestamp(pd.to_datetime(s[i], dayfirst=dayfirst))
            except (ValueError, TypeError, OverflowError):
                continue
            if v.tzinfo is not None:
                v = v.tz_convert("UTC").tz_localize(None)
            out.loc[i] = v
    return out


_ARROW_FORMATS = {"%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y",
                  "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M"}


def _arrow_strptime(s: pd.Series, fmt: str) -> pd.Series | None:
    """Arrow's strptime for plain numeric formats (much faster than pandas'); None for
    formats it does not handle the same way (names of days and months, AM/PM)."""
    if fmt not in _ARROW_FORMATS:
        return None
    try:
        out = pc.strptime(_arrow_strings(s), format=fmt, unit="s", error_is_null=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(out.to_numpy(zero_copy_only=False), index=s.index).astype(
        "datetime64[ns]")


DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%a %b %d %Y", "%a, %b %d, %Y", "%b %d, %Y",
                "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y", "%B %d, %Y")


def to_date(table: RawTable, column: str, formats: Iterable[str] = DATE_FORMATS,
            dayfirst: bool = False) -> pd.Series:
    """Calendar days (naive ``datetime64[ns]``, midnight); unreadable cells raise."""
    s = table.frame[column]
    out = _parse_dates(s, formats, dayfirst).dt.normalize()
    _check_parsed(table, column, s, out, "is not a date")
    return out


TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                     "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p",
                     "%Y-%m-%d")


def to_timestamp(table: RawTable, column: str, export_tz: str, client_tz: str,
                 formats: Iterable[str] = TIMESTAMP_FORMATS) -> pd.Series:
    """Times written in the platform's export zone, converted to the client's zone.

    Cells with their own offset (``2021-01-31 18:02 +0000``) use it. Local times that
    fall in a DST gap move forward; times that occur twice (the autumn hour) are read
    as the first occurrence, as the platforms do not say which one they meant.
    """
    raw = table.frame[column]
    if isinstance(raw.array, pd.arrays.ArrowStringArray):
        arr = pc.utf8_trim_whitespace(_arrow_strings(raw))
        offsets = pc.match_substring_regex(arr, _OFFSET_RE)
        naive = None if pc.any(offsets).as_py() else _arrow_local_times(arr, formats)
        if naive is not None:
            # the usual case: every cell a local time in one format Arrow reads
            return pd.Series(naive, index=raw.index).dt.tz_localize(
                export_tz, ambiguous=np.ones(len(naive), dtype=bool),
                nonexistent="shift_forward").dt.tz_convert(client_tz)
    s = raw.astype("string").str.strip()
    has_offset = pd.Series(pc.fill_null(pc.match_substring_regex(
        _arrow_strings(s), _OFFSET_RE), False).to_numpy(
        zero_copy_only=False), index=s.index)
    out = pd.Series(pd.NaT, index=s.index, dtype=f"datetime64[ns, {client_tz}]")
    if has_offset.any():
        sub = s[has_offset].str.replace(r"\s*(UTC|GMT)$", "+0000", regex=True)
        parsed = pd.to_datetime(sub, format="%Y-%m-%d %H:%M %z", errors="coerce", utc=True)
        miss = parsed.isna()
        if miss.any():
            parsed[miss] = pd.to_datetime(sub[miss], format="ISO8601", errors="coerce",
                                          utc=True)
        out.loc[has_offset] = parsed.dt.tz_convert(client_tz)
    local = ~has_offset
    if local.all():
        naive = _parse_dates(s, formats, dayfirst=False)
        out = naive.dt.tz_localize(export_tz, ambiguous=np.ones(len(naive), dtype=bool),
                                   nonexistent="shift_forward").dt.tz_convert(client_tz)
    elif local.any():
        naive = _parse_dates(s[local], formats, dayfirst=False)
        aware = naive.dt.tz_localize(export_tz, ambiguous=np.ones(len(naive), dtype=bool),
                                     nonexistent="shift_forward")
        out.loc[local] = aware.dt.tz_convert(client_tz)
    _check_parsed(table, column, table.frame[column], out, "is not a date and time")
    return out


_OFFSET_RE = r"(?:[+-]\d\d:?\d\d|Z|UTC|GMT)$"


def _arrow_local_times(arr: pa.Array, formats: Iterable[str]) -> np.ndarray | None:
    """What :func:`_parse_dates` gives for stripped cells that are all given and all
    read by the first format reading its sample, when Arrow parses that format:
    naive ``datetime64[ns]``. None in every other case (the general path decides)."""
    n = len(arr)
    if not n or arr.null_count or pc.any(pc.is_in(arr, value_set=_MISSING_ARROW)).as_py():
        return None
    sample = arr.slice(0, 50)
    sample_s = None
    first = None
    for f in formats:
        if f in _ARROW_FORMATS:
            try:
                got = pc.strptime(sample, format=f, unit="s", error_is_null=True)
                ok = len(got) - got.null_count
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None
        else:
            if sample_s is None:
                sample_s = _string_series(sample, pd.RangeIndex(len(sample)))
            ok = int(pd.to_datetime(sample_s, format=f, errors="coerce").notna().sum())
        if ok == len(sample):
            first = f
            break
    if first is None or first not in _ARROW_FORMATS:
        return None
    try:
        parsed = pc.strptime(arr, format=first, unit="s", error_is_null=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if parsed.null_count:
        return None
    try:
        return parsed.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # beyond what nanoseconds hold: the general path says so


def _given(s: pd.Series) -> np.ndarray:
    """Cells holding a value: not missing and, stripped, not one of ``MISSING``."""
    arr = pc.utf8_trim_whitespace(_arrow_strings(s))
    given = pc.and_(pc.is_valid(arr), pc.invert(pc.is_in(arr, value_set=_MISSING_ARROW)))
    return pc.fill_null(given, False).to_numpy(zero_copy_only=False)


def _check_parsed(table: RawTable, column: str, raw: pd.Series, parsed: pd.Series,
                  reason: str) -> None:
    bad = _given(raw) & parsed.isna().to_numpy(dtype=bool)
    if bad.any():
        raise table.fail(column, int(np.flatnonzero(bad)[0]), reason)


def hashtags(texts: pd.Series) -> pd.Series:
    """Space-separated hashtags found in captions (``#kahve #espresso``), lower case.

    Same tokens as ``re.findall(r"#\\w+")``, computed with Arrow kernels: split each
    caption at ``#`` and keep the word characters that start each later piece.
    """
    arr = _arrow_strings(texts)
    enc = pc.dictionary_encode(arr)
    if len(enc.dictionary) * 2 < len(arr):
        # captions repeat (overlapping exports, templates): each distinct one once
        tags = hashtags(pd.Series(enc.dictionary.to_pandas(
            types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)
            if len(enc.dictionary) else [], dtype="string"))
        picked = pc.take(_arrow_strings(tags), enc.indices)
        return _string_series(picked, texts.index)
    out = np.full(len(arr), None, dtype=object)
    has = pc.fill_null(pc.match_substring(arr, "#"), False)
    rows = np.flatnonzero(has.to_numpy(zero_copy_only=False))
    if len(rows):
        parts = pc.split_pattern(arr.filter(has), "#")
        offsets = parts.offsets.to_numpy()
        flat = pc.list_flatten(parts)
        parent = pc.list_parent_indices(parts).to_numpy()
        later = np.ones(len(flat), dtype=bool)
        later[offsets[:-1][offsets[:-1] < len(flat)]] = False  # text before the first '#'
        # the Unicode classes cost milliseconds to compile on every call: plain ASCII
        # pieces (the usual case) take the equivalent ASCII class
        pattern = r"^(?P<w>[A-Za-z0-9_]+)" if pc.all(pc.string_is_ascii(flat)).as_py() \
            is not False else r"^(?P<w>[\pL\pN\pM_]+)"
        word = pc.struct_field(pc.extract_regex(flat, pattern), [0])
        keep = later & pc.is_valid(word).to_numpy(zero_copy_only=False)
        words = pc.utf8_lower(word.filter(pa.array(keep))).cast(pa.string())
        counts = np.bincount(parent[keep], minlength=len(rows))
        lists = pa.ListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(counts)]),
                                                  pa.int32()),
                                         pc.binary_join_element_wise("#", words, ""))
        joined = pc.binary_join(lists, " ")
        idx = np.full(len(arr), -1, dtype=np.int64)
        idx[rows[counts > 0]] = np.flatnonzero(counts > 0)
        picked = pc.take(joined, pa.array(idx, mask=idx < 0))
        # built from the array, so a caller's non-default index is kept, not reindexed
        return _string_series(picked, texts.index)
    return pd.Series(out, index=texts.index, dtype="string")


# ----------------------------------------------------------------------------- mapping

def probe_header(probe: FileProbe, line: int = 0) -> list[str]:
    """Normalised cells of header line ``line`` (0-based, after a ``sep=`` line)."""
    # every adapter's sniff asks for the same header: work it out once per probe
    cache = probe.__dict__.setdefault("_headers", {})
    if line not in cache:
        lines = probe_lines(probe)
        cache[line] = [] if len(lines) <= line else \
            [normalize(c) for c in header_cells(lines[line])]
    return list(cache[line])


def has_columns(header: Iterable[str], *names: str) -> bool:
    h = set(header)
    return all(normalize(n) in h for n in names)


def map_columns(table: RawTable, spec: dict[str, tuple[str, ...] | str], *,
                kinds: dict[str, str], export_tz: str | None = None,
                client_tz: str | None = None) -> dict[str, pd.Series]:
    """Canonical columns from raw ones: ``spec`` maps a canonical name to raw column
    names (the first present wins), ``kinds`` gives how to read it (count, number,
    text, date, timestamp). Canonical columns whose raw columns are all absent are
    left out (missing, not zero)."""
    out: dict[str, pd.Series] = {}
    for canon, names in spec.items():
        names = (names,) if isinstance(names, str) else names
        col = table.find(*names)
        if col is None:
            continue
        kind = kinds.get(canon, "count")
        if kind == "count":
            out[canon] = to_count(table, col)
        elif kind == "number":
            out[canon] = to_number(table, col)
        elif kind == "text":
            out[canon] = text(table, col)
        elif kind == "date":
            out[canon] = to_date(table, col)
        elif kind == "timestamp":
            assert export_tz and client_tz
            out[canon] = to_timestamp(table, col, export_tz, client_tz)
        else:
            raise AssertionError(kind)
    return out


def frame(table: RawTable, columns: dict[str, pd.Series | object]) -> pd.DataFrame:
    """A canonical-shaped frame with the raw rows kept in ``source_row``."""
    n = len(table)
    index = pd.RangeIndex(n)
    data: dict[str, pd.Series] = {}
    for k, v in columns.items():
        if isinstance(v, pd.Series):
            s = v.reset_index(drop=True)
        elif isinstance(v, str):
            # one value for every row (the platform): repeated in Arrow
            s = _string_series(pa.array([v], pa.large_string()).take(
                pa.array(np.zeros(n, dtype=np.int64))), index)
        else:
            s = pd.Series([v] * n, index=index)
        # canonical dtypes now, so the pipeline can skip re-reading every value
        dt = s.dtype
        if pd.api.types.is_bool_dtype(dt):
            s = s.astype("boolean")
        elif pd.api.types.is_integer_dtype(dt) and str(dt) != "Int64":
            s = s.astype("Int64")
        elif dt == object:
            s = s.astype("string")
        data[k] = s
    data["source_row"] = pd.Series(pd.array(table.rows, dtype="Int64"), index=index)
    # the columns are new: no copy (pandas copies a dict's arrays by default)
    return pd.DataFrame(data, index=index, copy=False)
