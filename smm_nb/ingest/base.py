"""What an importer (adapter) is, and the registry that picks one per file by content.

An adapter recognises its files from a :class:`FileProbe` (decoded head of the
file, header line, sheet names) and turns the file into canonical-shaped frames.
New platforms are new modules that call :func:`register`; nothing else changes.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import numpy as np
import pandas as pd

from smm_nb.errors import ExportError

PROBE_BYTES = 64 * 1024


@dataclass
class FileProbe:
    """The first bytes of a file, decoded, for adapters to recognise it by content."""

    path: Path
    raw: bytes
    encoding: str | None  # None for binary files (xlsx, parquet, xls)
    text: str  # decoded head ("" for binary files)
    sheet_names: tuple[str, ...] = ()

    @property
    def first_line(self) -> str:
        return self.lines[0] if self.text.strip() else ""

    @property
    def lines(self) -> list[str]:
        # every adapter's sniff asks; split the 64 KB head once (callers do not mutate)
        cached = self.__dict__.get("_lines")
        if cached is None or cached[0] is not self.text:
            cached = (self.text, self.text.lstrip("\ufeff").splitlines())
            self.__dict__["_lines"] = cached
        return cached[1]

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()


@dataclass
class AdapterOutput:
    """Frames keyed by canonical table name, with the row accounting of one file."""

    tables: dict[str, pd.DataFrame]
    rows_read: int
    rows_skipped: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchOutput:
    """What an adapter's optional ``read_many`` returns for several files at once:
    frames keyed by canonical table, each row's file (``part_of[table]``, an index
    into the probes given; a file's rows contiguous, in file order), and rows read and
    skipped per file. Warnings are not allowed here: an adapter that would warn reads
    the files one by one."""

    tables: dict[str, pd.DataFrame]
    part_of: dict[str, np.ndarray]
    rows_read: list[int]
    rows_skipped: list[int]


@dataclass(frozen=True)
class IngestContext:
    timezone: str
    currency: str
    platform_hint: str | None = None


class Adapter(Protocol):
    name: str
    description: str

    def sniff(self, probe: FileProbe) -> bool: ...

    def read(self, probe: FileProbe, ctx: IngestContext) -> AdapterOutput: ...

    # Optional, for formats that often come as many files of one header:
    # ``read_many(probes, ctx) -> BatchOutput | None`` converts them in one pass. It
    # must give exactly what ``read`` gives file by file, or None (then each file is
    # read on its own); any error it raises is discarded and the files are read one
    # by one, so errors are always worded by ``read``.


_REGISTRY: list[Adapter] = []


def register(adapter: Adapter) -> Adapter:
    """Add an adapter; later registrations are tried first, so a specific adapter
    can override a generic one."""
    _REGISTRY.insert(0, adapter)
    return adapter


def adapters() -> list[Adapter]:
    return list(_REGISTRY)


def detect_encoding(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 by BOM, else cp1254/cp1252 by content."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(raw) >= 4 and raw[1] == 0 and raw[3] == 0:
        return "utf-16-le"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A cut multi-byte sequence at the end of the probe is still UTF-8.
        if exc.start >= len(raw) - 3:
            return "utf-8"
    # Turkish letters that only cp1254 has in these positions (ğ Ğ ı İ ş Ş)
    if any(b in raw for b in (0xF0, 0xD0, 0xFD, 0xDD, 0xFE, 0xDE)):
        return "cp1254"
    return "cp1252"


BINARY_SUFFIXES = {".xlsx", ".xls", ".parquet", ".pq"}


def probe_file(path: Path) -> FileProbe:
    with open(path, "rb") as fh:
        raw = fh.read(PROBE_BYTES)
    suffix = path.suffix.lower()
    if suffix in BINARY_SUFFIXES or raw.startswith(b"PK\x03\x04") or raw.startswith(b"PAR1"):
        sheets: tuple[str, ...] = ()
        if suffix in (".xlsx", ".xls"):
            try:
                sheets = tuple(pd.ExcelFile(path).sheet_names)
            except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file
                raise ExportError(path, f"cannot open spreadsheet: {exc}") from None
        return FileProbe(path, raw, None, "", sheets)
    enc = detect_encoding(raw)
    text = raw.decode(enc, errors="replace")
    return FileProbe(path, raw, enc, text)


def find_adapter(probe: FileProbe) -> Adapter:
    for adapter in _REGISTRY:
        if adapter.sniff(probe):
            return adapter
    supported = "\n".join(f"  - {a.name}: {a.description}" for a in reversed(_REGISTRY))
    if probe.encoding is not None and not probe.text.strip():
        what = "the file is empty"  # (not "sheets []": it is a text file)
    else:
        seen = probe.first_line[:300] if probe.text else f"sheets {list(probe.sheet_names)}"
        what = f"header seen: {seen!r}"
    raise ExportError(probe.path, f"no importer recognises this file; {what}. "
                                  f"Supported formats:\n{supported}")


AdapterFactory = Callable[[], Adapter]
