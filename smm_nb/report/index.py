"""``reports/index.html``: the analyst's portfolio view, never sent to a client.

One row per client folder under ``reports/``: the last successful run, the status of
the most recent attempt (a failed run newer than the last good one shows as failed),
headline KPI cards from ``findings.json`` and links to the reports and manifests.
"""
from __future__ import annotations

import html
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from smm_nb.report.html import page
from smm_nb.report.language import Language
from smm_nb.report.summary import headline_cards

INDEX_CSS = """
table.smm-index{display:table;font-size:.9em}
.smm-ok{color:#1d6b35;font-weight:600}.smm-failed{color:#a32020;font-weight:600}
.smm-kpi{display:block;white-space:nowrap}.smm-kpi b{color:var(--accent)}
"""


def _json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _latest(client_dir: Path) -> Path | None:
    link = client_dir / "latest"
    if link.is_symlink() or link.is_dir():
        target = link.resolve()
        if target.is_dir():
            return target
    return None


def _newest_failed(client_dir: Path) -> tuple[Path, dict] | None:
    failed = client_dir / "failed"
    best = None
    if failed.is_dir():
        for d in failed.iterdir():
            m = _json(d / "manifest.json")
            if m and (best is None or m.get("finished", "") > best[1].get("finished", "")):
                best = (d, m)
    return best


def client_rows(reports_dir: Path) -> list[dict[str, Any]]:
    rows = []
    for client_dir in sorted(p for p in Path(reports_dir).iterdir()
                             if p.is_dir() and not p.name.startswith(".")):
        good = _latest(client_dir)
        manifest = _json(good / "manifest.json") if good else None
        failed = _newest_failed(client_dir)
        if manifest is None and failed is None:
            continue
        status = "ok"
        if failed and (manifest is None or
                       failed[1].get("finished", "") > manifest.get("finished", "")):
            status = "failed"
        ref = manifest or failed[1]  # type: ignore[index]
        rows.append({
            "slug": client_dir.name, "name": ref.get("client_name") or client_dir.name,
            "language": ref.get("parameters", {}).get("language", "en"),
            "currency": ref.get("currency"),
            "good_run": manifest.get("run_id") if manifest else None,
            "good_finished": manifest.get("finished") if manifest else None,
            "status": status,
            "failed_run": failed[0].name if failed and status == "failed" else None,
            "failed_notebooks": [n["notebook"] for n in failed[1].get("notebooks", [])
                                 if n.get("status") != "ok"] if failed and status == "failed"
            else [],
            "error": failed[1].get("error") if failed and status == "failed" else None,
            "findings": _json(good / "findings.json") if good else None,
        })
    return rows


def render_index(reports_dir: Path) -> str:
    esc = html.escape
    en = Language("en")
    body = ['<h1>Portfolio</h1><p class="smm-note">For the analyst only: never send this page '
            "to a client. Each client's own report is linked.</p>",
            '<table class="smm-index"><thead><tr><th>Client</th><th>Last good run</th>'
            "<th>Status</th><th>Headline KPIs</th><th>Links</th></tr></thead><tbody>"]
    for r in client_rows(reports_dir):
        slug = esc(r["slug"])
        kpis = ""
        if r["findings"]:
            lang = Language(r["language"]) if r["language"] in ("en", "tr") else en
            for c in headline_cards(r["findings"], lang, r["currency"]):
                kpis += (f'<span class="smm-kpi" title="{esc(c.text)}">{esc(c.title)}: '
                         f"<b>{esc(c.value or '–')}</b></span>")
        why = r["error"] or ", ".join(r["failed_notebooks"])
        status = ('<span class="smm-ok">ok</span>' if r["status"] == "ok" else
                  f'<span class="smm-failed">failed</span> ({esc(r["failed_run"] or "")}: '
                  f"{esc(why)})")
        links = []
        if r["good_run"]:
            links.append(f'<a href="{slug}/latest/report.html">report</a>')
            links.append(f'<a href="{slug}/latest/manifest.json">manifest</a>')
        if r["failed_run"]:
            links.append(f'<a href="{slug}/failed/{esc(r["failed_run"])}/manifest.json">'
                         f"failed run</a>")
        last = esc(r["good_run"] or "never")
        body.append(f"<tr><td><strong>{esc(r['name'])}</strong><br>"
                    f'<span class="smm-note">{slug}</span></td><td>{last}</td>'
                    f"<td>{status}</td><td>{kpis or '–'}</td><td>{' · '.join(links)}</td></tr>")
    body.append("</tbody></table>")
    return page("smm-nb portfolio", "".join(body), "en").replace(
        "</style>", INDEX_CSS + "</style>", 1)


def write_index(reports_dir: Path) -> Path:
    """(Re)write ``reports_dir/index.html`` atomically."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=reports_dir, prefix=".index-", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(render_index(reports_dir))
        os.chmod(tmp, 0o644)
    except BaseException:
        os.unlink(tmp)
        raise
    out = reports_dir / "index.html"
    os.replace(tmp, out)
    return out
