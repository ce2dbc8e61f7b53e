"""One family of exceptions, each carrying the context that locates the problem.

The CLI turns any :class:`SmmError` into its one-line message and exit code 2;
anything else is a bug and shows a traceback.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


class SmmError(Exception):
    """Base class of every error a user can fix by changing their input."""


def _short(path: str | Path | None) -> str:
    if path is None:
        return "<input>"
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class ConfigError(SmmError):
    """A problem in a client's ``client.yaml``: file, field and reason."""

    def __init__(self, path: str | Path | None, field: str | None, reason: str):
        self.path = path
        self.field = field
        self.reason = reason
        where = _short(path)
        super().__init__(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")


class ClientNotFound(SmmError):
    """An unknown client slug."""

    def __init__(self, slug: str, clients_dir: str | Path, known: list[str] | None = None):
        self.slug = slug
        self.clients_dir = clients_dir
        hint = f" (known clients: {', '.join(known)})" if known else ""
        super().__init__(f"{_short(clients_dir)}/{slug}: no such client{hint}")


class ExportError(SmmError):
    """A problem in a native export: file, row, column, value and reason.

    ``row`` is the 1-based line (or spreadsheet row) of the raw file when known.
    """

    def __init__(
        self,
        path: str | Path | None,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ):
        self.path = path
        self.row = row
        self.column = column
        self.value = value
        self.reason = reason
        parts = [_short(path)]
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        loc = ": ".join(parts)
        shown = f" (value {value!r})" if value is not None else ""
        super().__init__(f"{loc}: {reason}{shown}")


class AnalysisError(SmmError):
    """An analysis was asked for something the data cannot answer in principle
    (for example comparing a client figure with a benchmark of another denominator)."""
