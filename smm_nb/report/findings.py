"""The findings record: every notebook's headline numbers, as data.

A notebook calls :meth:`FindingsRecorder.record` for each headline result; the
recorder rewrites its JSON file atomically after every call, so a notebook that
fails half-way still leaves the findings it reached. The batch run gathers the
per-notebook files into ``findings.json`` (see ``docs/findings.md``).
"""
from __future__ import annotations

import json
import math
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Protocol

KEY_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_\-]+)*$")
UNITS = ("ratio", "count", "per_week", "per_day", "days", "hours", "currency", "rate_ratio",
         "percent_points", "probability", "text")


@dataclass(frozen=True)
class Finding:
    key: str
    value: float | str | None
    text: str
    unit: str = "ratio"
    basis: str = ""
    low: float | None = None
    high: float | None = None
    n: int | None = None

    def __post_init__(self) -> None:
        if not KEY_RE.match(self.key):
            raise ValueError(f"finding key {self.key!r} must be dotted lower-case snake_case")
        if self.unit not in UNITS:
            raise ValueError(f"finding unit {self.unit!r} is not one of {UNITS}")
        if self.value is None and not self.text:
            raise ValueError(f"finding {self.key}: a missing value needs its reason in text")

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("value", "low", "high"):
            v = d[k]
            if isinstance(v, float) and not math.isfinite(v):
                d[k] = None
        if d["value"] is not None and not isinstance(d["value"], str):
            d["value"] = float(d["value"])
        for k in ("low", "high"):
            if d[k] is not None:
                d[k] = float(d[k])
        if d["n"] is not None:
            d["n"] = int(d["n"])
        return d


class HasFindings(Protocol):
    def to_findings(self, key: str) -> list[Finding]: ...


class FindingsRecorder:
    """Collects one notebook's findings and keeps them on disk as JSON.

    Parameters
    ----------
    notebook : str
        e.g. ``"01_audit"``.
    path : path or None
        Where to write; ``None`` keeps the findings in memory only (interactive use).
    """

    def __init__(self, notebook: str, path: str | Path | None = None, client: str | None = None,
                 language: str = "en"):
        self.notebook = notebook
        self.path = Path(path) if path else None
        self.client = client
        self.language = language
        self.findings: dict[str, Finding] = {}

    def record(self, item: Finding | HasFindings | Iterable[Finding], key: str | None = None
               ) -> list[Finding]:
        """Record a :class:`Finding`, a list of them, or a result object's
        ``to_findings(key)``. Recording the same key again replaces it."""
        if isinstance(item, Finding):
            new = [item]
        elif hasattr(item, "to_findings"):
            if key is None:
                raise ValueError("a result object needs a key to record its findings under")
            new = list(item.to_findings(key))
        else:
            new = list(item)
        for f in new:
            self.findings[f.key] = f
        self._write()
        return new

    def as_dict(self) -> dict[str, Any]:
        return {"notebook": self.notebook, "client": self.client, "language": self.language,
                "findings": [f.to_json() for f in self.findings.values()]}

    def _write(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".findings-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.as_dict(), fh, ensure_ascii=False, indent=1, allow_nan=False)
        os.replace(tmp, self.path)


def read_findings(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
