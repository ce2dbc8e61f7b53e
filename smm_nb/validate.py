"""``smm-nb validate SLUG``: config and exports checked, and a summary of what was read."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smm_nb.errors import SmmError


@dataclass
class ValidationReport:
    client: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        return {"client": self.client, "ok": self.ok, "files": self.files,
                "tables": self.tables, "errors": self.errors, "warnings": self.warnings}

    def as_text(self) -> str:
        lines = [f"{self.client}: {'ok' if self.ok else 'NOT OK'}"]
        if self.files:
            lines.append("files:")
            for f in self.files:
                span = f"{f['start']} .. {f['end']}" if f.get("start") else "no dates"
                into = f" -> {', '.join(f['tables'])}" if f.get("tables") else ""
                lines.append(f"  {f['path']}: {f['adapter'] or 'ERROR'}, {f['rows_read']} rows "
                             f"read, {f['rows_skipped']} skipped, {span}{into}")
        if self.tables:
            lines.append("tables:")
            for name, t in self.tables.items():
                if not t["rows"]:
                    continue
                span = f"{t['start']} .. {t['end']}" if t["start"] else ""
                lines.append(f"  {name}: {t['rows']} rows, {', '.join(t['platforms']) or '-'}"
                             f" {span}".rstrip())
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines)


def validate_client(slug: str, data_dir: Path) -> ValidationReport:
    """Check one client; configuration errors stop early, export errors are all collected."""
    from smm_nb.analysis.coverage import coverage
    from smm_nb.model.workspace import load_client

    report = ValidationReport(slug)
    try:
        ws = load_client(slug, data_dir)
        result = ws.ingest(collect_errors=True)
    except SmmError as exc:
        report.errors.append(str(exc))
        return report
    report.files = [{"path": f.path, "adapter": f.adapter, "rows_read": f.rows_read,
                     "rows_skipped": f.rows_skipped, "start": f.start, "end": f.end,
                     "tables": list(f.tables)}
                    for f in result.files]
    report.errors += result.errors
    report.warnings += result.warnings
    ws.store(result)
    if not result.files:
        report.warnings.append(f"{ws.exports_dir}: no export files yet")
    for t in coverage(result.tables).tables:
        report.tables[t.table] = {
            "rows": t.rows, "platforms": list(t.platforms),
            "start": None if t.start is None else str(t.start.date()),
            "end": None if t.end is None else str(t.end.date()),
            "totals": t.totals}
    configured = set(ws.config.platforms)
    seen = set(report.tables["posts"]["platforms"]) | set(report.tables["account_daily"]["platforms"])
    for missing in sorted(configured - seen):
        report.warnings.append(f"{missing}: configured in client.yaml but no posts or daily data "
                               f"found in the exports")
    return report
